"""Airborne operations: mass drop on rail points with lift, transport and landing losses; seizure and
demolition; holding against counter-attack, air supply, link-up or destruction (docs/models/airborne.md).
Stream `airborne`."""

from __future__ import annotations

import numpy as np

from ...codes import Circumstance, DropState, Mobility, OpState, Posture, UnitStatus
from ...models import airborne as abm
from ...models import rail as railm
from ...models.engagement import engage
from ..events import EventKind as K
from ..transitions import capture_place, lose
from .common import lognormal_noise, normal, place_at, whole
from .joint import assault, defenders, op_dice, salt, season, start, troops, unit_strength

LANDED = 0.999      # share of the force landed at which the drop is complete (float tolerance)


def step(ctx, st, d: int) -> None:
    J = st.joint
    ops = ctx.plan.of_type("airborne_drop")
    for o in ops:
        first = start(ctx, st, d, o)
        underway = J.op_state[:, o.j] == OpState.running
        if not underway.any():
            continue
        dropping = underway & (J.landed_frac[:, o.j] < LANDED)
        if dropping.any():
            _drop(ctx, st, d, o, first, dropping)
    _fight(ctx, st, d)


def _drop(ctx, st, d, o, first, dropping):
    """Today's lift of operation o: transports lost, paratroops landed on each drop zone with their losses.
    Dice: the transport-loss noise, each drop zone's landing loss, then each unit's losses (stream `airborne`)."""
    p, plan = ctx.p, ctx.plan
    J = st.joint
    pax = np.array([m.get("paratroops", 0) if m else 0 for m in plan.air_model], dtype=float)
    crew = np.array([m.get("crew", 1) if m else 0 for m in plan.air_model], dtype=float)
    tmask = troops(ctx, st, o)
    men_total = np.maximum((st.men * tmask).sum(axis=1), 1)
    frac0 = J.landed_frac[:, o.j].copy()
    exp = np.zeros(st.men.shape)
    tr = J.aircraft[:, o.air]
    sorties = tr * p["air.serviceable"] * p["airborne.transport_sorties_per_day"] * dropping[:, None]
    # surprise on the first lift; later lifts meet alerted flak unless every drop zone is held
    drops = plan.drops_of(o)
    held = np.ones(st.R, bool)
    for z in drops:
        held &= J.drop_state[:, z.k] >= DropState.seized
    p_loss = np.where(first | held, p["airborne.transport_loss_first_day"], p["airborne.transport_loss_alerted"])
    lost = abm.transports_lost(sorties, p_loss[:, None]) \
        * lognormal_noise(op_dice(ctx, "airborne", d, o)[:, 3], p["airborne.transport_loss_noise_sigma"])[:, None]
    lost = np.minimum(whole(ctx, "airborne", d, lost, o.air, salt(6, o.j)), np.floor(tr))
    J.aircraft[:, o.air] -= lost
    J.aircraft_lost[:, o.air] += lost
    exp[:, o.air] += lost * crew[o.air]
    lift = abm.lift_men(np.maximum(sorties - lost, 0.0), pax[o.air], 1.0).sum(axis=1)
    add = np.minimum(lift / men_total, 1.0 - frac0)
    aboard_lost = (lost * pax[o.air]).sum(axis=1) * p["airborne.aboard_lost"]
    J.landed_frac[:, o.j] = np.where(dropping, frac0 + add, frac0)
    lose(ctx, st, d, exp, Circumstance.destroyed, "airborne", salt(1, o.j))
    exp = np.zeros(st.men.shape)
    away = (p["airborne.landing_loss_away.low"], p["airborne.landing_loss_away.high"])
    near = (p["airborne.landing_loss_defended.low"], p["airborne.landing_loss_defended.high"])
    for z in drops:
        dz, units = z.zone, z.units
        into = dropping & (J.drop_state[:, z.k] < DropState.linked)
        place_at(st, into, units, dz)
        defended = (st.men * defenders(ctx, st, 1 - o.side, dz)).sum(axis=1) > p["airborne.defended_men"]
        share = abm.landing_loss_share(op_dice(ctx, "airborne", d, o, k=1, call=1, sub=z.k)[:, 0], defended, away, near)
        dropped_u = st.men[:, units] * (add * into)[:, None]
        aboard_u = aboard_lost[:, None] * st.men[:, units] / men_total[:, None]
        exp[:, units] += dropped_u * share[:, None] + aboard_u
        # stock carried: a few days
        st.stock[:, units] = np.where(first[:, None], p["airborne.stock_days_dropped"], st.stock[:, units])
        if ctx.record:
            for r in np.flatnonzero(into & (dropped_u.sum(axis=1) >= 1)):
                ctx.log.add(r, d, K.airborne_drop, o.side, dz, value=int(dropped_u[r].sum()),
                            args={"jop": o.name, "dropped": int(round(dropped_u[r].sum())),
                                  "landed": int(round(dropped_u[r].sum() * (1.0 - share[r]))),
                                  "sorties": sorties[r].sum(), "transports_lost": lost[r].sum(),
                                  "loss_share": share[r], "defended": bool(defended[r])},
                            dropped=int(dropped_u[r].sum()), landing_loss_share=round(float(share[r]), 3),
                            transports_lost=round(float(lost[r].sum()), 2))
    lose(ctx, st, d, exp, Circumstance.destroyed, "airborne", salt(2, o.j))


