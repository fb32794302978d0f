"""Amphibious model (models/amphibious.py); parameters from joint.yaml `amphibious` and `ship_classes`."""

import numpy as np
import pytest

from kriegsspiel.models import amphibious as amph
from kriegsspiel.params import default_params

P = default_params()
AM = P.section("amphibious")
V_BEACH = {k: AM[f"v_beach.{k}"] for k in ("undisturbed", "light_artillery", "neutralised")}
CLASSES = ("landing_craft_carrier", "transport_maru")
DAIHATSU = [P.ship_classes[c]["daihatsu"] for c in CLASSES]      # 29, 4
SHOHATSU = [P.ship_classes[c]["shohatsu"] for c in CLASSES]      # 25, 0


def lift(ships):
    return amph.lift_men_per_day(np.asarray(ships, float), DAIHATSU, SHOHATSU, AM["daihatsu_men"],
                                 AM["shohatsu_men"], AM["waves_per_day"])


@pytest.mark.parametrize("ships,want", [
    ([1, 0], (29 * 70 + 25 * 30) * 3),                 # Shinshu Maru (F40): 8,340 men a day
    ([0, 1], 4 * 70 * 3),
    ([2, 3], (2 * 2780 + 3 * 280) * 3),
    ([0, 0], 0),
])
def test_lift_men_per_day(ships, want):
    assert lift(ships) == pytest.approx(want)


def test_lift_men_per_day_batched_over_runs():
    ships = np.array([[1, 0], [2, 3], [0, 0]])
    assert np.allclose(lift(ships), [8340, 19200, 0])


@pytest.mark.parametrize("n,want", [(0.0, 2.0), (1.0, 1.3), (0.5, 1.65), (-0.3, 2.0), (1.7, 1.3)])
def test_shoreline_factor(n, want):
    # v_r = 2.0 - n x (2.0 - 1.3), n clipped to [0, 1] (F02)
    assert amph.shoreline_factor(n, V_BEACH) == pytest.approx(want)


def test_shoreline_factor_falls_with_neutralisation():
    v = amph.shoreline_factor(np.linspace(0, 1, 21), V_BEACH)
    assert (np.diff(v) < 0).all() and v.min() >= V_BEACH["neutralised"] and v.max() <= V_BEACH["undisturbed"]


@pytest.mark.parametrize("lat,lon,fog", [
    (53.0, 158.65, True),       # Petropavlovsk-Kamchatsky
    (43.1, 131.87, False),      # Vladivostok
    (49.0, 138.5, True),        # on the belt's corner (inclusive)
    (52.0, 113.5, False),       # Chita: north but far west
    (45.0, 150.0, False),       # east but south
])
def test_fog_belt(lat, lon, fog):
    assert bool(amph.in_fog_belt(lat, lon, AM)) is fog


def test_can_land_truth_table():
    u = np.array([0.1, 0.1, 0.9, 0.9, 0.1])
    belt = np.array([True, False, True, True, False])
    heavy = np.array([False, False, False, True, True])
    assert amph.can_land(u, belt, heavy, AM["fog_chance"]).tolist() == [False, True, True, False, False]


def test_can_land_fog_chance_in_belt():
    u = np.random.default_rng(2).random(20_000)
    ok = amph.can_land(u, np.ones_like(u, bool), np.zeros_like(u, bool), AM["fog_chance"])
    assert ok.mean() == pytest.approx(1 - 0.35, abs=0.01)


def test_beach_supply():
    # over the beach: 475 t per carrier-equivalent; a captured port: 2,000 t whatever the lift
    t = amph.beach_supply_t(np.array([2.0, 2.0, 0.0]), np.array([False, True, False]), AM["beach_t_per_day"],
                            AM["port_t_per_day"])
    assert t.tolist() == [950.0, 2000.0, 0.0]
