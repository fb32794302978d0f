"""Array helpers the phases share: flat (run * P + place) gathers and scatters, normals from uniforms,
men per operation."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from ...codes import OpState, UnitStatus
from ...jit import njit


def normal(u):
    """Standard normals from uniforms (inverse CDF), clipped away from 0 and 1."""
    return ndtri(np.clip(np.asarray(u, dtype=np.float64), 1e-7, 1 - 1e-7))


def lognormal_noise(u, sigma):
    """Mean-one lognormal multiplier exp(sigma z - sigma^2 / 2) from uniforms u."""
    return np.exp(sigma * normal(u) - 0.5 * sigma * sigma)


def whole(ctx, stream: str, d: int, expected, units, salt: int, rows=None):
    """Whole aircraft (or ships) lost, from the models' expected numbers `expected` (r, n) of the units `units`
    (n,) in the batch rows `rows` (default: every row): the integer part, plus one with the probability of the
    fractional part (one uniform per run and unit from `stream`, salted, drawn only where there is a fraction).
    Unbiased, so an ensemble's mean is the model's expectation, while a single run loses whole machines, as a
    reader of its narrative expects."""
    x = np.maximum(np.asarray(expected, dtype=float), 0.0)
    base = np.floor(x)
    frac = x - base
    rr, jj = np.nonzero(frac > 0)
    if len(rr):
        runs_rows = rr if rows is None else np.asarray(rows)[rr]
        u = ctx.dice.draw_pairs(stream, d, runs_rows, np.asarray(units, dtype=np.int64)[jj], k=1, salt=salt)[:, 0]
        base[rr, jj] += u < frac[rr, jj]
    return base


@njit
def _scatter(n, flat, weights, mask):
    """(n,) float sums of `weights` (R, U) by the indices `flat` (R, U) where `mask` (R, U), adding in row-major
    order: np.bincount(flat.ravel(), np.where(mask, weights, 0.0).ravel(), n) bit for bit (a masked-out 0.0
    changes no sum, and a sum that starts at 0.0 is never -0.0), in one pass and without temporaries."""
    out = np.zeros(n)
    R, U = flat.shape
    for r in range(R):
        for u in range(U):
            if mask[r, u]:
                out[flat[r, u]] += weights[r, u]
    return out


def scatter(R: int, P: int, idx, weights, mask):
    """Sum `weights` (R, U) into (R, P) by place index `idx` (R, U) where `mask`."""
    return scatter_flat(R * P, np.arange(R)[:, None] * P + idx, weights, mask).reshape(R, P)


def scatter_flat(n: int, flat, weights, mask):
    """As scatter, with the flat (run * P + place) indices `flat` (R, U) given; n = R * P. `weights` may be a
    broadcast view (R, U); integers are summed as floats."""
    shape = np.shape(flat)
    return _scatter(n, flat, np.broadcast_to(weights, shape), np.broadcast_to(mask, shape))


def at(x, flat):
    """x (R, P) gathered at flat (run * P + place) indices (R, U): take_along_axis(x, place, 1), faster."""
    return np.ravel(x).take(flat)


def along(x, idx):
    """x (R, N) gathered along its second axis at idx (R, M): np.take_along_axis(x, idx, 1), by one flat take
    (about twice as fast at the engine's sizes)."""
    R, N = x.shape
    return np.ravel(x).take(np.arange(R)[:, None] * N + idx)


def men_by_op(st) -> np.ndarray:
    """(R, O) men present in each ground operation's active units."""
    R, O = st.op_state.shape
    if not O:
        return np.zeros((R, 0))
    mask = (st.unit_op >= 0) & (st.status == UnitStatus.active)
    return scatter(R, O, st.unit_op, st.men, mask)


def spread(men, mask, total, amount):
    """(R, U) share of `amount` (R,) borne by each unit of `mask` (R, U) in proportion to its men; `total` (R,)
    is the men of the mask."""
    return np.where(mask, men / np.maximum(total, 1)[:, None], 0.0) * amount[:, None]


def place_at(st, runs, units, place) -> None:
    """Formations `units` (index array) are at `place` (an int or (R,) array) in the runs `runs` (R,) bool: landed,
    dropped, re-embarked. They stand there, off any edge."""
    m = runs[:, None]
    st.loc[:, units] = np.where(m, np.asarray(place)[..., None] if np.ndim(place) else place, st.loc[:, units])
    st.nxt[:, units] = np.where(m, -1, st.nxt[:, units])
    st.prog[:, units] = np.where(m, 0.0, st.prog[:, units])
    st.mode[:, units] = np.where(m, 0, st.mode[:, units])
    st.goal[:, units] = np.where(m, -1, st.goal[:, units])


def operations_started(st, refs, today=None, upto: int = 0) -> np.ndarray:
    """(R,) whether every operation in `refs` -- (ground, joint) operation indices -- has started: before today,
    or today where `today` (R, O) says so for the ground operations before `upto` (those already decided today;
    an operation decided later in the day, or a joint one, is seen from the next day)."""
    ground, joint = refs
    out = np.ones(st.R, bool)
    if len(ground):
        began = st.op_state[:, ground] != OpState.pending
        if today is not None:
            began |= today[:, ground] & (ground < upto)[None, :]
        out &= began.all(axis=1)
    if len(joint):
        out &= (st.joint.op_state[:, joint] != OpState.pending).all(axis=1)
    return out


def conditions_since(st, d: int, side: int, start: int, places, refs) -> np.ndarray:
    """(R,) the day an operation's start conditions began to hold, where they hold: the latest of its start day,
    the day its side took each place of `places` (0 if held from the start) and the day each operation of `refs`
    (ground, joint) started (today, `d`, for one that starts today and is not marked yet)."""
    since = np.full(st.R, start, np.int64)
    if len(places):
        since = np.maximum(since, np.maximum(st.taken_day[:, side, places], 0).max(axis=1))
    ground, joint = refs
    if len(ground):
        began = st.op_state[:, ground] != OpState.pending
        since = np.maximum(since, np.where(began, st.op_day0[:, ground], d).max(axis=1))
    if len(joint):
        day0 = st.joint.op_day0[:, joint]
        since = np.maximum(since, np.where(day0 >= 0, day0, d).max(axis=1))
    return since


def start_gate(ready_now, ready_day, d: int, delay: int, since) -> np.ndarray:
    """(R,) the runs where an operation starts today: its start conditions (`ready_now` (R,)) have held for
    `delay` days (`ready_day` (R,), updated in place: the day they began to hold, `since` (R,), recorded when
    first seen; -1 before)."""
    ready_day[:] = np.where(ready_now & (ready_day < 0), since, ready_day)
    return (ready_day >= 0) & (d >= ready_day + delay)


def after_events(st, d: int, ready, pend, side: int, start: int, places, refs, delay: int, ready_day,
                 today=None, upto: int = 0) -> np.ndarray:
    """(R,) `ready` (its day has come, its places are held) narrowed by an operation's event conditions: the
    operations `refs` started (operations_started) and `delay` days since all held (start_gate); `ready` as it
    is for an operation without them."""
    if not (len(refs[0]) or len(refs[1]) or delay):
        return ready
    ready = ready & operations_started(st, refs, today, upto)
    return pend & start_gate(ready, ready_day, d, delay, conditions_since(st, d, side, start, places, refs))
