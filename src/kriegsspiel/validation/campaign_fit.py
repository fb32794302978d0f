"""Shared parameters fitted across the campaign back-tests, with leave-one-campaign-out figures.

No campaign's own scenario is tuned toward its outcome. A few model parameters whose published values span a
range (GRID, each range cited in manoeuvre.yaml) are chosen jointly for all campaigns: every grid point is run on
every bundled campaign (`campaigns.backtest`, the same runs and input draws at every point), each campaign gets a
score in [0, 1], and the point with the best mean score is kept. Held out: for each campaign, the point that is
best on the *other* campaigns is applied to it, and that campaign's figures at that point are its
leave-one-campaign-out (LOCO) figures.

A new point replaces the incumbent (the point the last fit chose) only when it beats it by more than one standard
error of the mean per-campaign difference (`_choose`): the grid's means differ by less than the noise between run
counts, and a point chosen on noise moved the campaigns outside the fit (docs/models/manoeuvre.md section 6).

Score of one campaign (the three goals of the back-test, equally weighted):
    ( share of runs with the recorded winner
    + share of the sides whose recorded losses lie inside the runs' p10-p90
    + share of the recorded captures made in a median within +-3 days of the record ) / 3

Second, each army's relative combat effectiveness (Dupuy's CEV: the multiplier of a force's combat power that
explains outcomes its numbers and weapons do not; Dupuy, Numbers, Predictions and War, 1979, ch. 5), one value per
army (nation and era, Params.army_key) shared by every campaign that army fights in: the parameter the CDB90 fit
(effectiveness.yaml) could not carry over to the campaigns. A campaign's result depends on its two armies' values
only through their ratio, so each campaign is run once per ratio of CEV_GRID (its first side's army multiplied,
the other's at 1); the armies' log values then maximise the mean score (each campaign's score read at its ratio,
interpolated linearly in the log ratio) less a ridge penalty CEV_PENALTY x sum(ln CEV^2) that keeps an army
without evidence at 1, by coordinate search over CEV_STEPS. The penalty weight is chosen among CEV_PENALTIES
(an infinite weight, no army's value fitted at all, among them) by the one-standard-error rule on the
leave-one-campaign-out scores (each campaign left out in turn, its armies fitted on the others, its score read at
the ratio they give), and the LOCO figures are then rerun at those values. On the ten campaigns the infinite
weight is chosen: an army's value fitted on its other campaigns gains nothing beyond noise on the one left out,
or loses (docs/validation-campaigns.md), so every army stays at 1 until the back-tests hold enough campaigns per
army for the values to carry over.

`python -m kriegsspiel.validation.campaign_fit --write` reruns both and writes data/parameters/campaign_fit.yaml,
whose `chosen` values override manoeuvre.yaml and whose `army_cev` values are each army's effectiveness
(params.default_params, Params.effectiveness).
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np

from .campaigns import BUNDLED, SEED, backtest

# The shared parameters and their grids (the published ranges: manoeuvre.yaml, each parameter's comment).
GRID = {
    "manoeuvre.breakthrough_ratio": (3.0, 4.0),                      # QJM 3.01 band .. TDI 4.02
    "manoeuvre.deployed_density_defender_men_per_km": (1000.0, 1435.0, 2000.0),   # CDB90 WWII q25 .. median .. q75
    "manoeuvre.breakpoint_loss_share": (0.2, 0.3, 0.4),              # Helmbold 20-40 %
}
RUNS = 200          # as many runs as the back-test report (campaigns.validate_campaigns), so the point chosen is the one
                    # the report scores best: at 40 runs the grid chose (4, 2,000, 0.4), which scored 0.45 at 200 runs
                    # against 0.48 for the point it replaced (3, 1,435, 0.2)
# Ratios of the two armies' CEV each campaign is run at, and the search for each army's log CEV: ASSUMPTION, a CEV
# between 1/2 and 2 (Dupuy's published German-Allied values are about 1.1-1.5, his German-Soviet ones up to about
# 2-3 early in the war: Numbers, Predictions and War, 1979; A Genius for War, 1977 [recalled, pages not checked]).
CEV_GRID = (0.25, 1 / 2.8, 0.5, 1 / 1.4, 1.0, 1.4, 2.0, 2.8, 4.0)
CEV_STEPS = np.log(np.array([0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0]))
# Ridge weights tried (ASSUMPTION: from none to one where ln 2 costs about 0.05 of mean score, i.e. half a
# campaign's whole score spread over ten; a gap of about x3 between steps), and inf: no army's value fitted.
CEV_PENALTIES = (0.0, 0.01, 0.03, 0.1, float("inf"))
# Whether the engine applies the fitted armies' values (campaign_fit.yaml `army_cev_enabled`). Not: refitted with
# this version's engine (200 runs), the one-standard-error rule chose the penalty 0.1 (leave-one-campaign-out 0.481
# against 0.412 with no army fitted) and fitted the German army of 1943-45 at 1.4, the Japanese of 1937-42 at 1.4,
# the French of 1940 at 1.25; applied, they lowered the six campaigns outside the fit, written from their sources
# alone, from 0.605 to 0.532 (the held-out pair) and from 0.693 to 0.434 (the new user's four; Jassy-Kishinev 0.68
# -> 0.05 against a German army at 1.4), all at 200 runs. Each army is seen in one to four of the ten, and its value
# carries what the ten's scenarios leave out, not the army. The values are recorded, and `--set army_cev.enabled=1`
# (or army_cev.ERA.NATION) applies them for a what-if.
APPLY_ARMY_CEV = False
WHY_NOT_APPLIED = ("On the six campaigns outside the fit, written from their sources alone, the fitted values lowered "
                   "the mean score from 0.605 to 0.532 (the held-out pair) and from 0.693 to 0.434 (the new user's "
                   "four; Jassy-Kishinev 0.68 -> 0.05 against a German army of 1943-45 at 1.4), at 200 runs: each "
                   "army is seen in one to four of the ten, and its value carries what those scenarios leave out, "
                   "not the army. The engine keeps every army at 1; `--set army_cev.enabled=1` applies the values.")


def score(summary: dict) -> dict:
    """The campaign's score and its three parts (module docstring)."""
    sides = [s for s in summary["sides"].values() if s["recorded"] is not None]
    inside = float(np.mean([s["inside_p10_p90"] for s in sides])) if sides else 0.0
    n = summary["captures_n"]
    caps = summary["captures_within_3_days"] / n if n else 0.0
    parts = {"winner": summary["winner_share"], "losses_inside": inside, "captures_3d": caps}
    return {**parts, "score": float(np.mean(list(parts.values())))}


