"""Record: the daily timeline of a single run (men and losses per side, owners, forces at each place).
Not a phase of ensembles: the engine lists it only when it records."""

from __future__ import annotations

import numpy as np

from ...codes import UnitStatus
from .common import scatter


def step(ctx, st, d: int) -> None:
    c, timeline = ctx.c, ctx.timeline
    for key, arr in (("men", st.men), ("killed", st.killed), ("wounded", st.wounded), ("missing", st.missing)):
        timeline[key].append(np.stack([arr[:, c.unit_side == s].sum(axis=1) for s in range(len(c.side_keys))], 1))
    timeline["owner"].append(st.owner.copy())
    # men present at each place per side (units on the move by rail are counted nowhere)
    R, P = st.owner.shape
    here = (st.status == UnitStatus.active) | (st.status == UnitStatus.pocket)
    timeline["forces"].append(np.stack(
        [scatter(R, P, st.loc, st.men, here & (st.eta == 0) & (c.unit_side[None, :] == s))
         for s in range(len(c.side_keys))], axis=2).astype(np.int64))
