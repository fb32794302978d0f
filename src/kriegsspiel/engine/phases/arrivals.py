"""Arrivals: reinforcements arrive; ground operations whose start conditions hold begin."""

from __future__ import annotations

import numpy as np

from ...codes import OpState, UnitStatus
from ..events import EventKind as K
from .common import men_by_op


def step(ctx, st, d: int) -> None:
    c = ctx.c
    arriving = (st.status == UnitStatus.waiting) & (c.arrives[None, :] <= d)
    if arriving.any():
        st.status[arriving] = UnitStatus.active
        add = np.where(arriving, c.men0[None, :], 0)
        st.men += add
        st.reinforced += add
        for r, u in zip(*np.nonzero(arriving)):
            ctx.log.add(r, d, K.reinforcement, c.unit_side[u], st.loc[r, u], u=u, value=int(c.men0[u]))
    pend = st.op_state == OpState.pending
    if not pend.any():
        return
    ready = pend & (d >= c.op_start[None, :])
    for o, after in enumerate(c.op_after):
        if len(after):
            ready[:, o] &= (st.owner[:, after] == c.op_side[o]).all(axis=1)
    if ready.any():
        # units listed for a starting operation join it unless busy in a running one
        for o in np.flatnonzero(ready.any(axis=0)):
            listed = (c.unit_ops == o).any(axis=1)[None, :]
            cur = st.unit_op
            busy = (cur >= 0) & (np.take_along_axis(st.op_state, np.maximum(cur, 0), 1) == OpState.running)
            st.unit_op = np.where(ready[:, o:o + 1] & listed & ~busy & ~st.broken, o, st.unit_op)
        men_op = men_by_op(st)
        st.op_men0 = np.where(ready, men_op, st.op_men0)
        st.op_day0 = np.where(ready, d, st.op_day0)
        st.op_state[ready] = OpState.running
        for r, o in zip(*np.nonzero(ready)):
            ctx.log.add(r, d, K.offensive, c.op_side[o], c.op_origin[o], op=o, value=int(men_op[r, o]))
