"""Movement: each formation marches along the land network by its own speed, the edge's road class, terrain and
weather; operations choose their route each day; contact happens only where opposing forces meet
(docs/models/manoeuvre.md).

1. Routes. For every running ground operation, the days from every place to its current objective: a reverse
   Dijkstra over the land edges (time = km / the infantry march rate of the edge's class and terrain) where
   going through a place held by enemy troops costs `strongpoint_days` x (1 + 2 x fortification) x (its
   defenders / the operation's men, at most 2) more. So a
   route goes round a strongpoint when the detour is shorter, and a bypassed strongpoint is left behind, cut off
   (supply) and reduced by follow-on forces or hunger. Recomputed for a run only when its map changed.
2. March. A formation in a running operation at a place (a broken one waits where it is until it rallies) steps
   to the neighbour that minimises edge time + the rest of the route; a formation outside an operation with a goal
   (a reserve, a withdrawal) steps toward it through its own side's places only (it does not raid the enemy's
   rear). It covers the day's km — march rate x weather (h_m) x supply (`unsupplied_march_factor` below
   `move_stock_days`) — crossing as many places as the km allow. On the start line (an edge between the two sides'
   places both held at the start) an attacker starts `start_line_gap_km` short of the enemy's place
   (`front_skip_km`). Road capacity is a daily budget of men who may start along each edge (x
   `open_ground_capacity_factor` off the roads on open ground): a column longer than that waits its turn at the
   place (the first formation of the day always goes). Arriving at an enemy place without enemy troops takes it
   (a withdrawal or a reserve's move whose destination the enemy took meanwhile turns back instead);
   arriving at one with enemy troops stops at the end of the edge, in contact: the ground phase fights there.
Draws no dice.
"""

from __future__ import annotations

import numpy as np

from ...codes import Mobility, OpState, UnitStatus
from ...jit import njit
from ...world.paths import dijkstra
from ..events import EventKind as K
from .common import men_by_op, scatter_flat

ROUTE_CLASSES = ("road_good", "road_mediocre", "road_poor", "track", "cross_country")
MARCH_MOBILITIES = ("infantry", "mechanised", "armoured", "horse_cavalry")
MAX_HOPS = 4          # places a formation may cross in one day


def march_table(p) -> np.ndarray:
    """(5 mobilities, 5 route classes) km/day (manoeuvre.yaml `march_km_per_day`; static units 0)."""
    t = np.zeros((len(Mobility), len(ROUTE_CLASSES)))
    for m in MARCH_MOBILITIES:
        t[Mobility[m]] = [p[f"manoeuvre.march_km_per_day.{m}.{k}"] for k in ROUTE_CLASSES]
    return t


def march_order(c, p) -> np.ndarray:
    """(U,) the order in which formations claim road capacity each day: the fastest first (by their mobility's
    road march rate), the scenario's order among equals. When a road is full the slow columns wait, not the
    mobile ones behind them: the exploiting tank and mechanised formations were given their own routes and
    priority on the roads (the tank armies of 1943-45 passed through the rifle armies' sectors on routes kept
    for them; Radzievsky, Tankovyi udar, 1977 [recalled]). ASSUMPTION in its form: a strict priority by speed."""
    speed = march_table(p)[:, 0][c.march_mobility]           # road_good, km/day
    return np.argsort(-speed, kind="stable").astype(np.int64)


def edge_march_km(c, p, table) -> np.ndarray:
    """(5 mobilities, E) km/day on each edge in good weather: the route class's rate, x the terrain's mobility r_m
    only off any route (cross-country): a road or track sets the pace along it (manoeuvre.yaml)."""
    terrain_mob = p.terrain[c.edge_terrain, 0]
    cross = c.edge_class == ROUTE_CLASSES.index("cross_country")
    out = table[:, c.edge_class] * np.where(cross, terrain_mob, 1.0)[None, :]
    # bare open ground (steppe, hard desert): vehicles leave the road or track and drive abreast at the open-ground
    # rate (manoeuvre.yaml open_ground_march_km, open_ground_min_mobility), x r_m
    bare = terrain_mob >= p["manoeuvre.open_ground_min_mobility"]
    for m in ("mechanised", "armoured"):
        fast = p[f"manoeuvre.open_ground_march_km.{m}"] * terrain_mob
        out[Mobility[m]] = np.where(bare, np.maximum(out[Mobility[m]], fast), out[Mobility[m]])
    return out


