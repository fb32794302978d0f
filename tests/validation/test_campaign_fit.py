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


def test_a_new_point_must_beat_the_incumbent_beyond_one_standard_error():
    res = {"points": [{"x": 0}, {"x": 1}], "campaigns": list("ABCD")}
    S = np.array([[0.5, 0.5, 0.5, 0.5], [0.9, 0.2, 0.6, 0.5]])          # x=1 better by 0.05 on average, noisily
    assert cf._choose(S, res["points"], None) == 1
    assert cf._choose(S, res["points"], {"x": 0}) == 0                   # within one standard error: kept
    S = np.array([[0.5, 0.5, 0.5, 0.5], [0.6, 0.62, 0.58, 0.61]])       # better everywhere: replaced
    assert cf._choose(S, res["points"], {"x": 0}) == 1
    assert cf._choose(S, res["points"], {"x": 7}) == 1                   # an incumbent off the grid: the best


def test_bundled_choice_follows_the_rule_on_the_recorded_scores_and_reaches_the_engine():
    path = cf.__file__.replace("validation/campaign_fit.py", "data/parameters/campaign_fit.yaml")
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    rows = doc["provenance"]["scores"]
    S = np.array([list(r["scores"].values()) for r in rows])
    points = [r["point"] for r in rows]
    assert points[cf._choose(S, points, doc["provenance"].get("incumbent"))] == doc["chosen"]
    p = default_params()
    for k, v in doc["chosen"].items():
        assert p[k] == v
    assert set(doc["chosen"]) == set(cf.GRID)


def test_the_grid_does_not_depend_on_the_number_of_workers():
    grid = {"manoeuvre.breakpoint_loss_share": (0.2, 0.4)}
    one = cf.run_grid(grid, campaigns=["lake-khasan-1938"], runs=4, workers=1)
    two = cf.run_grid(grid, campaigns=["lake-khasan-1938"], runs=4, workers=2)
    assert one == two and len(one["scores"]) == 2 and len(one["scores"][0]) == 1


def _table(peaks):
    """A score table whose campaign c peaks at the CEV ratio peaks[c][1] of its armies peaks[c][0]."""
    grid = np.log(cf.CEV_GRID)
    return {c: {"armies": armies, "scores": list(np.maximum(0.0, 0.9 - 0.3 * np.abs(grid - np.log(r))))}
            for c, (armies, r) in peaks.items()}


def test_army_cev_fit_reads_each_campaign_at_its_armies_ratio():
    t = _table({"A": (("e.x", "e.y"), 2.0), "B": (("e.y", "e.z"), 1.0)})
    th = cf.fit_cev(t, penalty=0.0)
    assert th["e.x"] - th["e.y"] == pytest.approx(np.log(2.0), abs=0.11)        # the steps are about 10 % apart
    assert th["e.y"] - th["e.z"] == pytest.approx(0.0, abs=0.11)
    # a strong ridge keeps every army at 1
    assert all(v == 0.0 for v in cf.fit_cev(t, penalty=10.0).values())
    # the score between grid ratios is interpolated in the log ratio
    mid = cf._read_score(t["B"], {"e.y": np.log(1.4) / 2})
    assert mid == pytest.approx((t["B"]["scores"][4] + t["B"]["scores"][5]) / 2)


def test_army_cev_leave_one_out_gives_an_army_seen_once_no_value():
    t = _table({"A": (("e.x", "e.y"), 2.0), "B": (("e.y", "e.z"), 1.4), "C": (("e.z", "e.y"), 1 / 1.4)})
    loco = cf.cev_leave_one_out(t, penalty=0.0)
    th_a, score_a = loco["A"]
    assert th_a.get("e.x", 0.0) == 0.0                       # e.x fights only in A: without A it stays at 1
    assert score_a == pytest.approx(cf._read_score(t["A"], th_a))
    assert loco["B"][0]["e.y"] - loco["B"][0]["e.z"] == pytest.approx(np.log(1.4), abs=0.11)   # C tells B's ratio
    ch = cf.choose_cev(t)
    assert ch["penalty"] in cf.CEV_PENALTIES and set(ch["loco"]) == {"A", "B", "C"}


def test_army_cev_reaches_a_units_quality():
    import kriegsspiel as ks

    p = default_params()
    assert p.knows("army_cev.ww2_early.italy") and not p.knows("army_cev.ww9.italy")
    assert p.override_problem("army_cev.ww2_early.italy", 0.0) is not None
    base = ks.compile("compass-1940", {"army_cev.enabled": 0})
    on = ks.compile("compass-1940", {"army_cev.enabled": 1})          # the bundled values, if any
    half = ks.compile("compass-1940", {"army_cev.enabled": 1, "army_cev.ww2_early.italy": 0.5})
    italian = base.unit_side == base.side_keys.index("italian")
    assert np.allclose(half.quality[italian], 0.5 * base.quality[italian])
    assert np.array_equal(half.quality[~italian], on.quality[~italian])


def test_army_cev_penalty_by_the_one_standard_error_rule():
    # armies seen in one campaign each: nothing carries over, every penalty scores the same out of sample, and the
    # rule keeps the simplest model (no army fitted)
    lone = _table({"A": (("e.a", "e.b"), 2.0), "B": (("e.c", "e.d"), 0.5), "C": (("e.e", "e.f"), 1.4)})
    ch = cf.choose_cev(lone)
    assert ch["penalty"] == float("inf") and all(v == 0.0 for v in ch["theta"].values())
    # the same two armies in four campaigns that all put their ratio at 2: fitting them pays out of sample
    shared = _table({k: (("e.x", "e.y"), 2.0) for k in "ABCD"})
    ch = cf.choose_cev(shared)
    assert np.isfinite(ch["penalty"]) and ch["theta"]["e.x"] - ch["theta"]["e.y"] > np.log(1.5)
    assert ch["loco_means"][ch["penalty"]] > ch["loco_means"][float("inf")] + ch["loco_se"]
