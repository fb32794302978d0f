"""Held-out campaign back-tests (validation/campaigns.py HELD_OUT): scenarios written after the shared parameters
were chosen, which no fit has seen."""

import pytest

from kriegsspiel.api import load_scenario
from kriegsspiel.params import _read
from kriegsspiel.validation.campaigns import BUNDLED, HELD_OUT, backtest


@pytest.mark.parametrize("name", HELD_OUT)
def test_a_held_out_campaign_was_never_fitted_on(name):
    assert name not in BUNDLED
    fit = _read("campaign_fit.yaml")["provenance"]
    assert name not in fit["in_sample"] and name not in fit["leave_one_out"]
    s = load_scenario(name).scenario
    assert s.record is not None and s.record.captures


def test_a_held_out_back_test_says_so():
    res = backtest(HELD_OUT[0], runs=4, seed=1, points=2)
    assert res["held_out"] is True and res["runs"] == 4
    assert backtest("lake-khasan-1938", runs=2, seed=1, points=2)["held_out"] is False
