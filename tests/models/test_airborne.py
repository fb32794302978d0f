"""Airborne model (models/airborne.py); parameters from joint.yaml `airborne` and `air.aircraft`."""

import numpy as np
import pytest

from kriegsspiel.models import air, airborne
from kriegsspiel.params import default_params

P = default_params()
AWAY = (P["airborne.landing_loss_away.low"], P["airborne.landing_loss_away.high"])
NEAR = (P["airborne.landing_loss_defended.low"], P["airborne.landing_loss_defended.high"])


def test_lift_men_li2():
    # F48: 25 paratroops per Li-2; 20 aircraft x 25 x 1 sortie a day = 500
    per = P.aircraft["Li-2"]["paratroops"]
    assert airborne.lift_men(20, per, P["airborne.transport_sorties_per_day"]) == 500
    assert airborne.lift_men(np.array([0, 10]), 21, 2.0).tolist() == [0, 420]


@pytest.mark.parametrize("u,defended,want", [(0.0, False, 0.05), (1.0, False, 0.15), (0.5, False, 0.10),
                                             (0.0, True, 0.3), (1.0, True, 0.7), (0.5, True, 0.5)])
def test_landing_loss_share_ends_and_middle(u, defended, want):
    assert airborne.landing_loss_share(u, defended, AWAY, NEAR) == pytest.approx(want)


def test_landing_loss_share_within_ranges_and_worse_near_defenders():
    u = np.random.default_rng(3).random(10_000)
    away = airborne.landing_loss_share(u, np.zeros_like(u, bool), AWAY, NEAR)
    near = airborne.landing_loss_share(u, np.ones_like(u, bool), AWAY, NEAR)
    assert (away >= 0.05).all() and (away <= 0.15).all()
    assert (near >= 0.3).all() and (near <= 0.7).all()
    assert (near > away).all()
    assert away.mean() == pytest.approx(0.10, abs=0.005)    # uniform in the range


def test_transports_lost():
    # 50 sorties x 0.12 loss per sortie against alerted defences = 6
    assert airborne.transports_lost(50, P["airborne.transport_loss_alerted"]) == pytest.approx(6.0)
    assert airborne.transports_lost(0, 0.12) == 0


def test_air_supply_fill_hand_value_and_cap():
    # 10 transports x 0.5 share x 2.4 t / 24 t demand = 0.5
    share = P["airborne.air_supply_share"]
    assert airborne.air_supply_fill(10, 2.4, share, 24.0) == pytest.approx(0.5)
    assert airborne.air_supply_fill(100, 2.4, share, 24.0) == 1.0           # never more than the demand
    assert airborne.air_supply_fill(10, 2.4, share, 0.0) == 1.0             # no demand: filled
    assert airborne.air_supply_fill(0, 2.4, share, 24.0) == 0.0


def test_air_supply_fill_monotone_in_transports():
    f = airborne.air_supply_fill(np.arange(0, 60), 2.4, 0.5, 50.0)
    assert (np.diff(f) >= 0).all() and (f <= 1).all() and (f >= 0).all()


def test_transports_lost_to_fighters_rise_with_defenders_and_fall_with_escorts():
    # models.air.loss_per_sortie feeds the transport losses of a drop: 100 transport sorties over a defended zone
    sec = P.section("air")
    by_fighters = airborne.transports_lost(100.0, air.loss_per_sortie(np.array([0.0, 10.0, 50.0, 200.0]), 10.0, True, sec))
    by_escorts = airborne.transports_lost(100.0, air.loss_per_sortie(50.0, np.array([0.0, 10.0, 50.0, 200.0]), True, sec))
    assert (np.diff(by_fighters) > 0).all() and (np.diff(by_escorts) < 0).all()
    assert by_fighters[0] == pytest.approx(100 * sec["flak_loss_per_sortie"])      # flak only: 1 transport
    assert (by_fighters <= 100.0).all() and (by_escorts >= 0).all()
