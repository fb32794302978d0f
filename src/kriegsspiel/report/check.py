"""Plausibility check of an article's claims against an ensemble and historical base rates.

``check_article(text, ensemble_summary, context)`` reads the claims (see `parse`), places each
casualty claim in the simulated distribution (percentile = share of runs below the claim) and
reads it against the base rates in ``data/base_rates.yaml``: the forces actually in the
theatre, Dupuy's 1–3 %/day, and the historical killed : wounded : missing ratios.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib import resources

import numpy as np

from .article import CATEGORIES, fmt_int
from .parse import Claims, parse_article

PCT_LOW, PCT_HIGH = 1.0, 99.0  # a claim outside the runs' 1st-99th percentile is implausible
RESULT_MIN_SHARE = 0.05  # a claimed result that fewer than 5 % of runs reach is implausible

# Names an article may use for a side; a context entry may add its own "name" and "aliases".
ALIASES = {
    "ussr": ("soviet union", "ussr", "soviet", "red army", "russia", "allied", "allies", "mongolia"),
    "japan": ("empire of japan", "japan", "japanese", "axis", "kwantung", "manchukuo"),
}
DRAW_WORDS = ("inconclusive", "stalemate", "draw", "indecisive", "ceasefire")


@lru_cache(maxsize=1)
def base_rates() -> dict:
    import yaml

    text = resources.files("kriegsspiel").joinpath("data/base_rates.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def side_of(name: str, sides: list[str], context: dict) -> str | None:
    """The side key a written name (combatant heading or result label) refers to."""
    low = name.lower()
    best, best_len = None, 0
    for side in sides:
        ctx = context.get(side) if isinstance(context.get(side), dict) else {}
        words = [side, *(ALIASES.get(side, ())), ctx.get("name", ""), *ctx.get("aliases", ())]
        for w in (w.lower() for w in words if w):
            if w in low and len(w) > best_len:  # longest alias wins ("soviet union" over "union")
                best, best_len = side, len(w)
    return best


def percentile(claim: float, q: dict) -> tuple[float, str]:
    """Share of runs (in %) below the claim, and how it was obtained."""
    samples = q.get("samples")
    if samples:
        arr = np.asarray(samples, float)
        return float(100.0 * np.mean(arr < claim)), ""
    xs = np.array([q["p10"], q["p50"], q["p90"]], float)
    ys = np.array([10.0, 50.0, 90.0])
    if claim <= xs[0]:
        slope = 40.0 / max(xs[1] - xs[0], 1e-9)
        p = ys[0] - slope * (xs[0] - claim)
    elif claim >= xs[2]:
        slope = 40.0 / max(xs[2] - xs[1], 1e-9)
        p = ys[2] + slope * (claim - xs[2])
    else:
        p = float(np.interp(claim, xs, ys))
    how = "interpolated from p10/p50/p90, no samples"
    return float(np.clip(p, 0.0, 100.0)), how


def _forces(side: str, context: dict) -> tuple[int | None, str]:
    ctx = context.get(side) if isinstance(context.get(side), dict) else {}
    if ctx.get("strength"):
        return int(ctx["strength"]), ctx.get("source", "context")
    for entry in base_rates()["theatre_forces"].values():
        if entry["side"] == side:
            return int(entry["personnel"]), entry["source"]
    return None, ""


def _days(context: dict, claims: Claims) -> int | None:
    if context.get("days"):
        return int(context["days"])
    if len(claims.dates) >= 2:
        a, b = dt.date.fromisoformat(claims.dates[0]), dt.date.fromisoformat(claims.dates[-1])
        return (b - a).days + 1
    return None


def _side_base_rates(side: str, name: str, cas: dict[str, int], days: int | None, context: dict) -> dict:
    """Numbers and plain-language findings for one side's claimed losses."""
    br = base_rates()
    total = sum(cas.get(c, 0) for c in CATEGORIES)
    forces, source = _forces(side, context)
    out = {"total_claimed": total, "forces_in_theatre": forces, "forces_source": source, "findings": [],
           "violations": []}
    if forces:
        share = 100.0 * total / forces
        out["share_of_forces_pct"] = round(share, 1)
        if total > forces:
            out["violations"].append(
                f"claimed losses total {fmt_int(total)}, {share:.0f} % of the {fmt_int(forces)} men "
                f"in the whole theatre ({source})")
        if days:
            rate = share / days
            dr = br["daily_loss_rate_pct"]["division_engagement_ww2"]
            out["daily_loss_rate_pct"] = round(rate, 2)
            text = (f"{rate:.2f} %/day of the theatre forces for {days} days, against Dupuy's "
                    f"{dr['low']:g}–{dr['high']:g} %/day for WWII divisions in engagement")
            (out["violations"] if rate > dr["high"] else out["findings"]).append(text)
    k = cas.get("killed", 0)
    if k and "wounded" in cas and "missing" in cas:
        w, m = cas["wounded"] / k, cas["missing"] / k
        out["kwm_ratio"] = [1.0, round(w, 2), round(m, 2)]
        refs = {key: r for key, r in br["kwm_ratios"].items() if key.startswith("red_army" if side == "ussr"
                                                                              else "japanese")}
        hist = "; ".join(f"{r.get('label', key)} 1 : {r['ratio'][1]:g} : {r['ratio'][2]:g}"
                         for key, r in refs.items() if "ratio" in r)
        text = f"killed : wounded : missing claimed 1 : {w:.3g} : {m:.3g}"
        out["findings"].append(text + (f"; historical {hist}" if hist else ""))
        if total:
            ms = cas["missing"] / total
            out["missing_share_pct"] = round(100 * ms, 1)
            shares = br["category_shares"]
            if side == "japan" and ms > shares["japanese_before_surrender"]["missing"][1]:
                out["findings"].append(f"missing are {100 * ms:.1f} % of losses; Japanese units before a "
                                       f"surrender lost 0–2 % as missing ({shares['japanese_before_surrender']['source']})")
            if side == "japan" and w > 2 * max(r["ratio"][1] for r in refs.values() if "ratio" in r):
                out["findings"].append(f"{w:.1f} wounded per killed is atypical for Japanese forces, whose "
                                       f"killed were about equal to or more than their wounded")
    return out


