"""Held-out campaign back-tests (validation/campaigns.py HELD_OUT): scenarios written after the shared parameters
were chosen, which no fit has seen."""

import pytest

from kriegsspiel.api import load_scenario
from kriegsspiel.params import _read
from kriegsspiel.validation.campaigns import BUNDLED, HELD_OUT, NEW_USER, backtest


@pytest.mark.parametrize("name", HELD_OUT + NEW_USER)
def test_a_held_out_campaign_was_never_fitted_on(name):
    assert name not in BUNDLED
    fit = _read("campaign_fit.yaml")["provenance"]
    assert name not in fit["in_sample"] and name not in fit["leave_one_out"]
    s = load_scenario(name).scenario
    assert s.record is not None and s.record.captures


def test_a_held_out_back_test_says_so():
    res = backtest(HELD_OUT[0], runs=4, seed=1, points=2)
    assert res["held_out"] is True and res["group"] == "held_out" and res["runs"] == 4
    fitted = backtest("lake-khasan-1938", runs=2, seed=1, points=2)
    assert fitted["held_out"] is False and fitted["group"] == "fitted"
    assert backtest(NEW_USER[0], runs=2, seed=1, points=2)["group"] == "new_user"


def test_a_recorded_range_is_compared_with_the_runs_band():
    # where sources disagree (`total_range`), the record's middle is judged as a value, and the back-test says
    # besides whether any value of the range lies inside the runs' p10-p90
    import numpy as np

    from kriegsspiel.validation.campaigns import RunTable, summarise

    loaded = load_scenario("bagration-1944")
    keys = list(loaded.scenario.sides)
    rng = loaded.scenario.record.losses[keys[1]].total_range
    assert rng is not None
    lost = {keys[0]: np.ones((10, 3)), keys[1]: np.zeros((10, 3))}
    lost[keys[1]][:, 0] = np.linspace(rng[1] + 1, rng[1] + 100, 10)       # every run above the range
    P = len(loaded.places)
    table = RunTable(np.array([keys[0]] * 10), lost, np.full((10, 2, P), -1), np.zeros((10, P), np.int8),
                     np.full(10, -1))
    side = summarise(loaded, table)["sides"][keys[1]]
    assert side["range_overlaps_p10_p90"] is False and side["inside_p10_p90"] is False
    lost[keys[1]][:, 0] = np.linspace(rng[1] - 100, rng[1] + 100, 10)      # the band reaches into the range
    side = summarise(loaded, table)["sides"][keys[1]]
    assert side["range_overlaps_p10_p90"] is True and side["inside_p10_p90"] is False


def test_a_capture_that_rarely_happens_is_not_within_three_days():
    # the median date error over the runs where the place fell says nothing when it fell in few of them: counted
    # over all the runs (never = infinitely late), a capture is within three days only if it fell in at least half
    import numpy as np

    from kriegsspiel.validation.campaigns import RunTable, summarise

    loaded = load_scenario("lake-khasan-1938")
    keys = list(loaded.scenario.sides)
    rec = loaded.scenario.record
    cap = rec.captures[0]
    by, place = keys.index(cap.by), [p.name for p in loaded.places].index(cap.place)
    day = loaded.scenario.day_of(cap.date)
    P = len(loaded.places)

    def within(n_fell):
        taken = np.full((10, 2, P), -1)
        taken[:n_fell, by, place] = day                                 # on the recorded day, in n_fell runs
        lost = {k: np.ones((10, 3)) for k in keys}
        table = RunTable(np.array([rec.winner] * 10), lost, taken, np.zeros((10, P), np.int8), np.full(10, -1))
        c = summarise(loaded, table)["captures"][0]
        assert c["fell_share"] == n_fell / 10 and c["median_error_days"] == (0 if n_fell else None)
        return c["within_3_days"]

    # on the recorded day wherever it fell: within three days when that is at least half the runs (at exactly half
    # the median lies between the recorded day and never)
    assert [within(n) for n in (10, 6, 5, 2, 0)] == [True, True, False, False, False]
