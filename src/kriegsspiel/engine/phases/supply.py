"""Supply: connectivity to the sources, rail tonnage, road distance, consumption and stock; forces cut off long
enough, or cut off and broken, break: they surrender, or fight on in a pocket and are worn down (stream
`pocket`). docs/models/supply.md.

Sources are a side's supply bases (`supply_source` places it holds) and, for a side supplied by sea
(`sea_supply`), every port it holds, captured ones included. A base invested -- standing alone, cut off from most
of the bases it was joined to at the start -- lives on its own depots: after `isolated_source_days` it is no longer a
source (supply.yaml), and its garrison is cut off like any other (`isolation`). A place in supply (joined to a source through
friendly places) gets the most of: its rail tonnage (the widest rail path from the sources) and road transport
from the nearest railhead, port or base, full within `road_full_km` and none beyond `road_zero_km`
(manoeuvre.yaml; van Creveld via M33, M34).
"""

from __future__ import annotations

import numpy as np

from ...codes import Circumstance, Mobility, UnitMode, UnitStatus
from ...jit import njit
from ...models.supply import reachable, source_groups, widest_path
from ...world.paths import dijkstra
from ..events import EventKind as K
from ..transitions import lose, surrender
from .common import along, at, scatter_flat


def sources(ctx, st, rows) -> np.ndarray:
    """(r, S, P) the supply sources of each side in the runs `rows`: the bases it holds, less those invested longer
    than their depots last (`isolation`), and a sea-supplied side's ports."""
    c = ctx.c
    own = st.owner[rows]
    base = c.supply_source[None, :] & ~(st.iso_days[rows] > ctx.p["isolated_source_days"])
    out = np.stack([(own == s) & (base | (c.sea_supply[s] & c.theatre.port[None, :]))
                    for s in range(len(c.side_keys))], axis=1)
    return out


def start_source_groups(c) -> np.ndarray:
    """(S, P) the reference for a base's isolation: for a place the side held at the start, the number of the
    side's bases joined to it then through the side's places; 0 for a place it did not hold (a base taken from the
    enemy is not its own depot, and is never counted invested: a beachhead's captured port stays a source)."""
    g = source_groups(c.theatre.owner[None, :], c.supply_source, c.neighbours)[0][0]
    return np.stack([np.where(c.theatre.owner == s, g, 0) for s in range(len(c.side_keys))])


def isolation(ctx, st) -> None:
    """Count the days each base has been invested (`st.iso_days`): standing alone -- no other base among the places
    its owner holds joined to it, those places at most `isolated_max_places`, and fewer than
    `isolated_source_share` of the bases of its start reference (`Tables.source_groups0`; 0 for a base taken from
    the enemy, never invested). An army's depots in a besieged base feed its garrison for a time, not for ever:
    Warsaw and Modlin in 1939, Bardia and Tobruk in 1940-41 fell within weeks of being invested (supply.yaml
    `isolated_source_days`). A sea-supplied side's ports are fed by sea whatever this count (`sources`)."""
    c = ctx.c
    g, size = source_groups(st.owner, c.supply_source, c.neighbours)
    ref = ctx.tables.source_groups0[st.owner.astype(np.int64), np.arange(st.owner.shape[1])[None, :]]
    invested = c.supply_source[None, :] & (g == 1) & (g < ctx.p["isolated_source_share"] * ref) \
        & (size <= ctx.p["isolated_max_places"])
    st.iso_days = np.where(invested, st.iso_days + 1, 0)


def exhausted(ctx, st) -> np.ndarray:
    """(R, P) bases invested for longer than their depots last (supply.yaml `isolated_source_days`)."""
    return st.iso_days > ctx.p["isolated_source_days"]


@njit
def road_distances(src, owner, nb_ptr, nb_place, nb_edge, edge_km, out):
    """out[r, s]: land km from the side's nearest railhead, port or base (src (r, S, P)) through its places."""
    pen = np.zeros(out.shape[2])
    for r in range(out.shape[0]):
        for s in range(out.shape[1]):
            for i in range(out.shape[2]):
                out[r, s, i] = 0.0 if src[r, s, i] else np.inf
            dijkstra(out[r, s], pen, owner[r] == s, nb_ptr, nb_place, nb_edge, edge_km)


