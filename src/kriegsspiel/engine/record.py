"""Phase 7, record: the daily timeline (men and losses per side, owners, forces at each place)."""

from __future__ import annotations

import numpy as np

from .helpers import _scatter
from .state import ACTIVE, POCKET


class RecordPhase:
    """Mixin of `Engine` (engine.loop); records only when the engine was built with `record=True`."""

    def _record(self, d: int) -> None:
        if self.timeline is None:
            return
        st, c = self.st, self.c
        for key, arr in (("men", st.men), ("killed", st.killed), ("wounded", st.wounded), ("missing", st.missing)):
            self.timeline[key].append(np.stack([arr[:, c.unit_side == s].sum(axis=1) for s in range(len(c.side_keys))], 1))
        self.timeline["owner"].append(st.owner.copy())
        # men present at each place per side (units on the move by rail are counted nowhere)
        R, P = st.owner.shape
        here = (st.status == ACTIVE) | (st.status == POCKET)
        self.timeline["forces"].append(np.stack(
            [_scatter(R, P, st.loc, st.men, here & (st.eta == 0) & (c.unit_side[None, :] == s))
             for s in range(len(c.side_keys))], axis=2).astype(np.int64))