def result_labels(claimed: str, labels, winner_of_label, sides: list[str], context: dict) -> tuple[bool, str | None, list]:
    """What a claimed result names: (a draw?, the side it names, the result labels it matches). A claim that names
    no side and no draw ("Martian victory") matches no label. `winner_of_label(label)` is a label's winning side
    (None for a draw)."""
    low = claimed.lower()
    draw = any(w in low for w in DRAW_WORDS)
    winner = None if draw else side_of(claimed, sides, context)
    if not draw and winner is None:
        return False, None, []
    return draw, winner, [lab for lab in labels if lab.lower() == low or winner_of_label(lab) == winner]


def _result_claim(claims: Claims, ensemble: dict, sides: list[str], context: dict) -> dict:
    claimed = claims.result
    shares = ensemble.get("result_share") or {}
    draw, winner, labs = result_labels(
        claimed, list(shares), lambda lab: None if any(w in lab.lower() for w in DRAW_WORDS) else side_of(lab, sides, context),
        sides, context)
    if not draw and winner is None:
        # "Martian victory": neither a side of the campaign nor a draw, so no run can end in it
        return {"side": "", "category": "result", "claimed": claimed, "percentile": None, "plausible": False,
                "reason": "names no side of the campaign and no draw (sides: " + ", ".join(sides) + ")"}
    if not shares:
        return {"side": winner or "", "category": "result", "claimed": claimed, "percentile": None,
                "plausible": True, "reason": "no ensemble results to compare with"}
    match = {lab: shares[lab] for lab in labs}
    share = float(sum(match.values()))
    runs = ensemble.get("runs", 0)
    labels = ", ".join(match) or "none"
    ok = share >= RESULT_MIN_SHARE
    reason = (f"{100 * share:.1f} % of {fmt_int(runs)} runs end in this result (matching labels: {labels})"
              + ("" if ok else f"; below the {100 * RESULT_MIN_SHARE:.0f} % threshold"))
    return {"side": winner or "", "category": "result", "claimed": claimed, "percentile": None,
            "plausible": ok, "reason": reason}


