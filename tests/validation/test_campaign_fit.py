"""Shared parameters fitted across the campaign back-tests (validation.campaign_fit)."""

import numpy as np
import pytest
import yaml

from kriegsspiel.params import default_params
from kriegsspiel.validation import campaign_fit as cf


def summary(winner, inside, within, n):
    return {"winner_share": winner, "captures_n": n, "captures_within_3_days": within,
            "sides": {"a": {"recorded": 1.0, "inside_p10_p90": inside[0]},
                      "b": {"recorded": 2.0, "inside_p10_p90": inside[1]},
                      "c": {"recorded": None, "inside_p10_p90": False}}}


def test_score_is_the_mean_of_the_three_goals():
    s = cf.score(summary(0.8, (True, False), 3, 4))
    assert s["winner"] == 0.8 and s["losses_inside"] == 0.5 and s["captures_3d"] == 0.75
    assert s["score"] == pytest.approx((0.8 + 0.5 + 0.75) / 3)
    assert cf.score(summary(1.0, (True, True), 0, 0))["captures_3d"] == 0.0


def test_leave_one_out_picks_the_point_best_on_the_others():
    # point 0 is best for campaign A only; point 1 is best on average and for B and C
    S = [[0.9, 0.1, 0.1], [0.5, 0.6, 0.6]]
    res = {"points": [{"x": 0}, {"x": 1}], "campaigns": ["A", "B", "C"],
           "scores": [[{"score": v, "winner": v, "losses_inside": v, "captures_3d": v} for v in row] for row in S]}
    fit = cf.leave_one_out(res)
    assert fit["chosen"] == {"x": 1}
    assert fit["leave_one_out"]["A"]["point"] == {"x": 1} and fit["leave_one_out"]["A"]["score"] == 0.5
    assert fit["leave_one_out_mean"] == pytest.approx(np.mean([0.5, 0.6, 0.6]))


def test_bundled_choice_is_the_best_recorded_point_and_reaches_the_engine():
    path = cf.__file__.replace("validation/campaign_fit.py", "data/parameters/campaign_fit.yaml")
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    rows = doc["provenance"]["scores"]
    means = [np.mean(list(r["scores"].values())) for r in rows]
    assert rows[int(np.argmax(means))]["point"] == doc["chosen"]
    p = default_params()
    for k, v in doc["chosen"].items():
        assert p[k] == v
    assert set(doc["chosen"]) == set(cf.GRID)


def test_the_grid_does_not_depend_on_the_number_of_workers():
    grid = {"manoeuvre.breakpoint_loss_share": (0.2, 0.4)}
    one = cf.run_grid(grid, campaigns=["lake-khasan-1938"], runs=4, workers=1)
    two = cf.run_grid(grid, campaigns=["lake-khasan-1938"], runs=4, workers=2)
    assert one == two and len(one["scores"]) == 2 and len(one["scores"][0]) == 1
