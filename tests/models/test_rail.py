"""Rail damage, repair and through tonnage (models/rail.py); repair rate from joint.yaml `rail`."""

import numpy as np
import pytest

from kriegsspiel.models import rail
from kriegsspiel.models.supply import neighbour_table
from kriegsspiel.params import default_params

P = default_params()
# a line 0 - 1 - 2 - 3 with a branch 1 - 4
SRC, DST = np.array([0, 1, 2, 1]), np.array([1, 2, 3, 4])
CAP = np.array([[100.0, 50.0, 80.0, 70.0]])


@pytest.mark.parametrize("d,s,want", [(0.0, 0.3, 0.3), (0.5, 0.5, 0.75), (0.2, 0.0, 0.2), (1.0, 0.4, 1.0),
                                      (0.3, 1.7, 1.0), (0.3, -0.5, 0.3)])
def test_add_damage(d, s, want):
    # 1 - (1 - damage) x (1 - clip(share, 0, 1))
    assert rail.add_damage(d, s) == pytest.approx(want)


def test_add_damage_commutes_and_grows():
    rng = np.random.default_rng(4)
    a, b = rng.random(500), rng.random(500)
    ab = rail.add_damage(a, b)
    assert np.allclose(ab, rail.add_damage(b, a))
    assert (ab >= np.maximum(a, b) - 1e-12).all() and (ab <= 1).all()


def test_repair_at_the_stated_rate():
    rate = P["rail.repair_per_day"]                     # 0.15 a day
    got = rail.repair(np.array([0.4, 0.1, 0.4, 0.0]), np.array([True, True, False, True]), rate)
    assert np.allclose(got, [0.25, 0.0, 0.4, 0.0])


def test_repair_never_below_zero_nor_up_without_holder():
    rng = np.random.default_rng(8)
    d = rng.random((20, 30))
    can = rng.random((20, 30)) < 0.5
    got = rail.repair(d, can, P["rail.repair_per_day"])
    assert (got >= 0).all() and (got <= d).all()
    assert np.array_equal(got[~can], d[~can])


def tonnage(owner, cap=CAP, origin=0, **kw):
    return rail.through_tonnage(origin, np.atleast_2d(owner), SRC, DST, cap, 1e6, **kw)


def test_through_tonnage_is_the_bottleneck_from_the_origin():
    got = tonnage(np.ones(5, bool))
    assert got[0].tolist() == [1e6, 100.0, 50.0, 50.0, 70.0]


def test_through_tonnage_stops_at_places_not_held():
    owner = np.array([[True, True, False, True, True], [False, True, True, True, True]])
    got = tonnage(owner, cap=np.repeat(CAP, 2, axis=0))
    assert got[0].tolist() == [1e6, 100.0, 0.0, 0.0, 70.0]      # 2 held by the enemy: 3 cut off
    assert (got[1] == 0).all()                                  # the origin itself lost: nothing runs


def test_through_tonnage_falls_with_damage_and_accepts_a_prebuilt_table():
    nb, eid = neighbour_table(SRC, DST, 5)
    owner = np.ones((2, 5), bool)
    damaged = CAP * np.array([[1.0, 1.0, 1.0, 1.0], [0.2, 1.0, 1.0, 1.0]])
    got = tonnage(owner, cap=damaged, nb=nb, eid=eid)
    assert np.array_equal(got, tonnage(owner, cap=damaged))
    assert got[1].tolist() == [1e6, 20.0, 20.0, 20.0, 20.0]        # the first section carries 20 % of 100 t
    assert (got[1] <= got[0]).all()
