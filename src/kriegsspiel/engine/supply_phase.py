"""Phase 5, supply: connectivity to the sources, rail tonnage, consumption and stock; forces cut off long
enough break: they surrender, or fight on in a pocket and are worn down (stream `pocket`). docs/models/supply.md."""

from __future__ import annotations

import numpy as np

from ..models import casualties as cas
from ..models.supply import reachable, widest_path
from .helpers import DESTROYED_C, NORMAL, _at, _scatter_flat
from .state import ACTIVE, DESTROYED, POCKET

SOURCE_CAP_T = 1.0e6       # a supply source itself is not the bottleneck


class SupplyPhase:
    """Mixin of `Engine` (engine.loop), whose shared `_apply_losses` and `_surrender` it uses."""

    def _update_supply(self, force: bool = False) -> None:
        """Recompute connectivity and rail tonnage for the runs whose ownership or rail damage changed."""
        c, st = self.c, self.st
        if force or not st.reach:
            rows = owned = np.arange(st.R)
        else:
            # connectivity depends on ownership only; tonnage on ownership and rail damage (repaired daily)
            moved = (st.owner != self._supply_owner).any(axis=1)
            owned = np.flatnonzero(moved)
            rows = np.flatnonzero(moved | (st.rail_damage != self._supply_damage).any(axis=1))
            if not len(rows):
                return
        full = len(rows) == st.R
        cap = c.rail_cap[None, :] * (1.0 - st.rail_damage[rows])
        for s in range(len(c.side_keys)):
            friendly = st.owner[rows] == s
            sources = c.supply_source[None, :] & friendly
            tons = widest_path(sources, friendly, c.rail_nb, c.rail_eid, cap, SOURCE_CAP_T)
            if len(owned):
                friendly = st.owner[owned] == s
                reach = reachable(c.supply_source[None, :] & friendly, friendly, c.neighbours)
                if len(owned) == st.R:
                    st.reach[s] = reach
                else:
                    st.reach[s][owned] = reach
            if full:
                st.cap[s] = tons
            else:
                st.cap[s][rows] = tons
        self._supply_owner = st.owner.copy()
        self._supply_damage = st.rail_damage.copy()

    def _supply(self, d: int) -> None:
        c, st, p = self.c, self.st, self.p
        self._update_supply()
        R, P = st.owner.shape
        active = st.status == ACTIVE
        use = np.where(st.engaged, 1.0, p["quiet_consumption_share"])
        want = use + np.maximum(p["initial_stock_days"] - st.stock, 0.0) * p["restock_share_per_day"]
        demand_t = want * c.supply_t[None, :]
        in_supply = np.zeros_like(active)
        fill = np.zeros(st.stock.shape)
        fl_loc = np.arange(R)[:, None] * P + st.loc
        for s in range(len(c.side_keys)):
            mine = active & (c.unit_side[None, :] == s)
            reach_u = _at(st.reach[s], fl_loc) & mine
            cap_place = np.where(st.reach[s], np.maximum(st.cap[s], p["road_supply_t_per_day"]), 0.0)
            demand_place = _scatter_flat(R * P, fl_loc, demand_t, reach_u).reshape(R, P)
            f = np.minimum(1.0, cap_place / np.maximum(demand_place, 1e-9))
            fill = np.where(reach_u, _at(f, fl_loc), fill)
            in_supply |= reach_u
        st.stock = np.where(active, np.maximum(st.stock + fill * want - use, 0.0), st.stock)
        st.cut = np.where(active & ~in_supply, st.cut + 1, np.where(active, 0, st.cut))
        if c.freight_ref >= 0:
            side = st.owner[:, c.freight_ref]
            st.freight[:, d] = np.choose(side, [st.cap[s][:, c.freight_ref] for s in range(len(c.side_keys))])
        # a force cut off and out of supply for long enough breaks
        surrender_days = c.surrender_days[c.unit_side][None, :]
        breaks = active & (st.cut >= surrender_days) & (st.stock <= 0.0)
        breaks |= (st.status == POCKET) & (st.cut >= surrender_days)
        surrenders = breaks & p.surrenders[c.behaviour][None, :]
        if surrenders.any():
            men = self._surrender(surrenders)
            for r, u in zip(*np.nonzero(surrenders)):
                self.log.add(r, d, "surrender", c.unit_side[u], st.loc[r, u], u=u, value=int(men[r, u]))
        fight_on = breaks & ~p.surrenders[c.behaviour][None, :]
        st.status[fight_on & (st.status == ACTIVE)] = POCKET
        pocket = st.status == POCKET
        if pocket.any():
            st.cut = np.where(pocket, st.cut + 1, st.cut)
            exp_u = np.where(pocket, np.where(st.men < p["pocket_remnant_men"], st.men,
                                              st.men * p["destroyed_rate_per_day"]), 0.0)
            u3 = self.rnd.day("pocket", d)
            losses = cas.allocate(exp_u, st.men, u3[..., 0])
            circ = np.where(pocket, DESTROYED_C, NORMAL)
            self._apply_losses(losses, circ, u3[..., 1:])
            for r, u in zip(*np.nonzero(pocket & (st.status == DESTROYED))):
                self.log.add(r, d, "destroyed", c.unit_side[u], st.loc[r, u], u=u)
