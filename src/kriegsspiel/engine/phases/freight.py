"""Freight: the tonnage that can run from the scenario's `freight_origin` to its `freight_reference` place,
the Trans-Siberian's through traffic, which a cut anywhere on it stops (docs/models/rail.md)."""

from __future__ import annotations

import numpy as np

from ...models import rail as railm


def step(ctx, st, d: int) -> None:
    c, p = ctx.c, ctx.p
    J = st.joint
    o = c.theatre.index[c.scenario.freight_origin]
    side = int(c.theatre.owner[o])
    # recompute only the runs whose map or rail damage changed since the last day (each run's through
    # tonnage depends on its own row only)
    rows = np.flatnonzero((st.owner != J.through_owner).any(axis=1) | (st.rail_damage != J.through_damage).any(axis=1))
    if len(rows):
        cap = c.rail_cap[None, :] * (1.0 - st.rail_damage[rows])
        J.through_t[rows] = railm.through_tonnage(o, st.owner[rows] == side, c.rail_src, c.rail_dst, cap,
                                                  p["source_cap_t_per_day"], c.rail_nb, c.rail_eid)
    J.through_owner = st.owner.copy()
    J.through_damage = st.rail_damage.copy()
    st.freight[:, d] = np.where(st.owner[:, o] == side, J.through_t[:, c.freight_ref], 0.0)