def _fight(ctx, st, d):
    """Seize the drop zones, hold them against counter-attack, link up or be destroyed."""
    c, p = ctx.c, ctx.p
    J = st.joint
    U = len(c.unit_names)
    for z in ctx.plan.drops:
        o, dz, units, k = z.op, z.zone, z.units, z.k
        if not len(units):
            continue
        live = (J.op_state[:, o.j] == OpState.running) & (J.drop_state[:, k] < DropState.linked)
        if not live.any():
            continue
        pmask = np.zeros((st.R, U), bool)
        pmask[:, units] = True
        pmask &= (st.status == UnitStatus.active) & (st.loc == dz)
        men = (st.men * pmask).sum(axis=1)
        J.drop_men0[:, k] = np.maximum(J.drop_men0[:, k], men * J.landed_frac[:, o.j])
        linked = _link_up(ctx, st, d, z, live, men)
        _seize(ctx, st, d, z, pmask, live, men)
        # the hold: the enemy counter-attacks from the neighbouring places, once it has had time to organise
        hold = live & (J.drop_state[:, k] == DropState.seized) & (st.owner[:, dz] == o.side) & ~linked \
            & (J.seized_day[:, k] <= d - p["airborne.counter_delay_days"])
        retaken = np.zeros(st.R, bool)
        if hold.any():
            retaken = _hold(ctx, st, d, z, pmask, hold)
        _destroyed(ctx, st, d, z, pmask, live, retaken)
        _air_supply(ctx, st, z, pmask, live)


def _link_up(ctx, st, d, z, live, men):
    """(R,) runs where friendly ground forces (not of this drop) reach the paratroops holding the drop zone."""
    c = ctx.c
    J = st.joint
    o, dz = z.op, z.zone
    ds = J.drop_state[:, z.k]
    others = np.ones(len(c.unit_names), bool)
    others[z.units] = False
    others &= (c.unit_side == o.side)
    relief = ((st.loc == dz) & (st.status == UnitStatus.active) & others[None, :] & (st.men > 0)).any(axis=1)
    linked = live & (ds >= DropState.dropped) & (ds <= DropState.seized) & relief & (st.owner[:, dz] == o.side) \
        & (men > 0)
    if linked.any():
        J.drop_state[linked, z.k] = DropState.linked
        J.linkup_day = np.where(linked & (J.linkup_day < 0), d, J.linkup_day)
        if ctx.record:
            for r in np.flatnonzero(linked):
                # the paratroops at the zone: the share of the formation landed so far (as in _seize)
                there = men[r] * J.landed_frac[r, o.j]
                ctx.log.add(r, d, K.link_up, o.side, dz, value=int(there), args={"jop": o.name, "men": int(round(there))})
    return linked


def _seize(ctx, st, d, z, pmask, live, men):
    """The seizure: dropped troops assault the garrison of the drop zone."""
    J = st.joint
    o, dz, k = z.op, z.zone, z.k
    attack = live & (J.drop_state[:, k] <= DropState.dropped) & (st.owner[:, dz] != o.side) & (men > 0)
    if not attack.any():
        return
    won, _, _, _ = assault(ctx, st, d, o, pmask & attack[:, None], np.where(attack, J.landed_frac[:, o.j], 0.0),
                           np.ones(st.R), "airborne", call=2, sub=k, power_mult=ctx.p["airborne.light_factor"],
                           objective=dz)
    won &= attack
    J.drop_state[attack & ~won, k] = DropState.dropped
    if won.any():
        J.drop_state[won, k] = DropState.seized
        J.seized_day[won, k] = d
        capture_place(ctx, st, d, won, dz, o.side)
        place_at(st, won, z.units, dz)
        # the men who seize it are those landed so far (the share of the lift dropped), not the whole formation
        _demolish(ctx, st, d, won, z, (st.men * pmask).sum(axis=1) * J.landed_frac[:, o.j])


def _destroyed(ctx, st, d, z, pmask, live, retaken):
    """Destroyed: the zone retaken, too few left, or the zone lost in the ground battle."""
    J = st.joint
    o, dz, k = z.op, z.zone, z.k
    men = (st.men * pmask).sum(axis=1)
    lost_zone = live & (J.drop_state[:, k] == DropState.seized) & ((st.owner[:, dz] != o.side) | retaken)
    spent = live & (J.drop_state[:, k] <= DropState.dropped) & (J.landed_frac[:, o.j] >= LANDED) \
        & (men < ctx.p["airborne.spent_share"] * J.drop_men0[:, k])
    gone = lost_zone | spent
    if not gone.any():
        return
    exp = np.where(pmask & gone[:, None], st.men, 0.0)
    lose(ctx, st, d, exp, Circumstance.destroyed, "airborne", salt(4, o.j, k))
    J.drop_state[gone, k] = DropState.destroyed
    retake = retaken & (st.owner[:, dz] == o.side)
    capture_place(ctx, st, d, retake, dz, 1 - o.side)
    if ctx.record:
        for r in np.flatnonzero(gone):
            there = men[r] * J.landed_frac[r, o.j]     # the paratroops at the zone (as in _seize), not the formation
            ctx.log.add(r, d, K.airborne_drop, o.side, dz, value=int(there),
                        args={"form": "airborne_destroyed", "jop": o.name, "men": int(round(there))}, outcome="destroyed")


