"""Supply: connectivity to the sources, rail tonnage, consumption and stock; forces cut off long enough
break: they surrender, or fight on in a pocket and are worn down (stream `pocket`). docs/models/supply.md."""

from __future__ import annotations

import numpy as np

from ...codes import Circumstance, UnitStatus
from ...models.supply import reachable, widest_path
from ..events import EventKind as K
from ..transitions import lose, surrender
from .common import at, scatter_flat


def update_network(ctx, st) -> None:
    """Recompute connectivity (`st.reach`) and rail tonnage (`st.cap`) for the runs whose ownership or rail
    damage changed since the last computation (each run's result depends on its own row only)."""
    c, p = ctx.c, ctx.p
    # connectivity depends on ownership only; tonnage on ownership and rail damage (repaired daily)
    moved = (st.owner != st.supply_owner).any(axis=1)
    owned = np.flatnonzero(moved)
    rows = np.flatnonzero(moved | (st.rail_damage != st.supply_damage).any(axis=1))
    if not len(rows):
        return
    cap = c.rail_cap[None, :] * (1.0 - st.rail_damage[rows])
    for s in range(len(c.side_keys)):
        friendly = st.owner[rows] == s
        sources = c.supply_source[None, :] & friendly
        st.cap[s, rows] = widest_path(sources, friendly, c.rail_nb, c.rail_eid, cap, p["source_cap_t_per_day"])
        if len(owned):
            friendly = st.owner[owned] == s
            st.reach[s, owned] = reachable(c.supply_source[None, :] & friendly, friendly, c.neighbours)
    st.supply_owner = st.owner.copy()
    st.supply_damage = st.rail_damage.copy()


def step(ctx, st, d: int) -> None:
    c, p = ctx.c, ctx.p
    update_network(ctx, st)
    R, P = st.owner.shape
    active = st.status == UnitStatus.active
    use = np.where(st.engaged, 1.0, p["quiet_consumption_share"])
    want = use + np.maximum(p["initial_stock_days"] - st.stock, 0.0) * p["restock_share_per_day"]
    demand_t = want * c.supply_t[None, :]
    in_supply = np.zeros_like(active)
    fill = np.zeros(st.stock.shape)
    fl_loc = np.arange(R)[:, None] * P + st.loc
    for s in range(len(c.side_keys)):
        mine = active & (c.unit_side[None, :] == s)
        reach_u = at(st.reach[s], fl_loc) & mine
        cap_place = np.where(st.reach[s], np.maximum(st.cap[s], p["road_supply_t_per_day"]), 0.0)
        demand_place = scatter_flat(R * P, fl_loc, demand_t, reach_u).reshape(R, P)
        f = np.minimum(1.0, cap_place / np.maximum(demand_place, 1e-9))
        fill = np.where(reach_u, at(f, fl_loc), fill)
        in_supply |= reach_u
    st.stock = np.where(active, np.maximum(st.stock + fill * want - use, 0.0), st.stock)
    st.cut = np.where(active & ~in_supply, st.cut + 1, np.where(active, 0, st.cut))
    if c.freight_ref >= 0:
        side = st.owner[:, c.freight_ref]
        st.freight[:, d] = np.choose(side, [st.cap[s][:, c.freight_ref] for s in range(len(c.side_keys))])
    # a force cut off and out of supply for long enough breaks
    surrender_days = c.surrender_days[c.unit_side][None, :]
    breaks = active & (st.cut >= surrender_days) & (st.stock <= 0.0)
    breaks |= (st.status == UnitStatus.pocket) & (st.cut >= surrender_days)
    surrenders = breaks & p.surrenders[c.behaviour][None, :]
    if surrenders.any():
        men = surrender(ctx, st, surrenders)
        for r, u in zip(*np.nonzero(surrenders)):
            ctx.log.add(r, d, K.surrender, c.unit_side[u], st.loc[r, u], u=u, value=int(men[r, u]))
    fight_on = breaks & ~p.surrenders[c.behaviour][None, :]
    st.status[fight_on & (st.status == UnitStatus.active)] = UnitStatus.pocket
    pocket = st.status == UnitStatus.pocket
    if pocket.any():
        st.cut = np.where(pocket, st.cut + 1, st.cut)
        exp_u = np.where(pocket, np.where(st.men < p["pocket_remnant_men"], st.men,
                                          st.men * p["destroyed_rate_per_day"]), 0.0)
        lose(ctx, st, d, exp_u, Circumstance.destroyed, "pocket")
        for r, u in zip(*np.nonzero(pocket & (st.status == UnitStatus.destroyed))):
            ctx.log.add(r, d, K.destroyed, c.unit_side[u], st.loc[r, u], u=u)
