"""A deterministic generalised-Lanchester integrator, and the closed-form square law to check it against.

    dB/dt = -a * R**p * B**q        dR/dt = -b * B**p_r * R**q_r

Square law p = 1, q = 0; linear law p = q = 1; logarithmic law p = 0, q = 1 (literature.md 1.2; the
generalised form as in Bracken 1995, NRL 42:559, and Fricker 1998, NRL 45:1). Reinforcements arrive as
instantaneous additions at given times. Classical fourth-order Runge-Kutta on a fixed step, with the step
shortened to land exactly on each arrival; strengths are floored at zero (a side that reaches zero stops
firing). This is the integrator the engine's attrition can use in deterministic mode.

Reference case: J. H. Engel, "A verification of Lanchester's law", Operations Research 2 (1954) 163-171:
Iwo Jima, square law, Japanese effectiveness against US a = 0.0544 per day per Japanese, US against
Japanese b = 0.0106 per day per American; US 54,000 landed on day 0, +6,000 on day 2, +13,000 on day 5;
Japanese 21,500, no reinforcement (coefficients via antononcube/SystemModeling; literature.md 1.2).
"""

from __future__ import annotations

import numpy as np

ENGEL_IWO_JIMA = {
    "a_japanese_on_us_per_day": 0.0544,
    "b_us_on_japanese_per_day": 0.0106,
    "us_arrivals": ((0.0, 54_000.0), (2.0, 6_000.0), (5.0, 13_000.0)),
    "japanese_start": 21_500.0,
    "days": 36.0,
    "source": "Engel 1954, Operations Research 2:163",
}


def _rhs(b, r, a_coef, b_coef, p, q, p_r, q_r):
    b0, r0 = max(b, 0.0), max(r, 0.0)
    return -a_coef * r0 ** p * b0 ** q, -b_coef * b0 ** p_r * r0 ** q_r


def integrate(b0: float, r0: float, a: float, b: float, days: float, dt: float = 0.01,
              p: float = 1.0, q: float = 0.0, p_r: float = 1.0, q_r: float = 0.0,
              b_arrivals=(), r_arrivals=()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integrate both sides from t = 0 to `days`.

    `b_arrivals` / `r_arrivals`: (time_days, men) pairs added at that instant (an arrival at 0 adds to
    the start). Returns (t, B, R) sampled at every step end and every arrival time (strengths just after
    the arrival). Units: men, days; a and b per day per opposing man**p.
    """
    events = sorted({0.0, float(days), *(float(t) for t, _ in b_arrivals), *(float(t) for t, _ in r_arrivals)})
    add_b = {}
    add_r = {}
    for t, m in b_arrivals:
        add_b[float(t)] = add_b.get(float(t), 0.0) + float(m)
    for t, m in r_arrivals:
        add_r[float(t)] = add_r.get(float(t), 0.0) + float(m)
    t_out, b_out, r_out = [], [], []
    bs, rs = float(b0), float(r0)
    args = (a, b, p, q, p_r, q_r)
    for k, t0 in enumerate(events):
        bs += add_b.get(t0, 0.0)
        rs += add_r.get(t0, 0.0)
        t_out.append(t0), b_out.append(bs), r_out.append(rs)
        if k + 1 == len(events):
            break
        t1 = events[k + 1]
        n = max(1, int(np.ceil((t1 - t0) / dt - 1e-9)))
        h = (t1 - t0) / n
        for i in range(n):
            k1 = _rhs(bs, rs, *args)
            k2 = _rhs(bs + 0.5 * h * k1[0], rs + 0.5 * h * k1[1], *args)
            k3 = _rhs(bs + 0.5 * h * k2[0], rs + 0.5 * h * k2[1], *args)
            k4 = _rhs(bs + h * k3[0], rs + h * k3[1], *args)
            bs = max(bs + h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]), 0.0)
            rs = max(rs + h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]), 0.0)
            if i + 1 < n:
                t_out.append(t0 + (i + 1) * h), b_out.append(bs), r_out.append(rs)
    return np.array(t_out), np.array(b_out), np.array(r_out)


def square_law(b0: float, r0: float, a: float, b: float, t) -> tuple[np.ndarray, np.ndarray]:
    """Closed-form square law dB/dt = -a R, dR/dt = -b B from (b0, r0) at t = 0 (valid while both > 0):
    B(t) = b0 cosh(wt) - sqrt(a/b) r0 sinh(wt), R(t) = r0 cosh(wt) - sqrt(b/a) b0 sinh(wt), w = sqrt(ab)
    (Lanchester 1916; e.g. Taylor, Lanchester Models of Warfare, 1983, ch. 2)."""
    t = np.asarray(t, dtype=float)
    w = np.sqrt(a * b)
    return (b0 * np.cosh(w * t) - np.sqrt(a / b) * r0 * np.sinh(w * t),
            r0 * np.cosh(w * t) - np.sqrt(b / a) * b0 * np.sinh(w * t))


def square_law_piecewise(b_arrivals, r0: float, a: float, b: float, t) -> tuple[np.ndarray, np.ndarray]:
    """The analytic square law restarted at each B reinforcement (R has none): the reference for
    Engel's Iwo Jima. `b_arrivals` must include the t = 0 landing. Values at an arrival time are after it."""
    t = np.asarray(t, dtype=float)
    arr = sorted((float(s), float(m)) for s, m in b_arrivals)
    B, R = np.zeros_like(t), np.zeros_like(t)
    bs, rs, t0 = 0.0, float(r0), 0.0
    for k, (ta, m) in enumerate(arr):
        if k > 0:
            bs, rs = (float(v) for v in square_law(bs, rs, a, b, ta - t0))
        bs += m
        t0 = ta
        t1 = arr[k + 1][0] if k + 1 < len(arr) else np.inf
        sel = (t >= ta) & (t < t1)
        B[sel], R[sel] = square_law(bs, rs, a, b, t[sel] - ta)
    return B, R


def engel_iwo_jima(dt: float = 0.01) -> dict:
    """Engel's Iwo Jima by the integrator and in closed form: {"t", "us", "japanese", "us_exact", "japanese_exact"}."""
    c = ENGEL_IWO_JIMA
    a, b = c["a_japanese_on_us_per_day"], c["b_us_on_japanese_per_day"]
    t, us, jp = integrate(0.0, c["japanese_start"], a, b, c["days"], dt=dt, b_arrivals=c["us_arrivals"])
    us_x, jp_x = square_law_piecewise(c["us_arrivals"], c["japanese_start"], a, b, t)
    return {"t": t, "us": us, "japanese": jp, "us_exact": us_x, "japanese_exact": jp_x}