def grid_points(grid: dict = GRID) -> list[dict]:
    keys = list(grid)
    return [dict(zip(keys, vals)) for vals in itertools.product(*(grid[k] for k in keys))]


def _score_one(job) -> dict:
    point, campaign, runs, seed = job
    return score(backtest(campaign, runs, seed, overrides={**point, "army_cev.enabled": 0.0}))   # armies at 1


def _map(fn, jobs, workers: int) -> list:
    """fn over jobs, in `workers` processes when more than one (each back-test is seeded on its own, so the results
    do not depend on the number of workers)."""
    if workers <= 1:
        return [fn(j) for j in jobs]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as ex:
        return list(ex.map(fn, jobs))


def run_grid(grid: dict = GRID, campaigns=BUNDLED, runs: int = RUNS, seed: int = SEED, workers: int = 1) -> dict:
    """Scores (G, C) of every grid point on every campaign, with their parts; `workers` processes (each back-test
    is seeded on its own, so the scores do not depend on the number of workers)."""
    points = grid_points(grid)
    flat = _map(_score_one, [(pt, c, runs, seed) for pt in points for c in campaigns], workers)
    C = len(campaigns)
    rows = [flat[i * C:(i + 1) * C] for i in range(len(points))]
    return {"points": points, "campaigns": list(campaigns), "scores": rows}


