"""Air model (models/air.py) on hand-computed inputs; parameters from joint.yaml `air`."""

import numpy as np
import pytest

from kriegsspiel.models import air
from kriegsspiel.params import default_params
from kriegsspiel.world import network

AIR = default_params().section("air")


def test_sorties_is_the_product_of_its_factors():
    # 100 aircraft x 0.65 serviceable x 0.6 sorties a day x weather air factor 0.8 = 31.2
    assert air.sorties(100, AIR["bomber_sorties_per_day"], AIR["serviceable"], 0.8) == pytest.approx(31.2)
    assert air.sorties(0, 0.6, 0.65) == 0.0
    got = air.sorties(np.array([10.0, 20.0, 40.0]), 1.5, 0.65)
    assert np.allclose(got, [9.75, 19.5, 39.0])


@pytest.mark.parametrize("fighters,escorts,defended,want", [
    (0.0, 0.0, False, 0.0),
    (0.0, 50.0, True, 0.01),                  # flak only over a defended target
    (30.0, 9.0, False, 0.1 * 3 / 4),          # x = 30 / (9 + 1) = 3 -> 0.10 x 3 / 4
    (30.0, 9.0, True, 0.01 + 0.1 * 3 / 4),
    (10.0, 0.0, False, 0.1 * 10 / 11),        # x = 10 / 1
])
def test_loss_per_sortie_hand_values(fighters, escorts, defended, want):
    assert air.loss_per_sortie(fighters, escorts, defended, AIR) == pytest.approx(want)


def test_loss_per_sortie_monotone_and_bounded():
    f = np.linspace(0.0, 1000.0, 50)
    up = air.loss_per_sortie(f, 5.0, True, AIR)
    assert (np.diff(up) > 0).all()                                   # more defending fighters, more losses
    esc = air.loss_per_sortie(40.0, np.linspace(0.0, 500.0, 50), False, AIR)
    assert (np.diff(esc) < 0).all()                                  # more escorts, fewer losses
    bound = AIR["flak_loss_per_sortie"] + AIR["max_fighter_loss"]
    assert (up < bound).all() and (up >= 0).all() and (esc >= 0).all()


@pytest.mark.parametrize("tonnes,want", [(0.0, 0.0), (120.0, 0.5), (240.0, 0.75), (360.0, 0.875), (-50.0, 0.0)])
def test_halving_share(tonnes, want):
    # 1 - 0.5 ** (t / t_half), t_half = rail_t_half = 120 t; negative tonnage counts as none
    assert air.halving_share(tonnes, AIR["rail_t_half"]) == pytest.approx(want)


def test_halving_share_rises_inside_the_unit_interval_and_halves_at_t_half():
    t_half = AIR["depot_t_half"]
    s = air.halving_share(np.linspace(0, 40 * t_half, 101), t_half)
    assert (np.diff(s) > 0).all() and s[0] == 0 and (s < 1).all()
    assert air.halving_share(t_half, t_half) == pytest.approx(0.5)


def test_civilian_losses_per_tonne():
    # USSBS figures: 0.22 killed and 0.57 wounded per tonne in cities, x0.5 in towns
    k, w = air.civilian_losses(np.array([100.0, 100.0]), np.array([True, False]), AIR)
    assert np.allclose(k, [22.0, 11.0]) and np.allclose(w, [57.0, 28.5])
    k0, w0 = air.civilian_losses(0.0, True, AIR)
    assert k0 == 0 and w0 == 0


def test_great_circle_is_the_network_distance():
    lat1, lon1, lat2, lon2 = 43.1056, 131.8735, 48.462, 135.0971   # Vladivostok - Khabarovsk
    assert air.great_circle_km(lat1, lon1, lat2, lon2) == network.great_circle_km(lat1, lon1, lat2, lon2)
    assert 600 < air.great_circle_km(lat1, lon1, lat2, lon2) < 700


@pytest.mark.parametrize("att,dfn,code", [(16, 10, 1.0), (15, 10, 0.0), (10, 15, 0.0), (10, 16, -1.0), (0, 0, 0.0),
                                          (1, 0, 1.0), (0, 3, -1.0)])
def test_superiority_code_at_ratio_1_5(att, dfn, code):
    # a side holds superiority when its fighters exceed ratio x the other's (strictly)
    assert air.superiority_code(att, dfn, AIR["air_superiority_ratio"]) == code


def test_superiority_code_is_antisymmetric():
    rng = np.random.default_rng(7)
    a, d = rng.integers(0, 100, 500), rng.integers(0, 100, 500)
    c = air.superiority_code(a, d, 1.5)
    assert np.array_equal(c, -air.superiority_code(d, a, 1.5))
    assert set(np.unique(c)) <= {-1.0, 0.0, 1.0}
