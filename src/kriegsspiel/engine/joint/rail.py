"""Rail: repair of damaged rail at a stated rate, cut and repaired events, and the through tonnage from the
western entry of the line reported as `freight` (docs/models/rail.md). Draws nothing."""

from __future__ import annotations

import numpy as np

from ...models import rail as railm
from .base import JointModel


class RailPhase(JointModel):
    """Repair of damaged rail at a stated rate, cut and repaired events, and the through tonnage from the western
    entry of the line reported as `freight` (docs/models/rail.md)."""

    name = ""

    def init_state(self, c, st):
        super().init_state(c, st)
        st.extra["joint"]["rail_cut"] = np.zeros(st.rail_damage.shape, bool)

    def phase(self, eng, d, wx):
        st, c, pr = eng.st, eng.c, self.jp["rail"]
        J = st.extra["joint"]
        a, b = c.rail_src, c.rail_dst
        same = st.owner[:, a] == st.owner[:, b]
        fresh = st.rail_damage >= pr["cut_at"]
        new_cut = fresh & ~J["rail_cut"]
        st.rail_damage = railm.repair(st.rail_damage, same & ~new_cut, pr["repair_per_day"])
        fixed = J["rail_cut"] & (st.rail_damage < pr["repaired_below"])
        J["rail_cut"] = (J["rail_cut"] | new_cut) & ~fixed
        if eng.record and (new_cut.any() or fixed.any()):
            names = c.theatre.names
            for r, e in zip(*np.nonzero(new_cut)):
                eng.log.add(r, d, "rail_cut", int(st.owner[r, a[e]]), int(a[e]), value=int(round(st.rail_damage[r, e] * 100)),
                            detail=(f"The railway {names[a[e]]}–{names[b[e]]} is cut: {st.rail_damage[r, e]:.0%} of its "
                                    f"{c.rail_cap[e]:,.0f} t/day lost."))
            for r, e in zip(*np.nonzero(fixed)):
                eng.log.add(r, d, "rail_repaired", int(st.owner[r, a[e]]), int(a[e]),
                            detail=f"The railway {names[a[e]]}–{names[b[e]]} is repaired.")

    def after_supply(self, eng, d):
        """Report as `freight` the tonnage that can run from the scenario's `freight_origin` to its
        `freight_reference` place: the Trans-Siberian's through traffic, which a cut anywhere on it stops."""
        c, st = eng.c, eng.st
        origin = getattr(c.scenario, "freight_origin", None)
        if not origin or c.freight_ref < 0:
            return
        o = c.theatre.index[origin]
        side = int(c.theatre.owner[o])
        # recompute only the runs whose map or rail damage changed since the last day (each run's through
        # tonnage depends on its own row only)
        last = getattr(self, "_through", None)          # this engine's model object (joint.build per engine)
        if last is None or last[0].shape[0] != st.R:
            rows = np.arange(st.R)
            through = np.zeros(st.owner.shape)
        else:
            through, owner0, damage0 = last
            rows = np.flatnonzero((st.owner != owner0).any(axis=1) | (st.rail_damage != damage0).any(axis=1))
        if len(rows):
            cap = c.rail_cap[None, :] * (1.0 - st.rail_damage[rows])
            through[rows] = railm.through_tonnage(o, st.owner[rows] == side, c.rail_src, c.rail_dst, cap, 1.0e6,
                                                  c.rail_nb, c.rail_eid)
        self._through = (through, st.owner.copy(), st.rail_damage.copy())
        st.freight[:, d] = np.where(st.owner[:, o] == side, through[:, c.freight_ref], 0.0)