def _choose(S: np.ndarray, points: list, incumbent: dict | None) -> int:
    """Index of the point kept on the campaigns' scores S (G, C): the best mean, unless the incumbent (the point
    the last fit chose) is within one standard error of it -- the standard error of the mean of the per-campaign
    differences, best minus incumbent: a new point is taken only when the campaigns show it better beyond their
    noise (the one-standard-error rule, Hastie, Tibshirani & Friedman, The Elements of Statistical Learning, 2009,
    7.10, with the incumbent as the model to beat)."""
    best = int(np.argmax(S.mean(axis=1)))
    if incumbent is None or incumbent not in points or S.shape[1] < 2:
        return best
    inc = points.index(incumbent)
    diff = S[best] - S[inc]
    se = float(diff.std(ddof=1) / np.sqrt(len(diff)))
    return inc if diff.mean() <= se else best


def leave_one_out(res: dict, incumbent: dict | None = None) -> dict:
    """The chosen point on all campaigns (`_choose`), and for each campaign the point chosen on the others the same
    way and its score there."""
    S = np.array([[r["score"] for r in row] for row in res["scores"]])          # (G, C)
    G, C = S.shape
    best = _choose(S, res["points"], incumbent)
    loco = {}
    for j, name in enumerate(res["campaigns"]):
        g = _choose(np.delete(S, j, axis=1), res["points"], incumbent)
        loco[name] = {"point": res["points"][g], **res["scores"][g][j]}
    top = int(np.argmax(S.mean(axis=1)))
    return {"chosen": res["points"][best], "chosen_index": best,
            "best": res["points"][top], "best_mean": float(S[top].mean()),
            "in_sample": {n: res["scores"][best][j] for j, n in enumerate(res["campaigns"])},
            "in_sample_mean": float(S[best].mean()),
            "leave_one_out": loco,
            "leave_one_out_mean": float(np.mean([v["score"] for v in loco.values()]))}


def armies_of(campaign: str, p=None) -> tuple[str | None, str | None]:
    """The armies ('era.nation') of the campaign's two sides, in the order of its `sides`."""
    from ..api import load_scenario
    from ..params import default_params

    p = p or default_params()
    sc = load_scenario(campaign).scenario
    keys = [p.army_key(side.nation, sc.start.year) for side in sc.sides.values()]
    return keys[0], keys[1]


def cev_overrides(base: dict, cev: dict) -> dict:
    """Overrides for a run at the armies' CEVs `cev` ({army: value}) and every other army at 1, whatever values the
    bundled campaign_fit.yaml holds; `base`: the shared thresholds."""
    from ..params import default_params

    ones = {k: 1.0 for k in default_params().scalars if k.startswith("army_cev.") and k != "army_cev.enabled"}
    return {**base, **ones, "army_cev.enabled": 1.0, **{f"army_cev.{a}": float(v) for a, v in cev.items()}}


def _score_ratio(job) -> dict:
    campaign, army, ratio, base, runs, seed = job
    # every army at 1 but this campaign's first
    return score(backtest(campaign, runs, seed, overrides=cev_overrides(base, {army: ratio} if army else {})))


def cev_table(campaigns=BUNDLED, base: dict | None = None, runs: int = RUNS, seed: int = SEED, workers: int = 1) -> dict:
    """{campaign: {armies: (a, b), scores: [score at each CEV_GRID ratio of a's CEV to b's]}}, the shared
    thresholds at `base`."""
    armies = {c: armies_of(c) for c in campaigns}
    flat = _map(_score_ratio, [(c, armies[c][0], r, base or {}, runs, seed) for c in campaigns for r in CEV_GRID],
                workers)
    G = len(CEV_GRID)
    return {c: {"armies": armies[c], "scores": [f["score"] for f in flat[i * G:(i + 1) * G]]}
            for i, c in enumerate(campaigns)}


