"""`kriegsspiel validate`: calibration figures on CDB90 held-out folds beside the baselines, the theatre's own
battles, the integrator check, and back-tests of the Lake Khasan and Khalkhin Gol scenarios -- one dict,
rendered as a text table or written as docs/validation.md with its calibration plot.

    validate(quick=False) -> dict      (JSON-ready: cdb90 and operations blocks plus details)
    render_text(result) -> str
    write_docs(result, path)           docs/validation.md + docs/validation-calibration.png
    write_fitted(result, path)         data/parameters/fitted.yaml

``python -m kriegsspiel.validation.report --write`` regenerates fitted.yaml and the docs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from . import calibrate as cal
from . import cdb90, lanchester

OPERATION_RUNS = {"full": 200, "quick": 20}
FREE_SCALE = {"log": "ln", "id": "linear"}
OPERATION_SEED = 1938

# The record (sources in the scenario files): personnel losses by side and the winner.
OPERATIONS = [
    {"name": "Battle of Lake Khasan (29 Jul - 11 Aug 1938)", "scenario": "lake-khasan-1938",
     "recorded": {"winner": "ussr", "result": "Japanese withdrawal",
                  "losses": {"ussr": 792 + 3279, "japan": 526 + 913},
                  "detail": {"ussr": "792 killed and missing + 3,279 wounded or sick (Krivosheev 1993)",
                             "japan": "526 killed + 913 wounded"}}},
    {"name": "Khalkhin Gol, Soviet offensive (20-31 Aug 1939)", "scenario": "khalkhin-gol-1939",
     "recorded": {"winner": "ussr", "result": "23rd Division enveloped and destroyed",
                  "losses": {"ussr": 9703 + 15952, "japan": 8440 + 8766},
                  "detail": {"ussr": "9,703 irrecoverable + 15,952 sanitary (Krivosheev 1993; whole conflict)",
                             "japan": "about 8,440 killed + 8,766 wounded (Coox 1985)"}}},
]


def _f(x, nd=4):
    return None if x is None or not np.isfinite(x) else round(float(x), nd)


def theatre_battles(params) -> list[dict]:
    """CDB90 isqno 256-260 as engagements, predicted with the parameters fitted on all eligible data."""
    e, _ = cdb90.load(theatre=True)
    a = cal.arrays(e, params)
    pr = cal.predict(a, params)
    out = []
    for i in range(len(e)):
        rec = {1: "attacker", -1: "defender", 0: "draw"}[int(e.outcome[i])]
        out.append({
            "isqno": int(e.isqno[i]), "name": str(e.name[i]), "year": int(e.year[i]),
            "men": [int(m) for m in e.men[i]], "days": _f(e.days[i], 2),
            "p_attacker_wins": _f(pr["p_win"][i], 3),
            "predicted_winner": "attacker" if pr["attacker_wins"][i] else "defender",
            "recorded_winner": rec,
            "casualties_recorded": [None if not np.isfinite(c) else int(c) for c in e.casualties[i]],
            "casualties_predicted": [int(round(c)) for c in pr["casualties"][i]],
        })
    return out


def _operation(op: dict, runs: int, seed: int, overrides: dict) -> dict:
    import kriegsspiel

    from ..engine import outcome

    c = kriegsspiel.compile(op["scenario"], overrides=overrides)
    eng = kriegsspiel.simulate(c, runs=runs, seed=seed)
    st = eng.st
    names = outcome.labels(c)
    lab = outcome.evaluate(c, st)
    winners = np.array([outcome.winner_of(c, names[k]) for k in lab], dtype=object)
    lost = st.killed + st.wounded + st.missing
    rec = op["recorded"]
    sim = {}
    for q in (10, 50, 90):
        sim[f"p{q}"] = {s: int(np.percentile(lost[:, c.unit_side == c.side_keys.index(s)].sum(axis=1), q))
                        for s in c.side_keys}
    rank = {}
    for s in c.side_keys:
        x = lost[:, c.unit_side == c.side_keys.index(s)].sum(axis=1)
        rank[s] = _f(np.mean(x < rec["losses"][s]) + 0.5 * np.mean(x == rec["losses"][s]), 3)
    labels, counts = np.unique(np.array([names[k] for k in lab]), return_counts=True)
    return {"name": op["name"], "scenario": op["scenario"], "runs": runs, "seed": seed,
            "winner_share": _f(np.mean(winners == rec["winner"]), 3),
            "results": {str(k): int(v) for k, v in zip(labels, counts)},
            "recorded": rec, "simulated": sim, "recorded_percentile_in_simulated": rank}


def _leave_one_war_out(e, base) -> dict:
    """Each war's battles predicted by the fit on all the other wars' (calibrate.war_folds): winner accuracy,
    log-loss and Brier score, with the baselines fitted the same way."""
    folds = cal.war_folds(e)
    cv = cal.cross_validate(e, base, test_sets=folds)
    s = cal.summarize(e, cv)
    return {"winner_accuracy": _f(s["winner_accuracy"]), "log_loss": _f(s["winner_log_loss"]),
            "brier": _f(s["winner_brier"]), "baselines": {k: _f(v) for k, v in s["baselines"].items()},
            "casualties_within_50pct": _f(s["casualties_within_50pct"]),
            "interval_coverage": {k: (_f(v) if k != "sides" else v) for k, v in s["interval_coverage"].items()},
            "wars": len(folds), "n_decisive": s["n_decisive"]}


def validate(quick: bool = False, select_prior: bool = False) -> dict:
    """Run the whole validation. quick=True (CI): the same CDB90 cross-validation (it takes seconds) and
    OPERATION_RUNS['quick'] campaign runs per scenario instead of OPERATION_RUNS['full']. select_prior=True
    (``--write``) also reruns the held-out grid that chose calibrate.PRIOR_SCALE (a few minutes) and reports it."""
    base = cal.prior_params()
    e, load_summary = cdb90.load()
    cv = cal.cross_validate(e, base)
    summary = cal.summarize(e, cv)
    ww2 = np.array(["WORLD WAR II" in w for w in e.war])
    fit_all = cal.fit(cal.arrays(e, base), base)
    params_all = base.with_overrides(fit_all["params"])
    engel = lanchester.engel_iwo_jima()
    alive = engel["japanese_exact"] > 1000
    out = {
        "cdb90": {
            "n": summary["n"], "n_decisive": summary["n_decisive"],
            "winner_accuracy": _f(summary["winner_accuracy"]),
            "baselines": {k: _f(v) for k, v in summary["baselines"].items()},
            "casualties_within_50pct": _f(summary["casualties_within_50pct"]),
            "median_abs_log_error": _f(summary["median_abs_log_error"]),
            "casualty_sides": summary["casualty_sides"],
            "winner_brier": _f(summary["winner_brier"]),
            "winner_log_loss": _f(summary["winner_log_loss"]),
            "brier": _f(summary["winner_brier"]),
            "log_loss": _f(summary["winner_log_loss"]),
            "interval_coverage": {k: (_f(v) if k != "sides" else v) for k, v in summary["interval_coverage"].items()},
            "leave_one_war_out": _leave_one_war_out(e, base),
            "casualties_by_side": summary["casualties_by_side"],
            "casualties_given_recorded_outcome": summary["casualties_given_recorded_outcome"],
            "casualty_baselines": summary["casualty_baselines"],
            "folds": cal.N_FOLDS, "seed": cal.SEED, "held_out": True,
            "loader": load_summary,
        },
        "cdb90_wwii": {k: v for k, v in cal.summarize(e, cv, ww2).items()
                       if k in ("n", "n_decisive", "winner_accuracy", "baselines", "casualties_within_50pct",
                                "median_abs_log_error")},
        "cdb90_casualty_insensitive": {k: v for k, v in cal.summarize(e, cv, e.insensitive).items()
                                       if k in ("n", "n_decisive", "winner_accuracy", "casualties_within_50pct",
                                                "median_abs_log_error")},
        "fitted": {k: _f(v, 5) for k, v in fit_all["params"].items()},
        "fit": {"method": fit_all["method"], "nll": _f(fit_all["nll"], 3), "converged": fit_all["converged"],
                "prior_scale": {k: (None if not np.isfinite(v) else v) for k, v in fit_all["prior_scale"].items()},
                "structure": dict(cal.STRUCTURE),
                "held_out_log_likelihood": {"outcome_per_battle": _f(float(np.mean(cv["outcome_ll"]))),
                                            "casualties_per_side": _f(float(np.mean(cv["casualty_ll"])))},
                "priors": {k: {"centre": _f(mu, 4), "sd": _f(sd, 4), "scale": FREE_SCALE[cal.FREE[k]], "basis": b}
                           for k, (mu, sd, b) in cal.PRIORS.items() if k in cal.free_names()},
                "per_fold": [{k: _f(v, 4) for k, v in f["params"].items()} for f in cv["fits"]]},
        "theatre_battles": theatre_battles(params_all),
        "integrator": {
            "case": lanchester.ENGEL_IWO_JIMA["source"],
            "max_relative_error_us": (float(np.max(np.abs(engel["us"][alive] / engel["us_exact"][alive] - 1)))),
            "max_relative_error_japanese": (float(np.max(np.abs(engel["japanese"][alive] / engel["japanese_exact"][alive] - 1)))),
            "us_day_30": int(round(float(np.interp(30.0, engel["t"], engel["us"])))),
            "japanese_day_30": int(round(float(np.interp(30.0, engel["t"], engel["japanese"])))),
        },
        "operations": [],
        "quick": bool(quick),
        "date": dt.date.today().isoformat(),
    }
    runs = OPERATION_RUNS["quick" if quick else "full"]
    for op in OPERATIONS:
        try:
            out["operations"].append(_operation(op, runs, OPERATION_SEED, fit_all["params"]))
        except Exception as exc:  # the engine is young: report a scenario that cannot run, do not hide the rest
            out["operations"].append({"name": op["name"], "scenario": op["scenario"], "error": repr(exc),
                                      "recorded": op["recorded"], "winner_share": None, "simulated": None})
    # plot data (held-out): not part of the JSON shape, used by write_docs
    if select_prior:
        g = cal.select_prior_scale(e, base)
        clean = lambda t: None if not np.isfinite(t) else t  # noqa: E731
        out["prior_selection"] = {
            "rule": g["rule"], "chosen": {k: clean(v) for k, v in g["chosen"].items()},
            "in_use": {k: clean(v) for k, v in cal.PRIOR_SCALE.items()},
            **{st: [{k: (clean(v) if k == "tau" else _f(v)) for k, v in r.items()} for r in g[st]]
               for st in ("outcome", "casualties")}}
    out["_plot"] = {"p_win": cv["p_win"][e.decisive].tolist(), "won": (e.outcome[e.decisive] > 0).tolist(),
                    "cas_pred": cv["casualties"].tolist(), "cas_rec": e.casualties.tolist()}
    return out


def public(result: dict) -> dict:
    """The result without its plot arrays (what `--format json` prints)."""
    return {k: v for k, v in result.items() if not k.startswith("_")}


def _pct(x):
    return "—" if x is None else f"{100 * x:.1f} %"


def render_text(result: dict) -> str:
    c = result["cdb90"]
    w = result.get("cdb90_wwii", {})
    lines = [
        f"CDB90, battles 1900-1982 (n = {c['n']}, decisive {c['n_decisive']}), {c['folds']}-fold CV, seed {c['seed']}:"
        " held-out figures only",
        "",
        f"{'winner accuracy':<34}{'all':>10}{'WWII':>10}",
        f"{'  calibrated model':<34}{_pct(c['winner_accuracy']):>10}{_pct(w.get('winner_accuracy')):>10}",
    ]
    for k, label in (("always_attacker", "attacker always wins"), ("larger_force", "larger force wins"),
                     ("logistic", "logistic regression"), ("uncalibrated_model", "model, uncalibrated")):
        lines.append(f"{'  ' + label:<34}{_pct(c['baselines'].get(k)):>10}"
                     f"{_pct(w.get('baselines', {}).get(k)):>10}")
    cb = c["casualty_baselines"]
    lines += [
        "",
        f"{'casualties (each side)':<34}{'within ±50 %':>14}{'median |ln err|':>17}",
        f"{'  calibrated model':<34}{_pct(c['casualties_within_50pct']):>14}{c['median_abs_log_error']:>17.3f}",
        f"{'  given the recorded winner':<34}{_pct(c['casualties_given_recorded_outcome']['within_50pct']):>14}"
        f"{c['casualties_given_recorded_outcome']['median_abs_log_error']:>17.3f}",
        f"{'  median daily rate':<34}{_pct(cb['median_daily_rate']['within_50pct']):>14}"
        f"{cb['median_daily_rate']['median_abs_log_error']:>17.3f}",
        f"{'  model, uncalibrated':<34}{_pct(cb['uncalibrated_model']['within_50pct']):>14}"
        f"{cb['uncalibrated_model']['median_abs_log_error']:>17.3f}",
        "",
    ]
    ic = c.get("interval_coverage")
    lo = c.get("leave_one_war_out")
    if ic:
        lines += [f"winner probability: log-loss {c['log_loss']:.3f}, Brier {c['brier']:.3f}; casualty intervals: "
                  f"{_pct(ic['p50'])} of {ic['sides']} sides inside the 50 % interval, {_pct(ic['p90'])} inside the "
                  "90 % (nominal 50 %, 90 %)"]
    if lo:
        lines += [f"leave one war out ({lo['wars']} wars): winner {_pct(lo['winner_accuracy'])} (logistic "
                  f"{_pct(lo['baselines']['logistic'])}, attacker always wins {_pct(lo['baselines']['always_attacker'])}), "
                  f"log-loss {lo['log_loss']:.3f}, Brier {lo['brier']:.3f}, casualties within ±50 % "
                  f"{_pct(lo['casualties_within_50pct'])}, 50 % / 90 % intervals {_pct(lo['interval_coverage']['p50'])} / "
                  f"{_pct(lo['interval_coverage']['p90'])}"]
    lines += ["", "Theatre battles (CDB90 256-260, never fitted):"]
    for b in result["theatre_battles"]:
        lines.append(f"  {b['isqno']} {b['name'][:34]:<34} P(att) {b['p_attacker_wins']:.2f} "
                     f"pred {b['predicted_winner']:<8} rec {b['recorded_winner']:<8} "
                     f"cas rec {b['casualties_recorded']} pred {b['casualties_predicted']}")
    g = result["integrator"]
    lines += ["", f"Integrator vs analytic square law ({g['case']}): max relative error "
                  f"{g['max_relative_error_us']:.1e} (US), {g['max_relative_error_japanese']:.1e} (Japanese)", ""]
    for op in result["operations"]:
        lines.append(f"{op['name']}:")
        if op.get("error"):
            lines.append(f"  could not run: {op['error']}")
            continue
        lines.append(f"  recorded winner in {_pct(op['winner_share'])} of {op['runs']} runs; results {op['results']}")
        for s, rec in op["recorded"]["losses"].items():
            sim = {q: op["simulated"][q][s] for q in ("p10", "p50", "p90")}
            lines.append(f"  {s:<6} losses recorded {rec:>7,}  simulated p10/p50/p90 "
                         f"{sim['p10']:,} / {sim['p50']:,} / {sim['p90']:,}  (record at percentile "
                         f"{100 * op['recorded_percentile_in_simulated'][s]:.0f})")
    return "\n".join(lines)


def _plot(result: dict, png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    d = result["_plot"]
    fig, ax = plt.subplots(1, 2, figsize=(11, 4.8))
    pred, rec = np.array(d["cas_pred"], float), np.array(d["cas_rec"], float)
    for k, (lab, col) in enumerate((("attacker", "tab:red"), ("defender", "tab:blue"))):
        ok = np.isfinite(rec[:, k]) & (rec[:, k] > 0)
        ax[0].scatter(rec[ok, k], pred[ok, k], s=9, alpha=0.6, color=col, label=lab)
    lo, hi = 1.0, max(np.nanmax(rec), np.nanmax(pred)) * 1.5
    xs = np.array([lo, hi])
    ax[0].plot(xs, xs, "k-", lw=1)
    ax[0].fill_between(xs, 0.5 * xs, 1.5 * xs, color="grey", alpha=0.2, label="±50 %")
    ax[0].set(xscale="log", yscale="log", xlabel="recorded casualties", ylabel="predicted (held-out)",
              title="Casualties per side, CDB90 held-out folds")
    ax[0].legend(loc="upper left")
    p, y = np.array(d["p_win"]), np.array(d["won"], float)
    bins = np.linspace(0, 1, 11)
    idx = np.clip(np.digitize(p, bins) - 1, 0, 9)
    mp = [p[idx == b].mean() if (idx == b).any() else np.nan for b in range(10)]
    my = [y[idx == b].mean() if (idx == b).any() else np.nan for b in range(10)]
    nb = [(idx == b).sum() for b in range(10)]
    ax[1].plot([0, 1], [0, 1], "k-", lw=1)
    ax[1].plot(mp, my, "o-", color="tab:green")
    for x_, y_, n_ in zip(mp, my, nb):
        if n_:
            ax[1].annotate(str(n_), (x_, y_), textcoords="offset points", xytext=(4, -10), fontsize=8)
    ax[1].set(xlim=(0, 1), ylim=(0, 1), xlabel="predicted P(attacker wins), held-out",
              ylabel="observed attacker win share", title="Reliability of the winner probability")
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)


def _prior_table(result: dict) -> str:
    g = result.get("prior_selection")
    if not g:
        return ""
    rows = []
    for st in ("outcome", "casualties"):
        for r in g[st]:
            tau = "∞ (no prior)" if r["tau"] is None else f"{r['tau']:g}"
            rows.append(f"| {st} | {tau} | {r['outcome_ll']:.4f} | {r['casualty_ll']:.4f} | "
                        f"{_pct(r['winner_accuracy'])} | {_pct(r['casualties_within_50pct'])} | "
                        f"{r['median_abs_log_error']:.3f} |")
    ch = {k: ("∞" if v is None else f"{v:g}") for k, v in g["chosen"].items()}
    return ("## Prior widths (held-out grid)\n\nEach stage's prior sds are multiplied by tau; every row is a full "
            "five-fold cross-validation (held-out mean log-likelihood per decisive battle / per side). Rule: "
            f"{g['rule']}. Chosen: outcome tau = {ch['outcome']}, casualties tau = {ch['casualties']}.\n\n"
            "| stage | tau | outcome ll | casualty ll | winner | cas. ±50 % | median abs ln err |\n"
            "|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n")


def _era_table() -> str:
    """The era casualty factors (data/parameters/era_rates.yaml, validation.era_rates) as a section."""
    from ..params import _read

    t = _read("era_rates.yaml")
    rows = "\n".join(f"| {era} ({a}–{b}) | " + " | ".join(
        f"{v['factor']:.2f} ({v['low']:.2f}–{v['high']:.2f}, n = {v['n']})" for v in (t["factors"][era]["attacker"],
                                                                                     t["factors"][era]["defender"]))
        + " |" for era, (a, b) in t["eras"].items())
    return ("## Era casualty factors\n\nRecorded losses against the fitted model, per era (maximum-likelihood "
            "multiplier of each side's expected losses, 95 % interval; `kriegsspiel.validation.era_rates`). The "
            "campaign engine multiplies its daily loss rates by its start year's factors; the figures above are "
            "without them.\n\n| era | attacker | defender |\n|---|---|---|\n" + rows + "\n\n")


def _campaign_table(path) -> str:
    """The campaign back-tests' summary table, copied from validation-campaigns.md beside `path` (written by
    `python -m kriegsspiel.validation.campaigns --write-docs`), so the campaigns stand beside the battles."""
    camp = Path(path).with_name("validation-campaigns.md")
    if not camp.exists():
        return ""
    text = camp.read_text(encoding="utf-8")
    rows: list[str] = []
    for ln in text.split("## At the bundled parameters", 1)[-1].splitlines():
        if ln.startswith("|"):
            rows.append(ln)
        elif rows:
            break                                  # the first table only
    if not rows:
        return ""
    return (f"## Campaign back-tests\n\n{len(rows) - 2} whole campaigns against their record at the bundled parameters "
            "(from [validation-campaigns.md](validation-campaigns.md), where the method, every capture and the "
            "leave-one-campaign-out figures are; those marked held out were never used to choose a parameter). "
            "Goals: the recorded winner in at least 80 % of runs, both sides' "
            "recorded losses inside p10–p90, captures within a median of ±3 days.\n\n" + "\n".join(rows) + "\n\n")


def write_docs(result: dict, path) -> None:
    """Write docs/validation.md (generated) and its plot `validation-calibration.png` beside it."""
    path = Path(path)
    png = path.with_name(path.stem + "-calibration.png")
    _plot(result, png)
    c = result["cdb90"]
    fitted = "\n".join(f"| `{k}` | {v} |" for k, v in result["fitted"].items())
    dropped = "\n".join(f"| {k} | {v} |" for k, v in c["loader"]["dropped"].items())
    imputed = "\n".join(f"| {k} | {v} |" for k, v in c["loader"]["imputed"].items())
    mode = " (quick mode)" if result.get("quick") else ""
    text = f"""# Validation

