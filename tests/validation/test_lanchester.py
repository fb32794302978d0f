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
    t, us = r["t"], r["us"]
    for day, men in ((2.0, 6_000.0), (5.0, 13_000.0)):
        i = int(np.flatnonzero(np.isclose(t, day))[0])
        # one 0.01-day step earlier the US had `men` fewer, less that step's losses (a R dt ~ 11 men)
        assert 0.0 < men - (us[i] - us[i - 1]) < 20.0


def test_a_slightly_wrong_coefficient_is_detected():
    # guards the first test against passing trivially: a 0.1 % error in a exceeds the tolerance
    c = L.ENGEL_IWO_JIMA
    t, us, jp = L.integrate(0.0, c["japanese_start"], c["a_japanese_on_us_per_day"] * 1.001,
                            c["b_us_on_japanese_per_day"], 30.0, b_arrivals=c["us_arrivals"])
    us_x, _ = L.square_law_piecewise(c["us_arrivals"], c["japanese_start"], c["a_japanese_on_us_per_day"],
                                     c["b_us_on_japanese_per_day"], t)
    assert np.max(np.abs(us / us_x - 1.0)) > RTOL


def test_linear_law_conserves_its_invariant():
    # linear law dB/dt = -a R B, dR/dt = -b B R: b B - a R is constant (Taylor 1983, ch. 2)
    t, B, R = L.integrate(1000.0, 800.0, 2e-4, 3e-4, 10.0, dt=0.01, p=1, q=1, p_r=1, q_r=1)
    inv = 3e-4 * B - 2e-4 * R
    np.testing.assert_allclose(inv, inv[0], rtol=1e-8, atol=1e-9)
