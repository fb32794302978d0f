"""Era casualty factors (validation/era_rates.py): the bundled table is the fit it records, the Second World War's
CDB90 battles lost less than the pooled model, and a campaign uses its start year's factors."""

from pathlib import Path

import numpy as np
import pytest
import yaml

import kriegsspiel
from kriegsspiel import api
from kriegsspiel.params import default_params
from kriegsspiel.validation import era_rates
from kriegsspiel.validation.cdb90 import load


@pytest.fixture(scope="module")
def battles():
    return load()[0]


def test_bundled_table_is_the_fit_it_records(battles):
    bundled = yaml.safe_load((Path(kriegsspiel.__file__).parent / "data" / "parameters" / "era_rates.yaml").read_text())
    assert bundled["factors"] == era_rates.factors(battles)


def test_second_world_war_losses_below_the_pooled_model(battles):
    ww2 = era_rates.factors(battles)["ww2"]
    for side in ("attacker", "defender"):
        assert ww2[side]["n"] > 150
        assert ww2[side]["low"] <= ww2[side]["factor"] <= ww2[side]["high"] < 1.0


def test_a_campaign_uses_its_years_factors():
    p = default_params()
    assert p["era_rates.applied.attacker"] == 1.0                    # the CDB90 calibration is unchanged
    c = api.compile(None)                                             # Otsu, 1944
    assert c.params["era_rates.applied.attacker"] == p["era_rates.ww2.attacker"]
    assert c.params["era_rates.applied.defender"] == p["era_rates.ww2.defender"]
    off = p.with_overrides({"era_rates.enabled": 0})
    assert off.era_casualty_factors(1944) == {"era_rates.applied.attacker": 1.0, "era_rates.applied.defender": 1.0}
    assert p.era_casualty_factors(1930)["era_rates.applied.attacker"] == 1.0   # interwar: no factor


def test_the_factor_scales_the_daily_rates():
    from kriegsspiel.models import ground

    p = default_params()
    args = (np.array([2.0]), np.array([10000.0]), np.array([5000.0]), np.array([2]), np.array([0]), np.array([0]),
            np.array([0]), np.array([False]), np.array([True]), p)
    a1, d1 = ground.daily_rates(*args)
    q = p.with_overrides({"era_rates.applied.attacker": 0.5, "era_rates.applied.defender": 0.25})
    a2, d2 = ground.daily_rates(*args[:-1], q)
    assert a2 == pytest.approx(0.5 * a1) and d2 == pytest.approx(0.25 * d1)


def test_army_loss_sigma_is_the_between_army_spread_it_records(battles):
    # casualties.yaml army_loss_sigma: the between-army sd of CDB90's 1937-45 loss residuals (random-effects split)
    out = era_rates.between_army_sigma(battles)
    assert (out["groups"], out["sides"]) == (8, 343)
    assert default_params()["army_loss_sigma"] == out["between_sd"]
    assert out["within_sd"] > out["between_sd"] > 0.0


def test_a_sides_loss_factor_is_drawn_once_per_run_and_is_reproducible():
    from kriegsspiel.engine.context import army_loss_factors
    from kriegsspiel.engine.rng import Dice

    f = army_loss_factors(Dice(7, np.arange(20000)), [1.0, 1.0], [0.52, 0.52])
    assert f.shape == (20000, 2)
    assert abs(f.mean() - 1.0) < 0.02                                   # mean one
    assert abs(np.log(f).std() - 0.52) < 0.01
    # run k's factor does not depend on its batch
    assert np.array_equal(army_loss_factors(Dice(7, np.arange(5, 9)), [1.0, 1.0], [0.52, 0.52]), f[5:9])
    assert np.all(army_loss_factors(Dice(7, np.arange(4)), [1.0, 1.0], [0.0, 0.0]) == 1.0)
    # a known army: its mean and its own spread
    g = army_loss_factors(Dice(7, np.arange(20000)), [1.6, 1.0], [0.2, 0.52])
    assert abs(g[:, 0].mean() / 1.6 - 1.0) < 0.01 and abs(np.log(g[:, 0]).std() - 0.2) < 0.005


def test_bundled_army_effects_are_the_fit_they_record(battles):
    bundled = yaml.safe_load((Path(kriegsspiel.__file__).parent / "data" / "parameters" / "era_rates.yaml").read_text())
    assert bundled["armies"] == era_rates.army_effects(battles)


def test_army_effects_are_shrunk_group_means_and_need_two_theatres(battles):
    out = era_rates.army_effects(battles)
    names, xs, wars = era_rates._army_residuals(battles, None, (1937, 1945), 3)
    b, w, grand = era_rates._one_way(xs)
    for name, x, nw in zip(names, xs, wars):
        if nw < 2:
            assert name not in out                          # e.g. 1943-45 Japan: all Okinawa and Iwo Jima
            continue
        k = b / (b + w / len(x))
        assert 0.0 < k < 1.0
        # the predictor lies between the grand mean and the group's own mean
        assert out[name]["loss_factor"] == pytest.approx(np.exp(k * (x.mean() - grand)), abs=1e-3)
        assert out[name]["sd"] < np.sqrt(b)
    assert "ww2_late.japan" in names and "ww2_late.japan" not in out
    # CDB90: the Red Army of 1943-45 lost more than the average army of the war, the German army less
    assert out["ww2_late.ussr"]["loss_factor"] > 1.2 and out["ww2_late.germany"]["loss_factor"] < 0.9


def test_a_side_with_a_known_army_uses_its_factor():
    from kriegsspiel.engine.context import side_army_loss

    p = default_params()
    assert p.army_loss("ussr", 1944) == (p["era_rates.army.ww2_late.ussr.loss_factor"], p["era_rates.army.ww2_late.ussr.sd"])
    assert p.army_loss("mongolia", 1939) == p.army_loss("ussr", 1939)            # an alias reads as its army
    assert p.army_loss("china", 1944) == (1.0, p["army_loss_sigma"])             # not in CDB90: the spread
    assert p.with_overrides({"era_rates.armies_enabled": 0}).army_loss("ussr", 1944) == (1.0, p["army_loss_sigma"])
    c = api.compile("bagration-1944")
    mean, sigma = side_army_loss(c, c.params)
    assert list(mean) == [p.army_loss(c.scenario.sides[k].nation, 1944)[0] for k in c.side_keys]