*Generated by `kriegsspiel validate` (`kriegsspiel.validation.report.write_docs`) on {result['date']}{mode}.
Do not edit by hand. Method: [models/calibration.md](models/calibration.md).*

The ground-combat model (`kriegsspiel.models.ground`, the functions the campaign engine runs) is fitted (posterior
mode under weakly-informative priors) on CDB90 battles from 1900 on and judged on battles it was not fitted to: every figure
below comes from the held-out folds of a {c['folds']}-fold cross-validation (seed {c['seed']}), beside the
simple predictors it must beat, computed on the same battles in the same run. The five battles of the
1938–39 border war (CDB90 256–260) are never fitted. Whole campaigns (Compass, Malaya, Ichi-Go, France 1940,
Kursk south, the Ardennes, Bagration, the Philippines, Lake Khasan, Khalkhin Gol), the shared parameters fitted
across them with leave-one-campaign-out figures, and the nation effectiveness fitted on these battles:
[validation-campaigns.md](validation-campaigns.md).

```
{render_text(result)}
```

![Held-out casualties and reliability of the winner probability]({png.name})

{_campaign_table(path)}## Reading the figures

- Goals: winner accuracy ≥ 80 %, casualties within ±50 % for ≥ 60 % of sides. Published anchors
  (`docs/sources/literature.md` §3): attacker-always 64.7 % (WWII 68.8 %), larger force 72 % in WWII, machine
  learning ≈ 75 %, the TNDM "in the ballpark" for fewer than 60 % / 50 % of attackers / defenders.