def _read_score(entry: dict, theta: dict) -> float:
    """A campaign's score at the armies' log CEVs `theta`, interpolated in the log ratio on CEV_GRID."""
    a, b = entry["armies"]
    x = theta.get(a, 0.0) - theta.get(b, 0.0)
    return float(np.interp(x, np.log(CEV_GRID), entry["scores"]))


def fit_cev(table: dict, penalty: float, sweeps: int = 6) -> dict:
    """{army: ln CEV} maximising mean score - penalty * sum(ln CEV^2) over the campaigns of `table`, by
    coordinate search over CEV_STEPS from all ones (armies in a fixed order, so the result is reproducible)."""
    armies = sorted({a for e in table.values() for a in e["armies"] if a})
    theta = {a: 0.0 for a in armies}
    if not np.isfinite(penalty):
        return theta

    def objective(th):
        return np.mean([_read_score(e, th) for e in table.values()]) - penalty * sum(v * v for v in th.values())

    best = objective(theta)
    for _ in range(sweeps):
        moved = False
        for a in armies:
            for v in CEV_STEPS:
                trial = {**theta, a: float(v)}
                f = objective(trial)
                if f > best + 1e-12:
                    best, theta, moved = f, trial, True
        if not moved:
            break
    return theta


def cev_leave_one_out(table: dict, penalty: float) -> dict:
    """{campaign: (its armies' ln CEVs fitted on the other campaigns, its interpolated score there)}."""
    out = {}
    for c in table:
        th = fit_cev({k: v for k, v in table.items() if k != c}, penalty)
        out[c] = (th, _read_score(table[c], th))
    return out


def choose_cev(table: dict) -> dict:
    """The penalty by the one-standard-error rule on the leave-one-campaign-out scores (the strongest penalty, an
    infinite one included, whose LOCO mean is within one standard error of the best; Hastie, Tibshirani &
    Friedman, The Elements of Statistical Learning, 2009, 7.10), and the armies' CEVs fitted on all campaigns."""
    loco = {w: cev_leave_one_out(table, w) for w in CEV_PENALTIES}
    per = {w: np.array([s for _, s in v.values()]) for w, v in loco.items()}
    means = {w: float(x.mean()) for w, x in per.items()}
    best = max(CEV_PENALTIES, key=lambda k: (round(means[k], 6), k))
    se = float(per[best].std(ddof=1) / np.sqrt(len(per[best]))) if len(per[best]) > 1 else 0.0
    w = max(k for k in CEV_PENALTIES if means[k] >= means[best] - se)
    theta = fit_cev(table, w)
    return {"penalty": w, "loco_means": means, "loco_se": se, "theta": theta, "loco": loco[w]}


