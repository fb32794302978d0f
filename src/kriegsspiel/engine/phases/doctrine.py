"""Doctrine: rail moves end; the defender moves reserves by rail to its most threatened place."""

from __future__ import annotations

import math

import numpy as np

from ...codes import Role, UnitStatus
from ...scenario.compile import NO_OP
from ..events import EventKind as K


def step(ctx, st, d: int) -> None:
    """Each side sends one idle reserve a day by rail to its most threatened place (ratio above its
    reserve-commit ratio), the nearest by rail first; moves take rail km / rail_km_per_day days."""
    c, p = ctx.c, ctx.p
    R = st.R
    arriving = (st.eta == 1)
    st.eta = np.maximum(st.eta - 1, 0)
    if arriving.any():
        st.loc = np.where(arriving, st.dest, st.loc)
        st.role = np.where(arriving, Role.front, st.role)
        for r, u in zip(*np.nonzero(arriving)):
            ctx.log.add(r, d, K.reserve_arrives, c.unit_side[u], st.dest[r, u], u=u, value=int(st.men[r, u]))
    for s in range(len(c.side_keys)):
        if not c.reserves_by_rail[s]:
            continue
        threat = np.where((st.owner == s) & (st.threat > c.reserve_ratio[s]), st.threat, 0.0)
        if not threat.any():
            continue
        target = threat.argmax(axis=1)                                       # (R,)
        has = threat.max(axis=1) > 0
        idle = (st.status == UnitStatus.active) & (st.role == Role.reserve) & (st.eta == 0) \
            & (c.unit_side[None, :] == s) & (st.unit_op == NO_OP)
        km = c.rail_km[st.loc, target[:, None]]                              # (R, U)
        ok = idle & np.isfinite(km) & (st.loc != target[:, None]) & has[:, None]
        ok &= np.take_along_axis(st.reach[s], st.loc, 1)
        # trains run only while the line from the side's railheads to the target is open (cut or bombed: wait)
        ok &= (st.cap[s][np.arange(R), target] > 0)[:, None]
        if not ok.any():
            continue
        pick = np.where(ok, km, np.inf).argmin(axis=1)
        go = ok[np.arange(R), pick]
        for r in np.flatnonzero(go):
            u = pick[r]
            st.eta[r, u] = max(1, math.ceil(km[r, u] / p["rail_km_per_day"]))
            st.dest[r, u] = target[r]
            ctx.log.add(r, d, K.reserve_moves, s, target[r], u=u, value=int(st.men[r, u]))