def front_skip_km(c, p) -> np.ndarray:
    """(E,) km of each edge an attacker starts along without marching: on the start line -- an edge between places
    of the two sides both held by troops when the campaign begins -- the armies stand in contact
    `start_line_gap_km` apart (manoeuvre.yaml), whatever the distance between the places that stand for them; an
    attacker stepping onto such an edge toward the enemy's place starts that far short of it (0 elsewhere)."""
    held = np.zeros(len(c.theatre.names), bool)
    held[c.loc0[(c.arrives == 0) & (c.men0 > 0)]] = True
    owner = c.theatre.owner
    start_line = (owner[c.edge_src] != owner[c.edge_dst]) & held[c.edge_src] & held[c.edge_dst]
    return np.where(start_line, np.maximum(c.edge_km - p["manoeuvre.start_line_gap_km"], 0.0), 0.0)


def edge_capacity(c, p, front_skip=None) -> np.ndarray:
    """(E,) men a day who may start along each edge: the route class's capacity times the edge's parallel routes
    (`Compiled.edge_routes`), times `open_ground_capacity_factor` off the roads (tracks, cross-country) on open
    ground, where columns move abreast instead of along one track (manoeuvre.yaml); unlimited on the start line
    (`front_skip` > 0), where the attackers are deployed along the front, not in a column on one road."""
    cap = np.array([p[f"manoeuvre.capacity_men_per_day.{ROUTE_CLASSES[k]}"] for k in c.edge_class], dtype=float) \
        * c.edge_routes
    open_ground = np.array([p.frontage_class.get(p.terrain_names[t], "mixed") == "open" for t in c.edge_terrain], bool)
    cap = np.where(open_ground & (c.edge_class >= 3), cap * p["manoeuvre.open_ground_capacity_factor"], cap)
    return cap if front_skip is None else np.where(front_skip > 0, np.inf, cap)


@njit
def _route_field(obj, side, own_men, owner, enemy_men, fort, strong_men, strong_days, nb_ptr, nb_place, nb_edge,
                 edge_days, out):
    """Days from every place to `obj` for `side`: going through a place held by enemy troops costs the time to
    take it (module docstring)."""
    P = out.shape[0]
    pen = np.zeros(P)
    for u in range(P):
        out[u] = np.inf
        if u != obj and owner[u] != side and enemy_men[u] >= strong_men:
            pen[u] = strong_days * (1.0 + 2.0 * fort[u]) * min(2.0, enemy_men[u] / max(own_men, 1.0))
    out[obj] = 0.0
    dijkstra(out, pen, np.ones(P, np.bool_), nb_ptr, nb_place, nb_edge, edge_days)


@njit
def route_fields(live, op_side, op_men, objective, owner, side_men, fort, strong_men, strong_days, nb_ptr, nb_place,
                 nb_edge, edge_days, out):
    """Recompute out[r, o] for the (run, operation) pairs in `live` (R, O) bool."""
    R, O = live.shape
    for r in range(R):
        for o in range(O):
            if live[r, o]:
                s = op_side[o]
                _route_field(objective[r, o], s, op_men[r, o], owner[r], side_men[r, 1 - s], fort, strong_men,
                             strong_days, nb_ptr, nb_place, nb_edge, edge_days, out[r, o])


@njit
def _edge_between(a, b, nb_ptr, nb_place, nb_edge):
    for k in range(nb_ptr[a], nb_ptr[a + 1]):
        if nb_place[k] == b:
            return nb_edge[k]
    return -1


