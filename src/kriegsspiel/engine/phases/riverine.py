"""Riverine operations: river forces up the Amur and opposed crossings, the flotilla duel, crossing lift and
the river factor; strikes by river forces without troops (docs/models/riverine.md). Stream `riverine`."""

from __future__ import annotations

import math

import numpy as np

from ...codes import Circumstance, OpState, Posture, UnitStatus
from ...models import naval as nav
from ...models import riverine as riv
from ..events import EventKind as K
from ..transitions import lose
from .amphibious import Crossing, crossings
from .common import lognormal_noise, spread
from .joint import crew_lost, defenders, fleet_ships, op_dice, salt, shelled, whole_ships


def river_lift(ctx, st, o):
    p, plan = ctx.p, ctx.plan
    ships = fleet_ships(ctx, st, o)
    craft = (ships * plan.ship["river"]).sum(axis=1)
    tl = (ships * (plan.ship["lift_men"] * plan.ship["river_transport"])).sum(axis=-1)
    return riv.crossing_men_per_day(craft, tl, p["riverine.men_per_craft_day"], p["riverine.transport_trips_per_day"]), ships


def duel(ctx, st, d, o, u, on, call: int = 0):
    """The flotilla's day on the runs `on` (R,): the duel with the enemy's river craft on its route, then its
    guns shell the objective. Worked out row by row for those runs only (elsewhere nothing is lost or fired),
    and on the columns of the units that hold ships (plan.ship_units, the flotilla's among them) only: every
    other unit's ship rows are zeros, so it neither has nor loses any.
    `u`: the operation's dice; `call` tells apart the duels of one day (on the way, at the objective).
    Returns the t of shell fired (R,)."""
    c, p, plan = ctx.c, ctx.p, ctx.plan
    J = st.joint
    R = st.R
    rr = np.flatnonzero(on)
    if not len(rr):
        return np.zeros(R)
    cell = np.ix_(rr, plan.ship_units)
    F = np.searchsorted(plan.ship_units, o.fleet)                            # the flotilla's columns in `cell`
    enemy = (c.unit_side[plan.ship_units] != o.side)[None, :] & (st.status[cell] == UnitStatus.active) \
        & o.route_mask[st.loc[cell]]
    ships = J.ships[cell]                                                    # (r, S, K), a copy
    b_all = ships.copy()
    eships = b_all * enemy[..., None] * plan.ship["river"]
    own = ships[:, F, :] * plan.ship["river"]
    e_kg = nav.sea_power(eships.sum(axis=1), plan.ship["broadside"], plan.ship["river"])
    o_kg = nav.sea_power(own.sum(axis=1), plan.ship["broadside"], plan.ship["river"])
    lo, le = riv.duel(o_kg, e_kg, p["riverine.duel_k"])
    noise = lognormal_noise(u[rr, 3], p["riverine.duel_noise_sigma"])
    lo, le = lo * noise, le * noise
    lo, le = np.minimum(lo, p["riverine.max_duel_loss"]), np.minimum(le, p["riverine.max_duel_loss"])
    ships[:, F, :] -= whole_ships(ctx, "riverine", d, own * lo[:, None, None], ships[:, F, :], salt(20 + call, o.j), rr)
    ships -= whole_ships(ctx, "riverine", d, eships * le[:, None, None], ships, salt(30 + call, o.j), rr)
    J.ships[cell] = ships
    exp = np.zeros(st.men.shape)
    exp[cell] = crew_lost(ctx, b_all, ships)
    lose(ctx, st, d, exp, Circumstance.normal, "riverine", salt(10 + call, o.j))
    # the flotilla's guns suppress the far bank
    shell_r = nav.bombardment_t(ships[:, F, :].sum(axis=1) * plan.ship["river"], plan.ship["main_guns"],
                                plan.ship["shell_kg"], plan.ship["rof"], p["riverine.bombardment_hours"])
    J.shell_t[rr, o.objective] += shell_r
    J.flotilla[rr, o.j] = np.stack([e_kg, le, lo, shell_r], axis=1)
    shell = np.zeros(R)
    shell[rr] = shell_r
    return shell


CROSSING = Crossing("river_assault", "riverine", "riverine", "v_river", "cross to", K.river_assault,
                    "riverine.convoy_km_per_day", riv.river_factor, river_lift, duel)


def step(ctx, st, d: int) -> None:
    J = st.joint
    crossings(ctx, st, d, CROSSING)
    for o in ctx.plan.of_type("river_assault"):
        u = op_dice(ctx, "riverine", d, o)
        state = J.op_state[:, o.j]
        # at the objective the flotilla fights every day of the assault
        fighting = state == OpState.ashore
        if fighting.any():
            duel(ctx, st, d, o, u, fighting, call=1)
        if not len(o.troops):
            _strike(ctx, st, d, o, u, state)


def _strike(ctx, st, d, o, u, state):
    """A strike without troops: up the river (meeting the enemy's craft), then shell the objective."""
    p = ctx.p
    J = st.joint
    dur = o.duration or p["riverine.default_duration_days"]
    days = J.days[:, o.j]
    river_days = max(1, math.ceil(o.route_km / p["riverine.convoy_km_per_day"]))
    travel = (state == OpState.running) & (days < river_days - 1)
    if travel.any():
        duel(ctx, st, d, o, u, travel, call=2)
    strike = (state == OpState.running) & ~travel & (st.owner[:, o.objective] != o.side)
    if strike.any():
        shell = duel(ctx, st, d, o, u, strike, call=3)
        pl = o.objective
        dmask = defenders(ctx, st, 1 - o.side, pl)
        d_men = (st.men * dmask).sum(axis=1)
        cas_exp = shelled(ctx, shell, st.posture[:, pl] == Posture.fortified_defence, d_men) * strike
        exp = spread(st.men, dmask, d_men, cas_exp)
        lose(ctx, st, d, exp, Circumstance.normal, "riverine", salt(4, o.j))
        if ctx.record:
            for r in np.flatnonzero(strike):
                e_kg, le, lo, _ = J.flotilla[r, o.j]
                ctx.log.add(r, d, K.river_assault, o.side, pl, value=int(round(shell[r])),
                            args={"form": "river_strike", "jop": o.name, "shell_t": shell[r],
                                  "hit": int(round(cas_exp[r])), "flotilla": bool(e_kg > 0), "enemy_share": le,
                                  "own_share": lo},
                            shell_t=round(float(shell[r]), 1), defender_casualties=int(round(cas_exp[r])))
    J.days[:, o.j] = np.where(state == OpState.running, days + 1, days)
    over = (state == OpState.running) & ((J.days[:, o.j] >= river_days - 1 + dur)
                                         | (st.owner[:, o.objective] == o.side))
    J.op_state[over, o.j] = OpState.done
