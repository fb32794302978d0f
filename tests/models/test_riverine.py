"""Riverine model (models/riverine.py); parameters from joint.yaml `riverine` (F37, F02)."""

import numpy as np
import pytest

from kriegsspiel.models import amphibious, riverine
from kriegsspiel.params import default_params

RIV = default_params().section("riverine")
AM = default_params().section("amphibious")
V_RIVER = {k: RIV[f"v_river.{k}"] for k in ("undisturbed", "light_artillery", "neutralised")}
V_BEACH = {k: AM[f"v_beach.{k}"] for k in ("undisturbed", "light_artillery", "neutralised")}


def test_duel_hand_values():
    # share lost = k x enemy / own broadside, k = 0.15: 1,000 kg against 500 kg
    own, enemy = riverine.duel(1000.0, 500.0, RIV["duel_k"])
    assert own == pytest.approx(0.075) and enemy == pytest.approx(0.3)


def test_duel_is_capped_and_symmetric():
    own, enemy = riverine.duel(100.0, 10_000.0, 0.15)
    assert own == 0.5 and enemy == pytest.approx(0.0015)
    rng = np.random.default_rng(1)
    a, b = rng.uniform(0, 5000, 200), rng.uniform(0, 5000, 200)
    la, lb = riverine.duel(a, b, 0.15)
    lb2, la2 = riverine.duel(b, a, 0.15)
    assert np.allclose(la, la2) and np.allclose(lb, lb2)
    assert ((la >= 0) & (la <= 0.5) & (lb >= 0) & (lb <= 0.5)).all()


@pytest.mark.parametrize("own,enemy", [(0.0, 500.0), (500.0, 0.0), (0.0, 0.0)])
def test_duel_without_a_flotilla_on_one_side_loses_nothing(own, enemy):
    lo, le = riverine.duel(np.array(own), np.array(enemy), 0.15)
    assert lo == 0.0 and le == 0.0


def test_duel_weaker_side_loses_more_as_enemy_grows():
    lo, _ = riverine.duel(1000.0, np.linspace(100, 3000, 30), 0.15)
    assert (np.diff(lo) >= 0).all() and (np.diff(lo[lo < 0.5]) > 0).all()


def test_crossing_capacity():
    # F37: a brigade of about 20 craft ferried 6,000 men in 4 days = 1,500 a day at 75 men per craft;
    # plus 300-man river transports x 2 trips a day
    assert riverine.crossing_men_per_day(20, 0, RIV["men_per_craft_day"], RIV["transport_trips_per_day"]) == 1500
    assert riverine.crossing_men_per_day(20, 300, 75, 2) == 2100
    assert riverine.crossing_men_per_day(0, 0, 75, 2) == 0


@pytest.mark.parametrize("n,want", [(0.0, 1.5), (1.0, 1.1), (0.5, 1.3), (2.0, 1.1), (-1.0, 1.5)])
def test_river_factor(n, want):
    # v_r = 1.5 - clip(n) x (1.5 - 1.1) (F02, major unfordable river)
    assert riverine.river_factor(n, V_RIVER) == pytest.approx(want)


def test_a_river_is_less_exposed_than_a_beach():
    n = np.linspace(0, 1, 11)
    river = riverine.river_factor(n, V_RIVER)
    assert (river < amphibious.shoreline_factor(n, V_BEACH)).all() and (np.diff(river) < 0).all()
