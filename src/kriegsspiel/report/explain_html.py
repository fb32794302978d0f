"""The inverse what-if's result (ensemble.explain) as text or as one self-contained HTML page with the posterior
of each assumption drawn (matplotlib, inline PNG: the page loads nothing from the network)."""

from __future__ import annotations

import base64
import io
from html import escape

from .article import fmt_int


def _num(x: float) -> str:
    return fmt_int(x) if abs(x) >= 100 else f"{x:.3g}"


def _claim_line(cl: dict) -> str:
    if cl["kind"] == "result":
        sh = cl.get("share_in_accepted_worlds")
        where = f"; share of runs in the accepted worlds {sh['min']:.0%}-{sh['max']:.0%}" if sh else ""
        return f"result: {cl['claimed']}{where}"
    med = cl.get("simulated_median_in_accepted_worlds")
    where = f"; simulated median {_num(med['min'])}-{_num(med['max'])}" if med else ""
    return f"{cl['side']} {cl['category']}: {fmt_int(cl['claimed'])}{where}"


def _what(i: dict) -> str:
    claim = i["claim"] if isinstance(i["claim"], str) else fmt_int(i["claim"])
    return f"{claim} ({' '.join(x for x in (i.get('side'), i['category']) if x)})"


def render_text(res: dict) -> str:
    lines = [f"{res['scenario']}: {res['method']}, {res['worlds_simulated']:,} worlds x {res['runs_per_world']} "
             f"campaigns (budget {res['budget']:,}), {res['generations']} generations, seed {res['seed']}", "",
             "Claims:"]
    lines += [f"  {_claim_line(cl)}" for cl in res["claims"]]
    lines += ["", "Posterior (weighted p10 / p50 / p90 of the last generation; historical value; searched range):"]
    for k, v in res["posterior"].items():
        lines.append(f"  {k:<40} {_num(v['p10'])} / {_num(v['p50'])} / {_num(v['p90'])}   historical "
                     f"{_num(v['historical'])}   range {_num(v['range'][0])}-{_num(v['range'][1])}")
    lines += ["", f"Smallest departure from the historical values ({res['minimal_note']}):"]
    md = res.get("minimal_departure")
    if md is None:
        lines.append("  none")
    elif not md:
        lines.append("  none: the historical values themselves")
    else:
        for k, v in md.items():
            lines.append(f"  {k:<40} {_num(v['historical'])} -> {_num(v['value'])}")
    if res.get("result_share_at_minimal"):
        shares = ", ".join(f"{lab} {v:.0%}" for lab, v in res["result_share_at_minimal"].items())
        lines.append(f"  results there ({res['confirm_runs']} campaigns): {shares}")
    lines += ["", "Implausible under every accepted world:"]
    lines += [f"  {_what(i)}: {i['reason']}" for i in res["implausible"]] or ["  none"]
    return "\n".join(lines) + "\n"


def _posterior_png(res: dict) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = list(res["posterior"])
    n = len(names)
    cols = 3
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.8 * rows), squeeze=False)
    w = np.asarray(res["samples"]["weights"], float)
    for ax, name in zip(axes.flat, names):
        post = res["posterior"][name]
        x = np.asarray(res["samples"][name], float)
        ax.hist(x, bins=15, range=tuple(post["range"]), weights=w, color="#6b8fb5", edgecolor="white")
        ax.axvline(post["historical"], color="#b22", lw=1.5, label="historical")
        ax.axvspan(post["p10"], post["p90"], color="#6b8fb5", alpha=0.15, label="p10-p90")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("assumption value", fontsize=8)
        ax.set_ylabel("posterior weight", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    if n:
        axes.flat[0].legend(fontsize=7)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def render(res: dict) -> str:
    e = escape
    rows = "".join(f"<tr><td>{e(k)}</td><td>{_num(v['p10'])}</td><td>{_num(v['p50'])}</td><td>{_num(v['p90'])}</td>"
                   f"<td>{_num(v['historical'])}</td><td>{_num(v['range'][0])}-{_num(v['range'][1])}</td></tr>"
                   for k, v in res["posterior"].items())
    md = res.get("minimal_departure") or {}
    mrows = "".join(f"<tr><td>{e(k)}</td><td>{_num(v['historical'])}</td><td>{_num(v['value'])}</td></tr>"
                    for k, v in md.items()) or "<tr><td colspan=3>none</td></tr>"
    shares = ", ".join(f"{e(lab)} {v:.0%}" for lab, v in (res.get("result_share_at_minimal") or {}).items())
    impl = "".join(f"<li><b>{e(_what(i))}</b>: {e(i['reason'])}</li>"
                   for i in res["implausible"]) or "<li>none</li>"
    claims = "".join(f"<li>{e(_claim_line(cl))}</li>" for cl in res["claims"])
    png = _posterior_png(res) if res["posterior"] else ""
    img = f'<img alt="posterior of each assumption" src="data:image/png;base64,{png}">' if png else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>What would have to be true: {e(res['scenario'])}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 8px;text-align:right}}td:first-child{{text-align:left}}img{{max-width:100%}}</style>
</head><body>
<h1>What would have to be true: {e(res['scenario'])}</h1>
<p>{e(res['method'])}: {res['worlds_simulated']:,} simulated worlds of {res['runs_per_world']} campaigns each
(budget {res['budget']:,}), {res['generations']} generations, seed {res['seed']}.</p>
<h2>Claims</h2><ul>{claims}</ul>
<h2>Posterior of each assumption</h2>
<table><tr><th>assumption</th><th>p10</th><th>p50</th><th>p90</th><th>historical</th><th>searched range</th></tr>
{rows}</table>
{img}
<h2>Smallest departure from the historical values</h2>
<p>{e(res['minimal_note'])}.</p>
<table><tr><th>assumption</th><th>historical</th><th>needed</th></tr>{mrows}</table>
<p>Results there ({res.get('confirm_runs', 0)} campaigns): {shares or 'none'}</p>
<h2>Implausible under every accepted world</h2><ul>{impl}</ul>
</body></html>
"""