@njit
def march(active, side, mobility, men, unit_op, op_state, route_days, goal, mode, loc, nxt, prog, stock, owner,
          op_men, side_men, wx_mob, move_stock, unsupplied, edge_km, edge_march, edge_cap, front_skip, edge_days, land_km,
          nb_ptr,
          nb_place, nb_edge, objective, fort, strong_men, strong_days, day, capture_day, taken_day, posture, held_days,
          combat_days, assault_km, order, cap_out):
    """One day's movement of every formation of every run (arrays (R, U) / (R, P) / (R, S, P)); captures of
    undefended places are written to the place arrays and listed in cap_out (rows run, place, side, unit);
    returns their number."""
    R, U = loc.shape
    E = edge_km.shape[0]
    n_cap = 0
    budget = np.zeros(E)
    for r in range(R):
        # road capacity: the men who may start along each edge today (a column longer than that waits its turn)
        for e in range(E):
            budget[e] = edge_cap[e]
        for i in range(U):
            u = order[i]
            if not active[r, u] or mobility[u] == 4 or mode[r, u] == 2 or mode[r, u] == 4:
                continue
            o = unit_op[r, u]
            in_op = o >= 0 and op_state[r, o] == 1 and mode[r, u] != 3
            if not in_op and goal[r, u] < 0 and nxt[r, u] < 0:
                continue
            s = side[u]
            factor = 1.0 if stock[r, u] >= move_stock else unsupplied
            km_left = -1.0
            for _hop in range(4):
                if nxt[r, u] < 0:
                    here = loc[r, u]
                    # choose the next place
                    best = -1
                    if in_op:
                        if here == objective[r, o] or not np.isfinite(route_days[r, o, here]):
                            break
                        bd = np.inf
                        for k in range(nb_ptr[here], nb_ptr[here + 1]):
                            v = nb_place[k]
                            pen = 0.0
                            if v != objective[r, o] and owner[r, v] != s:
                                if side_men[r, 1 - s, v] >= strong_men:
                                    pen = strong_days * (1.0 + 2.0 * fort[v]) * min(2.0, side_men[r, 1 - s, v]
                                                                                  / max(op_men[r, o], 1.0))
                                elif side_men[r, 1 - s, v] > 0:
                                    pen = 0.001      # prefer an empty place on a tie
                            dv = edge_days[nb_edge[k]] + route_days[r, o, v] + pen
                            if dv < bd:
                                bd = dv
                                best = v
                        if best < 0 or not np.isfinite(bd):
                            break
                    else:
                        g = goal[r, u]
                        if g < 0 or here == g:
                            goal[r, u] = -1
                            mode[r, u] = 0
                            break
                        bd = np.inf
                        for k in range(nb_ptr[here], nb_ptr[here + 1]):
                            v = nb_place[k]
                            if owner[r, v] != s:
                                continue             # reserves and withdrawals move through their own ground
                            dv = edge_km[nb_edge[k]] + land_km[v, g]
                            if dv < bd:
                                bd = dv
                                best = v
                        if best < 0:
                            goal[r, u] = -1
                            break
                    e = _edge_between(here, best, nb_ptr, nb_place, nb_edge)
                    if e < 0:
                        break
                    if budget[e] < edge_cap[e] and budget[e] < men[r, u]:
                        break                        # the road is full today: wait at the place
                    budget[e] -= men[r, u]
                    nxt[r, u] = best
                    prog[r, u] = 0.0
                    if owner[r, best] != s and side_men[r, 1 - s, best] > 0:
                        prog[r, u] = front_skip[e]   # the start line: the armies stand in contact
                    if mode[r, u] != 3:
                        mode[r, u] = 1
                e = _edge_between(loc[r, u], nxt[r, u], nb_ptr, nb_place, nb_edge)
                if e < 0:
                    nxt[r, u] = -1
                    break
                if km_left < 0.0:
                    km_left = edge_march[mobility[u], e] * wx_mob[r, loc[r, u]] * factor
                need = edge_km[e] - prog[r, u]
                if km_left < need:
                    prog[r, u] += km_left
                    break
                km_left -= need
                b = nxt[r, u]
                if owner[r, b] != s:
                    if side_men[r, 1 - s, b] > 0:
                        # enemy troops hold it: stop at the end of the edge, in contact
                        prog[r, u] = edge_km[e]
                        mode[r, u] = 2
                        break
                    if not in_op and owner[r, loc[r, u]] == s:
                        # a withdrawal or a reserve's move does not retake ground: the enemy has taken the place
                        # it was making for, so it turns back and stays where it set out from
                        nxt[r, u] = -1
                        prog[r, u] = 0.0
                        mode[r, u] = 0
                        goal[r, u] = -1
                        break
                    # an enemy place without troops: taken
                    owner[r, b] = s
                    if capture_day[r, b] < 0:
                        capture_day[r, b] = day
                    if taken_day[r, s, b] < 0:
                        taken_day[r, s, b] = day
                    posture[r, b] = 1
                    held_days[r, b] = 0
                    combat_days[r, b] = 0
                    assault_km[r, b] = 0.0
                    cap_out[n_cap, 0] = r
                    cap_out[n_cap, 1] = b
                    cap_out[n_cap, 2] = s
                    cap_out[n_cap, 3] = u
                    n_cap += 1
                loc[r, u] = b
                nxt[r, u] = -1
                prog[r, u] = 0.0
                side_men[r, s, b] += men[r, u]
                if mode[r, u] == 3:
                    if goal[r, u] == b or goal[r, u] < 0:
                        mode[r, u] = 0
                        goal[r, u] = -1
                        break
    return n_cap