def check_article(text: str, ensemble_summary: dict, context: dict) -> dict:
    """Claims of an article, each with its percentile in the ensemble and a reasoned verdict."""
    claims = parse_article(text)
    ens = ensemble_summary or {}
    sides = list(dict.fromkeys([*(ens.get("casualties") or {}), *(k for k, v in context.items() if isinstance(v, dict)),
                               *ALIASES]))
    days = _days(context, claims)
    out_claims, rates = [], {}
    if claims.result:
        out_claims.append(_result_claim(claims, ens, sides, context))
    for written, cas in claims.casualties.items():
        side = side_of(written, sides, context) or written
        br = _side_base_rates(side, written, cas, days, context)
        rates[side] = br
        for cat in CATEGORIES:
            if cat not in cas:
                continue
            q = ((ens.get("casualties") or {}).get(side) or {}).get(cat)
            pct, how = percentile(cas[cat], q) if q else (None, "no simulated distribution for this side")
            reasons, ok = [], True
            if pct is not None:
                ok = PCT_LOW <= pct <= PCT_HIGH
                where = "above" if pct > PCT_HIGH else "below" if pct < PCT_LOW else "within"
                runs = fmt_int(ens.get("runs", 0))
                reasons.append(f"{fmt_int(cas[cat])} is at percentile {pct:.1f} of {runs} runs, {where} the simulated "
                               f"range (p10–p90 {fmt_int(q['p10'])}–{fmt_int(q['p90'])}{'; ' + how if how else ''})")
            if br["violations"]:
                ok = False
                reasons += br["violations"]
            br.setdefault("name", written)
            out_claims.append({"side": side, "category": cat, "claimed": cas[cat], "percentile": pct,
                               "plausible": ok, "reason": "; ".join(reasons) or how})
    return {"claims": out_claims, "verdict": _verdict(out_claims, rates), "title": claims.title,
            "format": claims.format, "dates": {"claimed": claims.dates, "days": days},
            "base_rates": rates, "runs": ens.get("runs"), "seed": ens.get("seed")}


def _verdict(claims: list[dict], rates: dict) -> str:
    """One plain paragraph: the failed claims grouped by side, with the numbers that sink them."""
    if not claims:
        return "No claims found: the article states no result and no killed, wounded or missing figures."
    bad = [c for c in claims if not c["plausible"]]
    if not bad:
        head = (f"Plausible: all {len(claims)} claims lie within the simulated 1st–99th percentiles "
                "and within the historical base rates.")
    else:
        head = f"Implausible: {len(bad)} of {len(claims)} claims fail."
    parts = [head]
    for c in bad:
        if c["category"] == "result":
            parts.append(f"Result '{c['claimed']}': {c['reason']}.")
    for side, r in rates.items():
        failed = [c for c in bad if c["side"] == side and c["category"] != "result"]
        if failed:
            cats = ", ".join(c["category"] for c in failed)
            pcts = [f"{c['category']} at percentile {c['percentile']:.1f}" for c in failed
                    if c["percentile"] is not None and not PCT_LOW <= c["percentile"] <= PCT_HIGH]
            parts.append(f"{r.get('name', side)} ({cats}): " + "; ".join([*r["violations"], *pcts]) + ".")
        if r["findings"]:
            parts.append(f"Base rates, {r.get('name', side)}: " + "; ".join(r["findings"]) + ".")
    return " ".join(parts)
