"""Endings: a side's capitulation or a ceasefire ends the campaign early (scenario `endings`), on a date or when
its condition holds: places lost, or the side's men in the field and in supply below a share of its start.
At a capitulation the side's formations still in the field surrender (missing: prisoners); a contingent's
capitulation (`units`) takes only those formations, and the campaign goes on. Draws no dice."""

from __future__ import annotations

import numpy as np

from ...codes import UnitStatus
from ..events import EventKind as K
from ..transitions import surrender


def step(ctx, st, d: int) -> None:
    c = ctx.c
    live = st.end_day < 0
    for i, e in enumerate(c.endings):
        todo = live & ~st.endings_done[:, i]
        if not todo.any():
            continue
        hit = np.zeros(st.R, bool)
        if e.day >= 0:
            hit |= d >= e.day
        if len(e.places):
            lost = (st.owner[:, e.places] != e.side).sum(axis=1)
            hit |= lost >= e.min_lost
        if e.strength_below >= 0:
            mine = c.unit_side == e.side
            start = (np.where(c.arrives == 0, c.men0, 0)[None, :] + st.reinforced)[:, mine].sum(axis=1)
            field = np.where((st.status == UnitStatus.active) & (st.cut == 0), st.men, 0)[:, mine].sum(axis=1)
            hit |= field < e.strength_below * np.maximum(start, 1)
        hit &= todo
        if not hit.any():
            continue
        st.endings_done[:, i] |= hit
        if e.type == "capitulation":
            units = np.zeros(len(c.unit_names), bool)
            if len(e.units):
                units[e.units] = True
            else:
                units[c.unit_side == e.side] = True
            give_up = hit[:, None] & units[None, :] & ((st.status == UnitStatus.active) | (st.status == UnitStatus.pocket))
            men = surrender(ctx, st, give_up)
            for r in np.flatnonzero(hit):
                ctx.log.add(r, d, K.capitulation, e.side, -1, value=int(men[r].sum()),
                            args={"contingent": bool(len(e.units))})
        else:
            for r in np.flatnonzero(hit):
                ctx.log.add(r, d, K.ceasefire, -1, -1)
        if e.type == "ceasefire" or not len(e.units):
            st.end_day = np.where(hit, d, st.end_day)
            st.ending = np.where(hit, i, st.ending)
            live &= ~hit
