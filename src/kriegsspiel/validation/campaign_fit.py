"""Shared parameters fitted across the campaign back-tests, with leave-one-campaign-out figures.

No campaign's own scenario is tuned toward its outcome. A few model parameters whose published values span a
range (GRID, each range cited in manoeuvre.yaml) are chosen jointly for all campaigns: every grid point is run on
every bundled campaign (`campaigns.backtest`, the same runs and input draws at every point), each campaign gets a
score in [0, 1], and the point with the best mean score is kept. Held out: for each campaign, the point that is
best on the *other* campaigns is applied to it, and that campaign's figures at that point are its
leave-one-campaign-out (LOCO) figures.

Score of one campaign (the three goals of the back-test, equally weighted):
    ( share of runs with the recorded winner
    + share of the sides whose recorded losses lie inside the runs' p10-p90
    + share of the recorded captures made in a median within +-3 days of the record ) / 3

`python -m kriegsspiel.validation.campaign_fit --write` reruns the grid and writes
data/parameters/campaign_fit.yaml, whose `chosen` values override manoeuvre.yaml (params.default_params).
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
RUNS = 40


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
    return score(backtest(campaign, runs, seed, overrides=point))


def run_grid(grid: dict = GRID, campaigns=BUNDLED, runs: int = RUNS, seed: int = SEED, workers: int = 1) -> dict:
    """Scores (G, C) of every grid point on every campaign, with their parts; `workers` processes (each back-test
    is seeded on its own, so the scores do not depend on the number of workers)."""
    points = grid_points(grid)
    jobs = [(pt, c, runs, seed) for pt in points for c in campaigns]
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as ex:
            flat = list(ex.map(_score_one, jobs))
    else:
        flat = [_score_one(j) for j in jobs]
    C = len(campaigns)
    rows = [flat[i * C:(i + 1) * C] for i in range(len(points))]
    return {"points": points, "campaigns": list(campaigns), "scores": rows}


def leave_one_out(res: dict) -> dict:
    """The chosen point on all campaigns, and for each campaign the point best on the others and its score there."""
    S = np.array([[r["score"] for r in row] for row in res["scores"]])          # (G, C)
    G, C = S.shape
    best = int(np.argmax(S.mean(axis=1)))
    loco = {}
    for j, name in enumerate(res["campaigns"]):
        others = np.delete(S, j, axis=1).mean(axis=1)
        g = int(np.argmax(others))
        loco[name] = {"point": res["points"][g], **res["scores"][g][j]}
    return {"chosen": res["points"][best], "chosen_index": best,
            "in_sample": {n: res["scores"][best][j] for j, n in enumerate(res["campaigns"])},
            "in_sample_mean": float(S[best].mean()),
            "leave_one_out": loco,
            "leave_one_out_mean": float(np.mean([v["score"] for v in loco.values()]))}


def write(path=None, runs: int = RUNS, seed: int = SEED, workers: int = 1) -> dict:
    from .writeout import write_parameters

    res = run_grid(runs=runs, seed=seed, workers=workers)
    fit = leave_one_out(res)
    doc = {
        "provenance": {
            "method": "grid over the shared parameters, each campaign scored by (winner share + share of sides with "
                      "recorded losses inside p10-p90 + share of captures within 3 days) / 3; the point with the "
                      "best mean score kept; leave-one-campaign-out: each campaign scored at the point best on the "
                      "others (kriegsspiel.validation.campaign_fit)",
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
        },
        "chosen": fit["chosen"],
    }
    write_parameters("campaign_fit.yaml", """Shared parameters chosen on the campaign back-tests (not on any one campaign), with the
leave-one-campaign-out figures. Written by `python -m kriegsspiel.validation.campaign_fit --write`;
do not edit by hand. `chosen` overrides manoeuvre.yaml (params.default_params).""", doc, path)
    return doc


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    import json
    import sys

    if "--write" in sys.argv:
        import os

        d = write(workers=min(2, os.cpu_count() or 1))
        print(json.dumps({k: d["provenance"][k] for k in ("in_sample_mean", "leave_one_out_mean", "leave_one_out")},
                         indent=1), d["chosen"])