- Casualties are predicted without knowing the winner (the model's median, mixed over its own winner
  probability); the line "given the recorded winner" conditions on the outcome, as the likelihood does.
- "Median daily rate" predicts each side's casualties from the training folds' median daily loss rate: a
  model-free yardstick. "Uncalibrated" is the same model with the ground.yaml starting values.

{_prior_table(result)}{_era_table()}## Data

{c['loader']['raw']} CDB90 battles; {c['n']} kept. Dropped (in this order):

| reason | battles |
|---|---|
{dropped}

Imputed:

| what | count |
|---|---|
{imputed}

## Fitted values (all {c['n']} battles; written to `data/parameters/fitted.yaml`)

| parameter | value |
|---|---|
{fitted}

Credit: CDB90 — U.S. Army Concepts Analysis Agency (public domain); Jeffrey B. Arnold, CDB90
(github.com/jrnold/CDB90), ODC-BY 1.0.
"""
    path.write_text(text, encoding="utf-8")


def write_fitted(result: dict, path) -> None:
    """Write data/parameters/fitted.yaml: the values fitted on all eligible battles, with provenance."""
    import yaml

    c = result["cdb90"]
    doc = {
        "provenance": {
            "data": "CDB90 (U.S. Army Concepts Analysis Agency 1991, public domain; Jeffrey B. Arnold, CDB90, "
                    "github.com/jrnold/CDB90, ODC-BY 1.0), CDB90-patched.csv; battles from 1900 on; duplicates "
                    "(`parent` set) and isqno 256-260 excluded",
            "n_battles": c["n"], "n_decisive": c["n_decisive"],
            "method": "posterior mode (MAP) in two stages (scipy Powell then L-BFGS-B): outcome = Bernoulli("
                      "success_probability(power_ratio)) on decisive battles for the weights, air superiority, "
                      "ln_threshold and outcome_sigma; casualties = lognormal around engagement_losses(daily_rates) "
                      "per side over max(days, 1) engagement days, given the recorded winner, for the attrition "
                      "parameters; weakly-informative normal priors (below) with sds x prior_scale, the scale of "
                      "each stage chosen by held-out log-likelihood on the five folds "
                      "(kriegsspiel.validation.calibrate.select_prior_scale)",
            "priors": result["fit"]["priors"],
            "prior_scale": result["fit"]["prior_scale"],
            "structure": result["fit"]["structure"],
            "date": result["date"],
            "cross_validation": {"folds": c["folds"], "seed": c["seed"], "held_out": True,
                                 "winner_accuracy": c["winner_accuracy"], "baselines": c["baselines"],
                                 "casualties_within_50pct": c["casualties_within_50pct"],
                                 "median_abs_log_error": c["median_abs_log_error"],
                                 "log_likelihood": result["fit"]["held_out_log_likelihood"]},
            "notes": "Second round. The equipment weights are held to 5-60 men per gun or tank and 0-30 per "
                     "sortie-day (ASSUMPTION, see the priors' basis); the first round's unbounded maximum-likelihood "
                     "values (573 men per tank, 1,100 per sortie) made armour decide every campaign engagement. "
                     "See docs/validation.md and docs/models/calibration.md.",
        },
        "engagement": {k: float(v) for k, v in result["fitted"].items()},
    }
    header = ("# Fitted values of the ground model's free parameters (ground.yaml `engagement`, marked calibrated,\n"
              "# and attrition's casualty_insensitive_multiplier). Written by kriegsspiel.validation.report.write_fitted;\n"
              "# params.default_params() overrides the matching scalars with the `engagement` block.\n")
    Path(path).write_text(header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def main(argv=None) -> None:
    import argparse
    import json

    ap = argparse.ArgumentParser(prog="python -m kriegsspiel.validation.report")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--write", action="store_true", help="write fitted.yaml and docs/validation.md (repo checkout)")
    args = ap.parse_args(argv)
    res = validate(quick=args.quick, select_prior=args.write)
    if args.write:
        root = Path(__file__).resolve().parents[3]
        write_fitted(res, Path(__file__).resolve().parents[1] / "data" / "parameters" / "fitted.yaml")
        write_docs(res, root / "docs" / "validation.md")
    print(json.dumps(public(res), indent=2) if args.format == "json" else render_text(res))


if __name__ == "__main__":
    main()