def write(path=None, runs: int = RUNS, seed: int = SEED, workers: int = 1, army_cev_only: bool = False) -> dict:
    """Rerun the threshold grid and the army effectiveness fit and write campaign_fit.yaml; `army_cev_only`: keep
    the bundled threshold fit (its provenance copied) and rerun the army fit alone."""
    from ..params import _read
    from .writeout import write_parameters

    if army_cev_only:
        old = _read("campaign_fit.yaml")
        runs, seed = old["provenance"]["runs"], old["provenance"]["seed"]
        fit = {"chosen": old["chosen"]}
    else:
        res = run_grid(runs=runs, seed=seed, workers=workers)
        incumbent = _read("campaign_fit.yaml").get("chosen")
        fit = leave_one_out(res, incumbent=incumbent)
    table = cev_table(base=fit["chosen"], runs=runs, seed=seed, workers=workers)
    cev = choose_cev(table)
    army_cev = {a: round(float(np.exp(v)), 3) for a, v in sorted(cev["theta"].items()) if v != 0.0}
    cev_loco = {}
    for c, (th, _) in cev["loco"].items():            # rerun each campaign at the values fitted without it
        ov = cev_overrides(fit["chosen"], {a: np.exp(v) for a, v in th.items()})
        cev_loco[c] = {"army_cev": {a: round(float(np.exp(th.get(a, 0.0))), 3) for a in table[c]["armies"] if a},
                       **{m: round(v, 3) for m, v in score(backtest(c, runs, seed, overrides=ov)).items()}}
    ov = cev_overrides(fit["chosen"], army_cev)
    cev_in = {c: {m: round(v, 3) for m, v in score(backtest(c, runs, seed, overrides=ov)).items()} for c in table}
    army = {
        "grid": [round(r, 4) for r in CEV_GRID],
        "table": {c: {"armies": list(e["armies"]), "scores": [round(x, 3) for x in e["scores"]]}
                  for c, e in table.items()},
        "penalty": cev["penalty"],
        "loco_means_by_penalty": {str(k): round(v, 3) for k, v in cev["loco_means"].items()},
        "loco_standard_error": round(cev["loco_se"], 3),
        "in_sample": cev_in,
        "in_sample_mean": round(float(np.mean([v["score"] for v in cev_in.values()])), 3),
        "leave_one_out": cev_loco,
        "leave_one_out_mean": round(float(np.mean([v["score"] for v in cev_loco.values()])), 3),
    }
    if army_cev_only:
        prov = {**{k: v for k, v in old["provenance"].items() if k != "army_cev"}, "army_cev": army}
    else:
        prov = {
            "method": "grid over the shared parameters, each campaign scored by (winner share + share of sides with "
                      "recorded losses inside p10-p90 + share of captures within 3 days) / 3; the point with the "
                      "best mean score kept unless the incumbent (the last fit's choice) is within one standard "
                      "error of it; leave-one-campaign-out: each campaign scored at the point chosen the same way "
                      "on the others (kriegsspiel.validation.campaign_fit)",
            "incumbent": incumbent, "best": fit["best"], "best_mean": round(fit["best_mean"], 3),
            "campaigns": res["campaigns"], "runs": runs, "seed": seed, "date": dt.date.today().isoformat(),
            "grid": {k: list(v) for k, v in GRID.items()},
            "scores": [{"point": p, "scores": {c: round(s["score"], 3) for c, s in zip(res["campaigns"], row)}}
                       for p, row in zip(res["points"], res["scores"])],
            "in_sample": {k: {m: round(v, 3) for m, v in s.items()} for k, s in fit["in_sample"].items()},
            "in_sample_mean": round(fit["in_sample_mean"], 3),
            "leave_one_out": {k: {"point": v["point"], **{m: round(v[m], 3) for m in ("winner", "losses_inside",
                                                                                      "captures_3d", "score")}}
                              for k, v in fit["leave_one_out"].items()},
            "leave_one_out_mean": round(fit["leave_one_out_mean"], 3),
            "army_cev": army,
        }
    doc = {
        "provenance": prov,
        "chosen": fit["chosen"],
        "army_cev_enabled": int(APPLY_ARMY_CEV),
        "army_cev": army_cev,
    }
    write_parameters("campaign_fit.yaml", """Shared parameters chosen on the campaign back-tests (not on any one campaign), with the
leave-one-campaign-out figures. Written by `python -m kriegsspiel.validation.campaign_fit --write`;
do not edit by hand. `chosen` overrides manoeuvre.yaml; `army_cev` is each army's relative combat
effectiveness (params.default_params, Params.effectiveness).""", doc, path)
    return doc


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    import json
    import sys

    if "--write" in sys.argv:
        import os

        d = write(workers=min(2, os.cpu_count() or 1), army_cev_only="--army-cev-only" in sys.argv)
        print(json.dumps({k: d["provenance"][k] for k in ("in_sample_mean", "leave_one_out_mean", "leave_one_out")},
                         indent=1), d["chosen"])
