"""Amphibious landings: sea passage with losses, the landing (lift, fog, sea state), the assault, and supply
over the beach (docs/models/amphibious.md). Stream `amphibious`. River crossings (phases.riverine) follow the
same sequence with their own lift, passage and shore factor (`Crossing`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ...codes import Circumstance, OpState, UnitStatus
from ...models import amphibious as amph
from ...models import naval as nav
from ..events import EventKind as K
from ..transitions import capture_place, lose
from .common import lognormal_noise, place_at
from .joint import assault, crew_lost, fleet_ships, op_dice, salt, start, troop_men, troops, whole_ships


@dataclass(frozen=True)
class Crossing:
    """What distinguishes a landing from a river crossing."""

    op_type: str                 # scenario operation type
    stream: str                  # dice stream
    params: str                  # parameter section (max_assault_days, throw_back_share, evacuation_loss)
    shore: str                   # shoreline factor table of that section (QJM v_r)
    verb: str                    # "land at" / "cross to"
    event: K
    speed: str                   # parameter: km a day on the way
    shore_factor: Callable
    lift: Callable               # (ctx, st, o) -> (men a day (R,), ships (R, K))
    passage: Callable            # (ctx, st, d, o, u, on) -> None: a day on the way (u: the op's dice)


def sea_lift(ctx, st, o):
    p, plan = ctx.p, ctx.plan
    ships = fleet_ships(ctx, st, o)
    return amph.lift_men_per_day(ships, plan.ship["daihatsu"], plan.ship["shohatsu"], p["amphibious.daihatsu_men"],
                                 p["amphibious.shohatsu_men"], p["amphibious.waves_per_day"]), ships


def sea_passage(ctx, st, d, o, u, on):
    """One day at sea: transports and troops lost to submarines, mines (approach day) and bombers."""
    c, p, plan = ctx.c, ctx.p, ctx.plan
    J = st.joint
    pl = o.objective
    enemy_units = (c.unit_side != o.side)[None, :] & (st.status == UnitStatus.active)
    near = (plan.dist_km[st.loc, pl] <= p["naval.sea_control_km"]) & enemy_units
    S = plan.ship_units                  # only these units hold ships; the others' rows are zeros
    sub_k = np.flatnonzero(plan.ship["submarine"])
    subs = (J.ships[:, S][:, :, sub_k] * near[:, S, None]).sum(axis=(1, 2))
    _, ships = sea_lift(ctx, st, o)
    escorts = (ships * (plan.ship["escort"] | plan.ship["warship"])).sum(axis=1)
    radius = np.array([m["radius_km"] if m and m.get("role") == "bomber" else 0.0 for m in plan.air_model])
    bombers = ((plan.dist_km[st.loc, pl] <= radius[None, :]) & enemy_units) * J.aircraft
    sorties = bombers.sum(axis=1) * p["air.serviceable"] * p["naval.anti_ship_sortie_rate"]
    approach = J.days[:, o.j] + 1 >= max(1, math.ceil(o.route_km / p["naval.convoy_km_per_day"]))
    mined = approach & (st.owner[:, pl] != o.side) & (c.theatre.port[pl] | (c.theatre.fortification[pl] > 0))
    share = nav.transit_loss_share(1.0, subs, escorts, sorties, mined, p.section("naval")) \
        * lognormal_noise(u[:, 3], p["amphibious.passage_noise_sigma"])
    share = np.where(on, np.minimum(share, p["amphibious.max_passage_loss"]), 0.0)
    exp = np.zeros(st.men.shape)
    exp[:, o.troops] = st.men[:, o.troops] * (share * p["naval.troops_lost_per_sinking"])[:, None]
    tr = plan.ship["transport"]
    before = J.ships[:, o.fleet, :].copy()
    J.ships[:, o.fleet, :] = before - whole_ships(ctx, "amphibious", d, before * share[:, None, None] * tr, before,
                                                  salt(2, o.j))
    exp[:, o.fleet] += crew_lost(ctx, before, J.ships[:, o.fleet, :])
    lost = lose(ctx, st, d, exp, Circumstance.destroyed, "amphibious", salt(1, o.j))
    J.lost_at_sea[:, o.j] += lost[:, o.troops].sum(axis=1)


LANDING = Crossing("amphibious_landing", "amphibious", "amphibious", "v_beach", "land at", K.amphibious_landing,
                   "naval.convoy_km_per_day", amph.shoreline_factor, sea_lift, sea_passage)


def step(ctx, st, d: int) -> None:
    crossings(ctx, st, d, LANDING)


def crossings(ctx, st, d: int, x: Crossing) -> None:
    """The day of every operation of type `x.op_type`: passage, landing, assault, supply."""
    c, p = ctx.c, ctx.p
    J = st.joint
    heavy = p.weather_names.index("wet_heavy_temperate")
    for o in ctx.plan.of_type(x.op_type):
        start(ctx, st, d, o)
        if not len(o.troops):
            continue          # a strike without troops (phases.riverine)
        state = J.op_state[:, o.j]
        if not ((state == OpState.running) | (state == OpState.ashore) | (state == OpState.won)).any():
            continue
        pl = o.objective
        u = op_dice(ctx, x.stream, d, o)          # landing weather, outcome, loss noise, passage noise
        tmask = troops(ctx, st, o)
        sea_days = max(1, math.ceil(o.route_km / p[x.speed]))
        at_sea = state == OpState.running
        if at_sea.any():
            x.passage(ctx, st, d, o, u, at_sea)
            # troops on passage live on the ships' stores: not cut off (the supply phase reads this)
            st.joint_fed |= at_sea[:, None] & tmask
        arrived = at_sea & (J.days[:, o.j] + 1 >= sea_days)
        fog_belt = bool(amph.in_fog_belt(c.theatre.lat[pl], c.theatre.lon[pl], p.section("amphibious")))
        go = amph.can_land(u[:, 0], fog_belt, st.weather[:, pl] == heavy, p["amphibious.fog_chance"])
        lift, ships = x.lift(ctx, st, o)
        men_total = np.maximum(troop_men(st, o, tmask), 1)
        land_now = arrived & go
        ashore = (state == OpState.ashore) | land_now
        J.days[:, o.j] = np.where(at_sea & ~land_now, J.days[:, o.j] + 1, np.where(land_now, 0, J.days[:, o.j]))
        if land_now.any():
            J.op_state[land_now, o.j] = OpState.ashore
            place_at(st, land_now, o.troops, pl)
        add = np.where(ashore & go, lift / men_total, 0.0)
        J.landed_frac[:, o.j] = np.minimum(1.0, J.landed_frac[:, o.j] + add)
        if ashore.any():
            _fight(ctx, st, d, x, o, u, tmask, ashore, land_now)
        _supply(ctx, st, o, tmask, ships)


def _fight(ctx, st, d, x, o, u, tmask, ashore, land_now):
    """The assault, on the runs where troops are ashore and the place is still the enemy's; the place taken,
    or the troops thrown back."""
    c, p = ctx.c, ctx.p
    J = st.joint
    pl = o.objective
    frac = J.landed_frac[:, o.j]
    fight = ashore & (st.owner[:, pl] != o.side)
    men_before = troop_men(st, o, tmask)
    n = nav.neutralisation(J.shell_t[:, pl], p["naval.neutral_t"])
    v = x.shore_factor(n, p.section(f"{x.params}.{x.shore}"))
    won, L_att, L_def, _ = assault(ctx, st, d, o, tmask & fight[:, None], np.where(fight, frac, 0.0), v,
                                   x.stream, call=2)
    won &= fight
    J.assault_losses[:, o.j, 0] += np.where(fight, L_att, 0.0)
    J.assault_losses[:, o.j, 1] += np.where(fight, L_def, 0.0)
    if ctx.record:
        landed = frac * men_before
        for r in np.flatnonzero(land_now):
            lost = J.lost_at_sea[r, o.j]
            ctx.log.add(r, d, x.event, o.side, pl, value=int(landed[r]),
                        args={"form": "landing", "jop": o.name, "landed": int(round(landed[r])), "verb": x.verb,
                              "v": v[r], "attackers_hit": int(round(L_att[r])), "defenders_hit": int(round(L_def[r])),
                              "lost_on_passage": int(round(lost)), "held": bool(st.owner[r, pl] == o.side),
                              "opposed": bool(st.owner[r, pl] != o.side)},
                        landed=int(landed[r]), lost_on_passage=int(lost),
                        attacker_casualties=int(round(L_att[r])), defender_casualties=int(round(L_def[r])))
    # a fortified place falls after 1 + round(3 x fortification) days won (ASSUMPTION, docs/models/amphibious.md)
    J.wins[:, o.j] += won
    need = 1 + int(round(p["amphibious.days_per_fortification"] * c.theatre.fortification[pl]))
    take = won & (frac >= 0.999) & (J.wins[:, o.j] >= need)
    J.days[:, o.j] = np.where(ashore & ~land_now, J.days[:, o.j] + 1, J.days[:, o.j])
    men_now = troop_men(st, o, tmask)
    J.peak_men[:, o.j] = np.maximum(J.peak_men[:, o.j], men_before * frac)
    pa = p.section(x.params)
    fail = fight & ~take & ((J.days[:, o.j] >= pa["max_assault_days"])
                            | (men_now * frac < pa["throw_back_share"] * J.peak_men[:, o.j]))
    if take.any():
        J.op_state[take, o.j] = OpState.won
        capture_place(ctx, st, d, take, pl, o.side)
        place_at(st, take, o.troops, pl)
        if ctx.record:
            _report_end(ctx, st, d, x, o, take, men_now, "taken", "landing_taken")
    if fail.any():
        exp = np.where(tmask & fail[:, None], st.men * pa["evacuation_loss"], 0.0)
        lose(ctx, st, d, exp, Circumstance.encircled, x.stream, salt(3, o.j))
        J.op_state[fail, o.j] = OpState.failed
        place_at(st, fail, o.troops, o.origin)
        if ctx.record:
            _report_end(ctx, st, d, x, o, fail, troop_men(st, o, tmask), "thrown back", "landing_thrown_back")


def _report_end(ctx, st, d, x, o, runs, men, outcome, form):
    """The assault is over in `runs`: what happened and the assault casualties."""
    J = st.joint
    for r in np.flatnonzero(runs):
        tot = J.assault_losses[r, o.j]
        ctx.log.add(r, d, x.event, o.side, o.objective, value=int(men[r]),
                    args={"form": form, "jop": o.name, "days": int(J.days[r, o.j]) + 1,
                          "origin": ctx.c.theatre.names[o.origin], "attackers_hit": int(round(tot[0])),
                          "defenders_hit": int(round(tot[1]))},
                    outcome=outcome, attacker_casualties=int(round(tot[0])), defender_casualties=int(round(tot[1])))


def _supply(ctx, st, o, tmask, ships):
    """Over the beach until a port is taken, then through the port (runs ashore or won, out of land supply)."""
    c, p = ctx.c, ctx.p
    J = st.joint
    state = J.op_state[:, o.j]
    pl = o.objective
    sea = ((state == OpState.ashore) | (state == OpState.won))
    sea &= ~st.reach[:, o.side, pl]
    sr = np.flatnonzero(sea)                   # only these runs are supplied by sea (row by row)
    if not len(sr):
        return
    lcc = (ships[sr] * ctx.plan.ship["daihatsu"]).sum(axis=1) / p["amphibious.daihatsu_per_carrier"]
    port = (state[sr] == OpState.won) & bool(c.theatre.port[pl])
    tonnes = amph.beach_supply_t(lcc, port, p["amphibious.beach_t_per_day"], p["amphibious.port_t_per_day"])
    T = o.troops                               # only the operation's own columns (tmask is False elsewhere)
    cell = np.ix_(sr, T)
    m = tmask[cell]
    use = np.where(st.engaged[cell], 1.0, p["quiet_consumption_share"])
    demand = (use * c.supply_t[None, T] * m).sum(axis=1)
    fill = np.minimum(1.0, tonnes / np.maximum(demand, 1e-9))
    st.stock[cell] = np.where(m, st.stock[cell] + fill[:, None] * use, st.stock[cell])
    # a force supplied over the beach is not cut off (the supply phase reads this and clears it)
    st.joint_fed[cell] |= m & (tonnes > 0)[:, None]
    st.cut[cell] = np.where(m, 0, st.cut[cell])