def _air_supply(ctx, st, z, pmask, live):
    """Air supply of the paratroops still dropping, fighting or holding."""
    c, p = ctx.c, ctx.p
    J = st.joint
    o = z.op
    air_fed = (J.drop_state[:, z.k] <= DropState.seized) & live
    if not air_fed.any():
        return
    tr = J.aircraft[:, o.air]
    cargo = np.array([(ctx.plan.air_model[a] or {}).get("cargo_t", 0.0) for a in o.air])
    want = np.where(st.engaged, 1.0, p["quiet_consumption_share"])
    demand = (want * c.supply_t[None, :] * pmask).sum(axis=1)
    fill = abm.air_supply_fill((tr * cargo).sum(axis=1) * p["air.serviceable"], 1.0,
                               p["airborne.air_supply_share"] / max(1, len(ctx.plan.drops_of(o))), demand)
    m = pmask & air_fed[:, None]
    st.stock = np.where(m, st.stock + fill[:, None] * want, st.stock)
    st.cut = np.where(m, 0, st.cut)
    # supplied by air: not cut off for the supply phase (which reads this and clears it)
    st.joint_fed |= m & (fill > 0)[:, None]


def _demolish(ctx, st, d, won, z, men):
    c = ctx.c
    dz = z.zone
    edges = (c.rail_src == dz) | (c.rail_dst == dz)
    if edges.any():
        st.rail_damage[:, edges] = np.where(won[:, None],
                                            railm.add_damage(st.rail_damage[:, edges], ctx.p["airborne.demolition"]),
                                            st.rail_damage[:, edges])
    if ctx.record:
        for r in np.flatnonzero(won):
            ctx.log.add(r, d, K.airborne_drop, z.op.side, dz, value=int(edges.sum()),
                        args={"form": "airborne_seized", "jop": z.op.name, "men": int(round(men[r])),
                              "demolition": bool(edges.any())},
                        outcome="seized")


def _hold(ctx, st, d, z, pmask, hold):
    """The enemy's counter-attack on the paratroops holding the zone, in the runs `hold` (R,) only (row by row)."""
    c, p = ctx.c, ctx.p
    o, dz = z.op, z.zone
    won_r = np.zeros(st.R, bool)
    hr = np.flatnonzero(hold)
    enemy = 1 - o.side
    nb = c.neighbours[dz]
    nb = nb[nb >= 0]
    static = c.mobility == Mobility.static
    loc, men, pmask = st.loc[hr], st.men[hr], pmask[hr]
    # units engaged in the ground battle and fortified-region garrisons do not turn on the paratroops
    near = np.isin(loc, nb) & (c.unit_side[None, :] == enemy) & (st.status[hr] == UnitStatus.active) \
        & (st.eta[hr] == 0) & ~st.engaged[hr] & ~static[None, :]
    near &= (c.land_km[dz][loc] <= p["airborne.counter_km"])
    if not near.any():
        return won_r
    n = len(hr)
    s = unit_strength(ctx, st, dz, hr)
    share = p["airborne.counter_share"]
    A, A_men = (s * near).sum(axis=1) * share, (men * near).sum(axis=1) * share
    D, D_men = (s * pmask).sum(axis=1), (men * pmask).sum(axis=1)
    u = op_dice(ctx, "airborne", d, o, k=3, call=3, sub=z.k)[hr]
    e = engage(A, D * p["airborne.light_factor"], A_men, D_men, p, posture=np.full(n, Posture.hasty_defence),
               terrain=np.full(n, c.terrain_idx[dz]), weather=st.weather[hr, dz], z_outcome=normal(u[:, 0]),
               z_att=normal(u[:, 1]), z_def=normal(u[:, 2]), frontage_km=ctx.tables.frontage_km[dz],
               season=season(ctx, d, dz), insensitive=(c.insensitive[None, :] & (near | pmask)).any(axis=1),
               att_loss_scale=ctx.army_loss[hr, enemy], def_loss_scale=ctx.army_loss[hr, o.side])
    act = A_men > 0
    won = e.won & act
    exp = np.zeros(st.men.shape)
    exp[hr] = np.where(near, men * share, 0.0) * np.where(act, e.att_loss / np.maximum(A_men, 1.0), 0.0)[:, None] \
        + np.where(pmask, men, 0.0) * np.where(act, e.def_loss / np.maximum(D_men, 1.0), 0.0)[:, None]
    lose(ctx, st, d, exp, Circumstance.normal, "airborne", salt(5, o.j, z.k))
    st.engaged[hr] |= (near | pmask) & act[:, None]
    won_r[hr] = won
    return won_r
