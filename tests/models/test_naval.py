"""Naval model (models/naval.py) against joint.yaml's anchors (Henderson Field, F31) and hand values."""

import numpy as np
import pytest

from kriegsspiel.models import naval
from kriegsspiel.params import default_params

P = default_params()
NAV = P.section("naval")
KONGO = P.ship_classes["battleship_kongo"]


def test_henderson_field_bombardment_tonnage():
    # F31: Kongo and Haruna, 16 x 356 mm at 0.73 rounds/gun/min for 83 min, 673 kg shells: about 655 t
    t = naval.bombardment_t(np.array([2.0]), [KONGO["main_guns"]], [KONGO["shell_kg"]], [KONGO["rof"]], 83 / 60)
    assert t == pytest.approx(16 * 0.73 * 83 * 0.673)
    assert t == pytest.approx(655, rel=0.01)


def test_bombardment_sums_over_classes_and_scales_with_hours():
    guns, kg, rof = [8, 9], [673.0, 97.5], [0.73, 2.0]
    ships = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 2.0]])
    one = naval.bombardment_t(ships, guns, kg, rof, 1.0)
    assert np.allclose(one[:2], [8 * 0.73 * 60 * 0.673, 2 * 9 * 2 * 60 * 0.0975])   # ships x guns x rof x 60 x t
    assert one[2] == pytest.approx(one[0] + one[1])
    assert np.allclose(naval.bombardment_t(ships, guns, kg, rof, 3.0), 3 * one)
    assert naval.bombardment_t(np.zeros(2), guns, kg, rof, 5.0) == 0


@pytest.mark.parametrize("shell_t,want", [(0.0, 0.0), (650.0, 1 - np.exp(-1)), (1300.0, 1 - np.exp(-2)), (-10.0, 0.0)])
def test_neutralisation(shell_t, want):
    # n = 1 - exp(-shell_t / 650 t)
    assert naval.neutralisation(shell_t, NAV["neutral_t"]) == pytest.approx(want)


def test_more_shells_neutralise_more():
    n = naval.neutralisation(np.linspace(0, 10_000, 200), NAV["neutral_t"])
    assert (np.diff(n) > 0).all() and (n >= 0).all() and (n < 1).all()


def test_bombardment_casualties():
    # 100 t x 0.25 casualties/t; casemates x0.4
    c = naval.bombardment_casualties(100.0, np.array([False, True]), NAV["casualties_per_t"],
                                     NAV["fortified_casualty_factor"])
    assert np.allclose(c, [25.0, 10.0])


def transit(days=1.0, subs=0.0, escorts=0.0, sorties=0.0, mined=False):
    return naval.transit_loss_share(days, subs, escorts, sorties, mined, NAV)


def test_transit_loss_hand_values():
    assert transit() == 0.0
    assert transit(subs=20) == pytest.approx(0.02)               # joint.yaml: 20 boats sink about 2 % a day
    assert transit(subs=20, escorts=4) == pytest.approx(0.01)    # 4 escorts halve it
    assert transit(days=3, subs=20) == pytest.approx(1 - 0.98 ** 3)
    assert transit(mined=True) == pytest.approx(0.01)
    assert transit(days=2, sorties=10) == pytest.approx(1 - np.exp(-0.002 * 10 * 2))
    combined = transit(days=2, subs=20, sorties=10, mined=True)
    assert combined == pytest.approx(1 - 0.98 ** 2 * 0.99 * np.exp(-0.04))


def test_submarine_rate_is_capped_at_half_a_day():
    assert transit(subs=1e6) == pytest.approx(0.5)
    assert transit(days=2, subs=1e6) == pytest.approx(0.75)


def test_transit_loss_monotone_and_bounded():
    rng = np.random.default_rng(9)
    days, subs, esc, sor = rng.uniform(0, 10, 300), rng.uniform(0, 60, 300), rng.uniform(0, 20, 300), rng.uniform(0, 50, 300)
    base = transit(days, subs, esc, sor)
    assert ((base >= 0) & (base <= 1)).all()
    assert (transit(days, subs, esc + 4, sor) <= base).all()        # more escorts, fewer losses
    assert (transit(days + 1, subs, esc, sor) >= base).all()        # longer passage, more losses
    assert (transit(days, subs + 5, esc, sor) >= base).all()


def test_coastal_hits():
    # 4 guns x 1.5 h x 0.05 hits/gun-hour = 0.3; fully neutralised halves it
    rate = NAV["coastal_hits_per_gun_hour"]
    h = naval.coastal_hits(4, NAV["bombardment_hours"], rate, np.array([0.0, 0.5, 1.0]))
    assert np.allclose(h, [0.3, 0.225, 0.15])


def test_ships_sunk_in_proportion_and_never_more_than_there_are():
    ships = np.array([[2.0, 4.0], [2.0, 4.0], [0.0, 0.0]])
    hits = np.array([6.0, 1000.0, 5.0])
    s = naval.ships_sunk(hits, ships, [1, 3])
    assert np.allclose(s[0], [6 * 2 / 6 / 1, 6 * 4 / 6 / 3])      # 2 hits on class 0, 4 on class 1 (3 to sink)
    assert np.array_equal(s[1], ships[1])                          # capped at the ships present
    assert np.array_equal(s[2], [0.0, 0.0]) and np.isfinite(s).all()


def test_sea_power_counts_only_the_masked_kinds():
    broadside = [8 * 673.0, 9 * 97.5, 3 * 14.0]
    mask = np.array([True, True, False])
    assert naval.sea_power(np.array([2.0, 1.0, 10.0]), broadside, mask) == pytest.approx(2 * 5384 + 877.5)
    assert np.allclose(naval.sea_power(np.array([[1.0, 0, 0], [0, 0, 5.0]]), broadside, mask), [5384, 0])
