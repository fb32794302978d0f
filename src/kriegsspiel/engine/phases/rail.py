"""Rail: repair of damaged rail at a stated rate, and the cut and repaired events (docs/models/rail.md)."""

from __future__ import annotations

import numpy as np

from ...models import rail as railm
from ..events import EventKind as K


def step(ctx, st, d: int) -> None:
    c, p = ctx.c, ctx.p
    J = st.joint
    a, b = c.rail_src, c.rail_dst
    same = st.owner[:, a] == st.owner[:, b]
    fresh = st.rail_damage >= p["rail.cut_at"]
    new_cut = fresh & ~J.rail_cut
    st.rail_damage = railm.repair(st.rail_damage, same & ~new_cut, p["rail.repair_per_day"])
    fixed = J.rail_cut & (st.rail_damage < p["rail.repaired_below"])
    J.rail_cut = (J.rail_cut | new_cut) & ~fixed
    if ctx.record and (new_cut.any() or fixed.any()):
        names = c.theatre.names
        for r, e in zip(*np.nonzero(new_cut)):
            ctx.log.add(r, d, K.rail_cut, int(st.owner[r, a[e]]), int(a[e]),
                        value=int(round(st.rail_damage[r, e] * 100)),
                        args={"other": names[b[e]], "damage": st.rail_damage[r, e], "capacity_t": c.rail_cap[e]})
        for r, e in zip(*np.nonzero(fixed)):
            ctx.log.add(r, d, K.rail_repaired, int(st.owner[r, a[e]]), int(a[e]), args={"other": names[b[e]]})