def update_network(ctx, st) -> None:
    """Recompute connectivity (`st.reach`), rail tonnage (`st.cap`) and road distance (`st.road_km`) for the runs
    whose ownership, sources or rail damage changed since the last computation (each run's result depends on its
    own row)."""
    c, p = ctx.c, ctx.p
    gone = exhausted(ctx, st)
    lost_src = (gone != st.supply_gone).any(axis=1)
    if lost_src.any():
        st.open_owner[lost_src] = -1                  # the supply-through-weak-blocks cache is stale there too
        st.supply_gone = gone
    moved = (st.owner != st.supply_owner).any(axis=1) | lost_src
    owned = np.flatnonzero(moved)
    rows = np.flatnonzero(moved | (st.rail_damage != st.supply_damage).any(axis=1))
    if not len(rows):
        return
    cap = c.rail_cap[None, :] * (1.0 - st.rail_damage[rows])
    src = sources(ctx, st, rows)
    for s in range(len(c.side_keys)):
        friendly = st.owner[rows] == s
        st.cap[rows, s] = widest_path(src[:, s], friendly, c.rail_nb, c.rail_eid, cap, p["source_cap_t_per_day"])
    if len(owned):
        src_o = sources(ctx, st, owned)
        for s in range(len(c.side_keys)):
            friendly = st.owner[owned] == s
            st.reach[owned, s] = reachable(src_o[:, s], friendly, c.neighbours)
    # road transport runs from every place the rail reaches, and from the sources themselves
    heads = (st.cap[rows] > 0) | src
    out = np.empty((len(rows), len(c.side_keys), len(c.theatre.names)))
    road_distances(heads, st.owner[rows], c.nb_ptr, c.nb_place, c.nb_edge, c.edge_km, out)
    st.road_km[rows] = out
    st.supply_owner = st.owner.copy()
    st.supply_damage = st.rail_damage.copy()


def supplied_at(st) -> np.ndarray:
    """(R, U) the place where each formation is supplied: where it stands, or, falling back along an edge, the
    place it falls back to (it left the lost place behind it; judged there, a routed column counted as cut off
    and, broken, gave up on the day it withdrew)."""
    return np.where((st.mode == UnitMode.withdraw) & (st.nxt >= 0), st.nxt, st.loc)


def _men_around(ctx, st):
    """(R, S, P) men of each side standing at each place, and at the place plus its land neighbours."""
    from .movement import present_men

    side_men = present_men(ctx, st, pockets=True)     # a pocket counts its own men (and its enemy's)
    nb = ctx.c.neighbours
    return side_men, side_men + (side_men[:, :, np.maximum(nb, 0)] * (nb >= 0)[None, None]).sum(axis=3)


def _outnumbered(ctx, st, side_men, around) -> np.ndarray:
    """(R, U): the enemy's men at the unit's place and its land neighbours are at least
    `manoeuvre.pocket_outnumbered_ratio` times its side's men there."""
    c = ctx.c
    side = c.unit_side[None, :]
    rows = np.arange(st.R)[:, None]
    own = np.maximum(side_men[rows, side, st.loc], 1.0)
    enemy = around[rows, 1 - side, st.loc]
    return enemy >= ctx.p["manoeuvre.pocket_outnumbered_ratio"] * own


def _through_weak_blocks(ctx, st, side_men, around) -> np.ndarray:
    """(R, S, P) places joined to the side's sources through its own places and through enemy places held too
    weakly to cut a line of communication (manoeuvre.yaml supply_block_ratio); st.reach where there are none."""
    c = ctx.c
    R = st.R
    out = st.reach.copy()
    nb = c.neighbours
    # only runs where a weak block stands at or next to the place of an active formation out of reach can change
    loc = supplied_at(st)
    out_u = (st.status == UnitStatus.active) & ~st.reach[np.arange(R)[:, None], c.unit_side[None, :], loc]
    for s in range(len(c.side_keys)):
        enemy_here = side_men.sum(axis=1) - side_men[:, s]
        weak = (st.owner != s) & (around[:, s] > 0) & (around[:, s] >= ctx.p["manoeuvre.supply_block_ratio"] * enemy_here)
        if not weak.any():
            continue
        near = weak | (weak[:, np.maximum(nb, 0)] & (nb >= 0)[None]).any(axis=2)
        mine = out_u & (c.unit_side == s)[None, :]
        rows = np.flatnonzero((mine & along(near, loc)).any(axis=1))
        if not len(rows):
            continue
        # recomputed only where the blocks or the map changed since the last time (row by row, so run k's result
        # does not depend on its batch)
        new = (st.open_weak[rows, s] != weak[rows]).any(axis=1) | (st.open_owner[rows, s] != st.owner[rows]).any(axis=1)
        redo = rows[new]
        if len(redo):
            src = sources(ctx, st, redo)[:, s]
            st.open_reach[redo, s] = reachable(src, (st.owner[redo] == s) | weak[redo], nb)
            st.open_weak[redo, s] = weak[redo]
            st.open_owner[redo, s] = st.owner[redo]
        out[rows, s] = st.open_reach[rows, s]
    return out


