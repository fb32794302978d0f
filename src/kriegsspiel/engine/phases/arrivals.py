"""Arrivals: reinforcements arrive and units sent elsewhere leave; ground operations whose start conditions hold
begin; units listed for a running operation join it when they are free (arrived, their earlier operation over)."""

from __future__ import annotations

import numpy as np

from ...codes import OpState, UnitStatus
from ..events import EventKind as K
from ..transitions import depart
from .common import after_events, along, men_by_op


def step(ctx, st, d: int) -> None:
    c = ctx.c
    arriving = (st.status == UnitStatus.waiting) & (c.arrives[None, :] <= d)
    if arriving.any():
        _divert(ctx, st, arriving)
        st.status[arriving] = UnitStatus.active
        add = np.where(arriving, c.men0[None, :], 0)
        st.men += add
        st.reinforced += add
        for r, u in zip(*np.nonzero(arriving)):
            ctx.log.add(r, d, K.reinforcement, c.unit_side[u], st.loc[r, u], u=u, value=int(c.men0[u]))
    leaving = (c.departs[None, :] == d) & ((st.status == UnitStatus.active) | (st.status == UnitStatus.waiting))
    depart(ctx, st, leaving)
    pend = st.op_state == OpState.pending
    ready = pend & (d >= c.op_start[None, :])
    for o, after in enumerate(c.op_after):
        if len(after):
            ready[:, o] &= (st.owner[:, after] == c.op_side[o]).all(axis=1)
        ready[:, o] = after_events(st, d, ready[:, o], pend[:, o], int(c.op_side[o]), int(c.op_start[o]), after,
                                   c.op_after_ops[o], int(c.op_delay[o]), st.op_ready_day[:, o], today=ready, upto=o)
    _join(ctx, st, ready)
    if ready.any():
        men_op = men_by_op(st)
        st.op_men0 = np.where(ready, men_op, st.op_men0)
        st.op_day0 = np.where(ready, d, st.op_day0)
        for r, o in zip(*np.nonzero(ready)):
            ctx.log.add(r, d, K.offensive, c.op_side[o], c.op_origin[o], op=o, value=int(men_op[r, o]))


def _divert(ctx, st, arriving) -> None:
    """A reinforcement due at a place its side held at the start but the enemy holds now detrains, lands or
    assembles at the nearest place its side still holds (by land km) instead, and goes on from there; before, it
    appeared inside the enemy's place, cut off and idle (the 30th Infantry and 82nd Airborne Divisions at Malmedy
    and Werbomont in the Ardennes). One due at a place that was the enemy's from the start is a landing or a drop
    behind the lines, and arrives where the scenario puts it."""
    c = ctx.c
    due = c.theatre.owner[st.loc] == c.unit_side[None, :]
    rows, units = np.nonzero(arriving & due & (along(st.owner, st.loc) != c.unit_side[None, :]))
    for r, u in zip(rows, units):
        own = st.owner[r] == c.unit_side[u]
        km = np.where(own, c.land_km[st.loc[r, u]], np.inf)
        if np.isfinite(km).any():
            st.loc[r, u] = int(np.argmin(km))
            st.dest[r, u] = st.loc[r, u]


def _join(ctx, st, ready) -> None:
    """Units listed for an operation that starts today or is running join it if they are free: active, not
    broken, not in another running operation (the first of their operations in plan order wins)."""
    c = ctx.c
    if not st.op_state.shape[1]:
        return                                                          # a scenario without ground operations
    st.op_state[ready] = OpState.running
    running = st.op_state == OpState.running
    cur = st.unit_op
    busy = (cur >= 0) & (along(st.op_state, np.maximum(cur, 0)) == OpState.running)
    free = ~busy & (st.status == UnitStatus.active) & ~st.broken & (st.eta == 0)
    if not free.any():
        return
    for k in range(c.unit_ops.shape[1]):
        o = c.unit_ops[:, k]                                            # (U,) the unit's k-th operation
        ok = (o >= 0)[None, :] & running[:, np.maximum(o, 0)] & free
        st.unit_op = np.where(ok, o[None, :], st.unit_op)
        free &= ~ok
