"""Endings: a side's capitulation or a ceasefire ends the campaign early (scenario `endings`), on a date or when
its condition holds: places lost, or the side's men in the field and in supply below a share of its start.
At a capitulation the side's formations still in the field surrender (missing: prisoners); a contingent's
capitulation (`units`, `nations`) takes only those formations, and the campaign goes on. A contingent's
defection (Romania on 23 August 1944, Italy in September 1943) takes its formations out of the field -- neither
lost nor captured (`departed`) -- and hands the places it names to the other side where none of the remaining
troops of the side it left stand; the campaign goes on. The contingent does not fight for its new side (the
format has two sides). Draws no dice."""

from __future__ import annotations

import numpy as np

from ...codes import UnitStatus
from ..events import EventKind as K
from ..outcome import ends_run
from ..transitions import capture_place, depart, surrender


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
        units = np.zeros(len(c.unit_names), bool)
        if len(e.units):
            units[e.units] = True
        else:
            units[c.unit_side == e.side] = True
        in_field = (st.status == UnitStatus.active) | (st.status == UnitStatus.pocket)
        if e.type == "capitulation":
            men = surrender(ctx, st, hit[:, None] & units[None, :] & in_field)
            for r in np.flatnonzero(hit):
                ctx.log.add(r, d, K.capitulation, e.side, -1, value=int(men[r].sum()),
                            args={"contingent": bool(len(e.units))})
        elif e.type == "defection":
            men = depart(ctx, st, hit[:, None] & units[None, :] & (in_field | (st.status == UnitStatus.waiting)))
            _hand_over(ctx, st, d, e, hit, units, men)
        else:
            for r in np.flatnonzero(hit):
                ctx.log.add(r, d, K.ceasefire, -1, -1)
        if ends_run(e):
            st.end_day = np.where(hit, d, st.end_day)
            st.ending = np.where(hit, i, st.ending)
            live &= ~hit


def _hand_over(ctx, st, d, e, hit, contingent, men) -> None:
    """The places a defecting contingent hands over pass to the other side in the runs `hit` (R,), each where the
    side it left still owns it and none of that side's remaining troops stand (they hold it)."""
    c = ctx.c
    other = 1 - e.side
    stays = (c.unit_side == e.side)[None, :] & ~contingent[None, :] \
        & ((st.status == UnitStatus.active) | (st.status == UnitStatus.pocket))
    handed = np.zeros((st.R, len(e.hands_over)), bool)
    for j, pl in enumerate(e.hands_over):
        held = (stays & (st.loc == pl)).any(axis=1)
        handed[:, j] = hit & (st.owner[:, pl] == e.side) & ~held
        capture_place(ctx, st, d, handed[:, j], int(pl), other)
    for r in np.flatnonzero(hit):
        names = [c.theatre.names[pl] for j, pl in enumerate(e.hands_over) if handed[r, j]]
        ctx.log.add(r, d, K.defection, e.side, -1, value=int(men[r].sum()),
                    args={"handed": ", ".join(names)}, handed_over=", ".join(names))