def road_share(km, p):
    """Share of full road transport reaching a place `km` from the railhead (1 within road_full_km, 0 beyond
    road_zero_km, linear between)."""
    full, zero = p["manoeuvre.road_full_km"], p["manoeuvre.road_zero_km"]
    return np.clip((zero - km) / max(zero - full, 1e-9), 0.0, 1.0)


def step(ctx, st, d: int) -> None:
    c, p = ctx.c, ctx.p
    isolation(ctx, st)
    update_network(ctx, st)
    R, P = st.owner.shape
    active = st.status == UnitStatus.active
    marching = (st.mode == UnitMode.march) | (st.mode == UnitMode.withdraw)
    motor = (c.march_mobility == Mobility.mechanised) | (c.march_mobility == Mobility.armoured)
    use = np.where(st.engaged, 1.0, np.where(marching & motor[None, :], p["manoeuvre.march_consumption_motorised"],
                                             p["quiet_consumption_share"]))
    want = use + np.maximum(c.stock0[None, :] - st.stock, 0.0) * p["restock_share_per_day"]
    demand_t = want * c.supply_t[None, :]
    in_supply = np.zeros_like(active)
    fill = np.zeros(st.stock.shape)
    fl_loc = np.arange(R)[:, None] * P + supplied_at(st)
    side_men, around = _men_around(ctx, st)
    open_reach = _through_weak_blocks(ctx, st, side_men, around)
    for s in range(len(c.side_keys)):
        mine = active & (c.unit_side[None, :] == s)
        reach = open_reach[:, s]
        reach_u = at(reach, fl_loc) & mine
        road = p["road_supply_t_per_day"] * road_share(st.road_km[:, s], p)
        cap_place = np.where(reach, np.maximum(st.cap[:, s], road), 0.0)
        demand_place = scatter_flat(R * P, fl_loc, demand_t, reach_u).reshape(R, P)
        f = np.minimum(1.0, cap_place / np.maximum(demand_place, 1e-9))
        fill = np.where(reach_u, at(f, fl_loc), fill)
        in_supply |= reach_u
    st.stock = np.where(active, np.maximum(st.stock + fill * want - use, 0.0), st.stock)
    # supplied today by a landing (at sea, over a beach or a taken port) or by air (their own stock accounting)
    in_supply |= active & st.joint_fed
    st.joint_fed[:] = False
    # cut off, a formation has only what it carries: the army's depots behind it are out of reach (supply.yaml
    # carried_stock_days)
    st.stock = np.where(active & ~in_supply, np.minimum(st.stock, p["carried_stock_days"]), st.stock)
    st.cut = np.where(active & ~in_supply, st.cut + 1, np.where(active, 0, st.cut))
    # a pocket whose place its side's supply reaches again is relieved: it is a formation again, not yet
    # rested (still broken if it was)
    rows = np.arange(R)[:, None]
    relieved = (st.status == UnitStatus.pocket) & st.reach[rows, c.unit_side[None, :], st.loc] & (st.nxt < 0)
    if relieved.any():
        st.status[relieved] = UnitStatus.active
        st.cut[relieved] = 0
    if c.freight_ref >= 0:
        side = st.owner[:, c.freight_ref]
        st.freight[:, d] = np.choose(side, [st.cap[:, s, c.freight_ref] for s in range(len(c.side_keys))])
    # a force cut off and out of supply for long enough breaks; cut off and broken, it gives up at once
    surrender_days = c.doctrine_days[d].surrender_days[c.unit_side][None, :]
    cut_off = (st.cut > 0) & ((st.status == UnitStatus.active) | (st.status == UnitStatus.pocket))
    # out of supply long enough, a pocket gives up only when the enemy around it outnumbers it (manoeuvre.yaml
    # pocket_outnumbered_ratio): a strong force cut off by a raid behind it does not surrender to nobody
    hopeless = _outnumbered(ctx, st, side_men, around)
    breaks = active & (st.cut >= surrender_days) & (st.stock <= 0.0) & hopeless
    breaks |= (st.status == UnitStatus.pocket) & (st.cut >= surrender_days) & hopeless
    breaks |= cut_off & st.broken
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