def present_men(ctx, st, pockets: bool = False) -> np.ndarray:
    """(R, S, P) men of each side standing at each place (active, or also in a pocket with `pockets`; not on an
    edge, not on a train)."""
    c = ctx.c
    R, P = st.owner.shape
    S = len(c.side_keys)
    alive = (st.status == UnitStatus.active) | (pockets & (st.status == UnitStatus.pocket))
    here = alive & (st.nxt < 0) & (st.eta == 0)
    flat = np.arange(R)[:, None] * S * P + c.unit_side[None, :] * P + st.loc
    return scatter_flat(R * S * P, flat, st.men, here).reshape(R, S, P)


def current_objectives(c, st) -> np.ndarray:
    """(R, O) the place each operation is making for now."""
    obj = np.minimum(st.op_obj, c.op_n_objectives[None, :] - 1)
    return np.take_along_axis(np.broadcast_to(c.op_objectives[None], (st.R, *c.op_objectives.shape)),
                              obj[..., None], 2)[..., 0]


def update_routes(ctx, st, side_men, objective) -> None:
    """Recompute the route fields of running operations in the runs whose map changed (or that start)."""
    c, p, t = ctx.c, ctx.p, ctx.tables
    running = st.op_state == OpState.running
    if not running.any():
        return
    changed = (st.owner != st.route_owner).any(axis=1)
    live = running & (changed[:, None] | (objective != st.route_goal))
    if not live.any():
        return
    route_fields(live, c.op_side, men_by_op(st).astype(float), objective, st.owner, side_men, c.theatre.fortification,
                 p["manoeuvre.strongpoint_men"], p["manoeuvre.strongpoint_days"], c.nb_ptr, c.nb_place, c.nb_edge,
                 t.edge_days, st.route_days)
    st.route_owner = np.where(changed[:, None], st.owner, st.route_owner)
    st.route_goal = np.where(live, objective, st.route_goal)


def step(ctx, st, d: int) -> None:
    c, p, t = ctx.c, ctx.p, ctx.tables
    side_men = present_men(ctx, st)
    objective = current_objectives(c, st)
    update_routes(ctx, st, side_men, objective)
    # a broken formation of an operation stays where it is until it rallies (ground._breakpoints)
    active = (st.status == UnitStatus.active) & (st.eta == 0) & ~(st.broken & (st.unit_op >= 0))
    wx_mob = p.weather[st.weather, 0]
    cap_out = np.zeros((st.R * len(c.theatre.names) + 1, 4), np.int64)
    n = march(active, c.unit_side, c.march_mobility, st.men.astype(float), st.unit_op, st.op_state, st.route_days, st.goal,
              st.mode, st.loc, st.nxt, st.prog, st.stock, st.owner, men_by_op(st).astype(float), side_men, wx_mob,
              p["manoeuvre.move_stock_days"],
              p["manoeuvre.unsupplied_march_factor"], c.edge_km, t.edge_march, t.edge_capacity, t.front_skip_km,
              t.edge_days, c.land_km,
              c.nb_ptr, c.nb_place, c.nb_edge, objective, c.theatre.fortification, p["manoeuvre.strongpoint_men"],
              p["manoeuvre.strongpoint_days"], d, st.capture_day, st.taken_day, st.posture, st.held_days, st.combat_days,
              st.assault_km, t.march_order, cap_out)
    if ctx.record:
        for r, pl, s, u in cap_out[:n]:
            ctx.log.add(r, d, K.capture, s, pl, value=1 - s, u=u, args={"loser": ctx.word(1 - s)})


