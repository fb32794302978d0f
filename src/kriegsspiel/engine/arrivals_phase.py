"""Phase 2, arrivals: reinforcements arrive; operations whose start conditions hold begin."""

from __future__ import annotations

import numpy as np

from .state import ACTIVE, PENDING, RUNNING, WAITING


class ArrivalsPhase:
    """Mixin of `Engine` (engine.loop), whose `_men_by_op` gives each starting operation its men."""

    def _arrivals(self, d: int) -> None:
        c, st = self.c, self.st
        arriving = (st.status == WAITING) & (c.arrives[None, :] <= d)
        if arriving.any():
            st.status[arriving] = ACTIVE
            add = np.where(arriving, c.men0[None, :], 0)
            st.men += add
            st.reinforced += add
            for r, u in zip(*np.nonzero(arriving)):
                self.log.add(r, d, "reinforcement", c.unit_side[u], st.loc[r, u], u=u, value=int(c.men0[u]))
        pend = st.op_state == PENDING
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
                busy = (cur >= 0) & (np.take_along_axis(st.op_state, np.maximum(cur, 0), 1) == RUNNING)
                st.unit_op = np.where(ready[:, o:o + 1] & listed & ~busy, o, st.unit_op)
            men_op = self._men_by_op()
            st.op_men0 = np.where(ready, men_op, st.op_men0)
            st.op_day0 = np.where(ready, d, st.op_day0)
            st.op_state[ready] = RUNNING
            for r, o in zip(*np.nonzero(ready)):
                self.log.add(r, d, "offensive", c.op_side[o], c.op_route[o, 0], op=o, value=int(men_op[r, o]))
