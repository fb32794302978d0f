"""The attrition integrator against the closed-form square law (Engel 1954, Iwo Jima)."""

import numpy as np

from kriegsspiel.validation import lanchester as L

# RK4 with a 0.01-day step: the global error is O(h^4); 1e-6 relative is far above it and far below any
# modelling difference (a one-man error in 54,000 is 2e-5).
RTOL = 1e-6


def test_engel_iwo_jima_matches_the_analytic_square_law():
    r = L.engel_iwo_jima(dt=0.01)
    alive = r["japanese_exact"] > 1_000.0          # the closed form holds while both sides are positive
    assert alive.sum() > 3_000
    np.testing.assert_allclose(r["us"][alive], r["us_exact"][alive], rtol=RTOL)
    np.testing.assert_allclose(r["japanese"][alive], r["japanese_exact"][alive], rtol=RTOL)


def test_reinforcements_arrive_on_their_days():
    r = L.engel_iwo_jima()
    t = r["t"]
    for day, men in ((2.0, 6_000.0), (5.0, 13_000.0)):
        before, after = np.flatnonzero(np.isclose(t, day))[:2]
        assert after == before + 1
        assert abs(r["us"][after] - r["us"][before] - men) < 1e-6


def test_a_coarse_step_is_detectably_wrong():
    # guards the test above against passing trivially: a 2-day step misses by more than RTOL
    coarse = L.engel_iwo_jima(dt=2.0)
    alive = coarse["japanese_exact"] > 1_000.0
    err = np.max(np.abs(coarse["us"][alive] / coarse["us_exact"][alive] - 1.0))
    assert err > RTOL


def test_linear_law_conserves_its_invariant():
    # linear law dB/dt = -a R B, dR/dt = -b B R: b B - a R is constant (Taylor 1983, ch. 2)
    t, B, R = L.integrate(1000.0, 800.0, 2e-4, 3e-4, 10.0, dt=0.01, p=1, q=1, p_r=1, q_r=1)
    inv = 3e-4 * B - 2e-4 * R
    np.testing.assert_allclose(inv, inv[0], rtol=1e-8, atol=1e-9)
