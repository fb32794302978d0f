"""Ground: engagements wherever opposing forces meet (air superiority, strength, the QJM/NPW ratio, outcome
and losses), then the operations' advance, capture, overrun, withdrawal and the defenders' posture.
Streams `combat`, `casualties`, `rounding`, `split` (and `pocket` for an overrun). docs/models/engine.md."""

from __future__ import annotations

import numpy as np

from ...codes import Circumstance, OpState, Posture, UnitStatus
from ...models import ground
from ...models.air import superiority_code
from ...models.supply import supply_multiplier
from ..events import EventKind as K
from ..transitions import capture, lose
from ..transitions import overrun as overrun_units
from .common import at as _at
from .common import men_by_op
from .common import normal as _normal
from .common import scatter as _scatter
from .common import scatter_flat as _scatter_flat

ACTIVE, POCKET = UnitStatus.active, UnitStatus.pocket
RUNNING, HALTED, DONE = OpState.running, OpState.halted, OpState.done
HASTY, PREPARED, FORTIFIED, DELAY = (Posture.hasty_defence, Posture.prepared_defence, Posture.fortified_defence,
                                     Posture.delay)
NORMAL, ROUT, ENCIRCLED = Circumstance.normal, Circumstance.rout, Circumstance.encircled


def air_superiority(ctx, st, att_side) -> np.ndarray | float:
    """(R, P) the attacker's air superiority at each place today (CDB90 aeroa code), 0 without fighters."""
    f = ctx.fighters
    if f is None:
        return 0.0
    fu, radius, dist, ratio = f.units, f.radius_km, f.dist_km, f.ratio
    c = ctx.c
    R, P = st.owner.shape
    aircraft = st.joint.aircraft[:, fu] * (st.status[:, fu] == ACTIVE)          # (R, A)
    within = dist[st.loc[:, fu]] <= radius[None, :, None]                                # (R, A, P)
    cover = np.stack([np.einsum("ra,rap->rp", aircraft * (c.unit_side[fu] == s)[None, :], within)
                      for s in range(len(c.side_keys))])                                # (S, R, P)
    rows, cols = np.arange(R)[:, None], np.arange(P)[None, :]
    att = cover[np.maximum(att_side, 0), rows, cols]
    dfn = cover[st.owner.astype(np.int64), rows, cols]
    return np.where(att_side >= 0, superiority_code(att, dfn, ratio), 0.0)

def unit_strength(ctx, st, flat, factors, mult):
    """(R, U) strength of every unit in the terrain and weather of its place, given as flat (run * P + place)
    indices `flat` (R, U), times `mult` (CEV, fatigue, supply). `factors` are the day's (R, P) category
    factors of every place."""
    f = tuple(_at(x, flat) for x in factors[:3]) + (0.0,)
    return ground.strength_from_factors(st.men, st.guns, st.tanks, 0.0, f, ctx.p) * mult

def step(ctx, st, d: int) -> None:
    c, p = ctx.c, ctx.p
    wx = st.weather
    R, P = st.R, len(c.theatre.names)
    rows = np.arange(R)[:, None]
    running = st.op_state == RUNNING                                   # (R, O)
    O = running.shape[1]
    nxt = np.minimum(st.op_pos + 1, c.op_route.shape[1] - 1)
    tgt = np.where(running & (st.op_pos + 1 < c.op_route_len[None, :]),
                   c.op_route[np.arange(O)[None, :], nxt], -1)         # (R, O)
    has_op = st.unit_op >= 0
    unit_tgt = np.where(has_op, np.take_along_axis(tgt, np.maximum(st.unit_op, 0), 1), -1)   # (R, U)
    attacking = (unit_tgt >= 0) & (st.status == ACTIVE)
    supply_mult = supply_multiplier(st.stock, p["power_floor"], p["full_days"])
    moving = st.eta > 0
    # flat (run * P + place) indices of each unit's place and of its target: gathers and scatters by place
    fl_loc = rows * P + st.loc
    defending = (st.status == ACTIVE) & ~moving & ~attacking \
        & (_at(st.owner, fl_loc) == c.unit_side[None, :])
    # attacker strength at its target, defender strength where it stands
    att_place = np.where(attacking, unit_tgt, 0)
    fl_att = rows * P + att_place
    factors = [np.broadcast_to(f, (R, P)) for f in ground.category_factors(c.terrain_idx[None, :], wx, p)]
    mult = c.quality[None, :] * st.fatigue * supply_mult
    s_att = unit_strength(ctx, st, fl_att, factors, mult)
    s_def = unit_strength(ctx, st, fl_loc, factors, mult)
    A = _scatter_flat(R * P, fl_att, s_att, attacking).reshape(R, P)
    Dp = _scatter_flat(R * P, fl_loc, s_def, defending).reshape(R, P)
    A_men = _scatter_flat(R * P, fl_att, st.men, attacking).reshape(R, P)
    D_men = _scatter_flat(R * P, fl_loc, st.men, defending).reshape(R, P)
    att_side = np.full((R, P), -1)
    att_side[rows, np.where(attacking, unit_tgt, 0)] = np.where(attacking, c.unit_side[None, :], -1)
    # a place is fought over when attacked by the side that does not own it
    contested = (A > 0) & (att_side >= 0) & (att_side != st.owner)
    opposed = contested & (D_men > 0)
    # surprise of each op in its first three days (linear decay, F02), strongest at the place
    age = d - st.op_day0
    surprise_op = np.where(running & (age < 3), c.op_surprise[None, :], 0)
    surprise = np.zeros((R, P), np.int64)
    decay = np.zeros((R, P))
    main = np.zeros((R, P), bool)
    valid = tgt >= 0
    at = (np.broadcast_to(rows, tgt.shape)[valid], tgt[valid])
    np.maximum.at(surprise, at, surprise_op[valid])
    np.maximum.at(decay, at, np.clip(1.0 - age / 3.0, 0.0, 1.0)[valid])
    np.logical_or.at(main, (np.broadcast_to(rows, tgt.shape)[valid], tgt[valid]),
                     np.broadcast_to(c.op_main[None, :], tgt.shape)[valid])
    insens_u = c.insensitive[None, :] & (attacking | defending)
    insens = (_scatter_flat(R * P, np.where(attacking, fl_att, fl_loc), st.men, insens_u) > 0).reshape(R, P)
    terrain = np.broadcast_to(c.terrain_idx[None, :], (R, P))
    ratio = ground.power_ratio(A, Dp, 1.0, 1.0, st.posture, terrain, wx, ctx.season_attack(d), surprise,
                               1.0, 1.0, p, surprise_decay=decay, air_superiority=air_superiority(ctx, st, att_side))
    ratio = np.where(opposed, ratio, 0.0)
    st.threat = ratio
    # dice only where a place is fought over: the outcome, then each side's loss noise (stream `combat`)
    rr, pp = np.nonzero(opposed)
    u = ctx.dice.draw_pairs("combat", d, rr, pp, k=3)
    z = np.zeros((R, P))
    zc = np.zeros((R, P, 2))
    z[rr, pp] = _normal(u[:, 0])
    zc[rr, pp] = _normal(u[:, 1:3])
    won = ground.attacker_prevails(np.maximum(ratio, 1e-9), z, p) & opposed
    # NPW campaign rule (F02 QJMWargame.md): when the defender prevails, the engagement lasts two days;
    # then both sides lose at the holding rate until the attacker is reinforced by 20 % or more
    renewed = (st.fail_days >= p["defender_prevails_days"]) & (A >= p["renewal_strength_ratio"] * st.hold_power)
    holding = opposed & (st.fail_days >= p["defender_prevails_days"]) & ~renewed
    won &= ~holding
    new_fail = np.where(~opposed | won | renewed, 0, np.where(holding, st.fail_days, st.fail_days + 1))
    st.hold_power = np.where((new_fail >= p["defender_prevails_days"]) & ~holding, A, st.hold_power)
    st.fail_days = new_fail
    decline = (1.0 - p["daily_decline"]) ** st.combat_days * np.where(holding, p["holding_mission_factor"], 1.0)
    r_att, r_def = ground.daily_rates(np.maximum(ratio, 1e-9), A_men, D_men, st.posture, terrain, wx, surprise,
                                      insens, won, p, main_effort=main, surprise_decay=decay)
    L_att = np.where(opposed, r_att * decline * A_men * ground.loss_noise(zc[..., 0], p), 0.0)
    L_def = np.where(opposed, r_def * decline * D_men * ground.loss_noise(zc[..., 1], p), 0.0)
    # spread each place's losses over its units by their men
    share_att = np.where(attacking, st.men / np.maximum(_at(A_men, fl_att), 1), 0.0)
    share_def = np.where(defending, st.men / np.maximum(_at(D_men, fl_loc), 1), 0.0)
    exp_u = share_att * _at(L_att, fl_att) + share_def * _at(L_def, fl_loc)
    opp_att, opp_loc = _at(opposed, fl_att), _at(opposed, fl_loc)
    exp_u *= np.where(attacking, opp_att, np.where(defending, opp_loc, False))
    # circumstance: a defender beaten at P/P >= 3 or below the rout threshold routs; a cut-off unit is encircled
    lost_here = _at(won, fl_loc)
    circ = np.full(exp_u.shape, NORMAL)
    routed_u = defending & lost_here & (_at(ratio >= p["rout_ratio"], fl_loc)
                                        | (st.men < p["rout_threshold"] * c.men0[None, :]))
    circ[routed_u] = ROUT
    circ[st.cut > 0] = ENCIRCLED
    losses = lose(ctx, st, d, exp_u, circ, "casualties")
    rate_u = np.where(st.men + losses > 0, losses / np.maximum(st.men + losses, 1), 0.0)
    st.tanks *= 1.0 - np.minimum(1.0, rate_u * p["armour_per_personnel_rate"])
    st.guns *= 1.0 - np.minimum(1.0, rate_u * p["artillery_per_personnel_rate"])
    engaged = (attacking & opp_att) | (defending & opp_loc)
    st.engaged = engaged
    st.fatigue = np.where(engaged, np.maximum(p["fatigue_floor"], st.fatigue - p["fatigue_per_day"]),
                          np.minimum(1.0, st.fatigue + p["recovery_per_day"]))
    st.combat_days = np.where(opposed, st.combat_days + 1, 0)
    for r, pl in zip(*np.nonzero(opposed)) if ctx.record else ():
        ctx.log.add(r, d, K.ground_assault, att_side[r, pl], pl, value=int(round(L_att[r, pl] + L_def[r, pl])),
                    args={"won": bool(won[r, pl]), "held": not won[r, pl]}, ratio=float(ratio[r, pl]), won=bool(won[r, pl]))
    _advance(ctx, st, d, wx, tgt, running, contested, opposed, won, ratio)
    _withdrawal_posture(ctx, st, ratio, opposed)

def _advance(ctx, st, d, wx, tgt, running, contested, opposed, won, ratio) -> None:
    c, p = ctx.c, ctx.p
    R, O = tgt.shape
    if O == 0:
        return
    rows = np.arange(R)[:, None]
    valid = tgt >= 0
    t = np.where(valid, tgt, 0)
    mob = np.broadcast_to(ctx.op_mobility[None, :], (R, O))
    terr = c.terrain_idx[t]
    wxt = wx[rows, t]
    opp = opposed[rows, t]
    own_target = st.owner[rows, t] == c.op_side[None, :]
    km_opposed = ground.advance_km(np.maximum(ratio[rows, t], 1e-9), st.posture[rows, t], mob, terr, wxt, p)
    km_march = ground.march_km(mob, terr, wxt, p)
    gain = np.where(opp, np.where(won[rows, t], km_opposed, 0.0), km_march)
    # a strong defence throws the attacker back (doctrine counter-attack ratio)
    def_side = 1 - c.op_side[None, :]
    counter = opp & (ratio[rows, t] > 0) & (1.0 / np.maximum(ratio[rows, t], 1e-9) > c.counter_ratio[def_side])
    gain = np.where(counter, -ground.advance_km(1.0 / np.maximum(ratio[rows, t], 1e-9), np.full_like(mob, HASTY),
                                                  np.zeros_like(mob), terr, wxt, p), gain)
    thrown_back = counter & valid & (st.op_prog > 0)
    st.op_prog = np.where(valid, np.maximum(st.op_prog + gain, 0.0), st.op_prog)
    for r, o in zip(*np.nonzero(thrown_back)) if ctx.record else ():
        ctx.log.add(r, d, K.counterattack, def_side[0, o], t[r, o], op=o)
    leg = c.op_leg_km[np.arange(O)[None, :], st.op_pos]
    # defenders with no friendly neighbour to fall back on (or ordered to stand) hold the place until they
    # are destroyed or break: the attacker invests it and fights on (theatre-models.md section 9, item 7)
    trapped = opp & ~_can_retreat(ctx, st)[rows, t]
    # ...unless beaten at a ratio that breaks a defence (rout_ratio) once they are down to less than
    # rout_threshold of their strength (the same breakpoint as a rout, casualties.yaml): then they are overrun
    overrun = valid & trapped & ~own_target & (st.op_prog >= leg) & won[rows, t] \
        & (ratio[rows, t] >= p["rout_ratio"])
    if overrun.any():
        R, P = st.owner.shape
        here = (st.status == ACTIVE) & (st.eta == 0) \
            & (c.unit_side[None, :] == np.take_along_axis(st.owner, st.loc, 1))
        men_now = _scatter(R, P, st.loc, st.men, here)
        men_start = _scatter(R, P, st.loc, np.broadcast_to(c.men0[None, :], st.men.shape), here)
        overrun &= (men_now < p["rout_threshold"] * men_start)[rows, t]
    if overrun.any():
        overrun_units(ctx, st, d, overrun, t)
        trapped &= ~overrun
    st.op_prog = np.where(valid & trapped, np.minimum(st.op_prog, leg), st.op_prog)
    arrive = valid & (st.op_prog >= leg) & (~opp | won[rows, t] | own_target) & ~(trapped & ~own_target)
    # capture the places reached; resolve each place once even if several operations arrive
    cap_mask = np.zeros_like(st.owner, dtype=bool)
    cap_side = np.zeros_like(st.owner)
    for r, o in zip(*np.nonzero(arrive & ~own_target)):
        pl = t[r, o]
        if st.owner[r, pl] != c.op_side[o]:
            cap_mask[r, pl] = True
            cap_side[r, pl] = c.op_side[o]
    if cap_mask.any():
        capture(ctx, st, d, cap_mask, cap_side, tgt)
    st.op_pos = np.where(arrive, st.op_pos + 1, st.op_pos)
    st.op_prog = np.where(arrive, 0.0, st.op_prog)
    # forces travel with their operation
    op_idx = np.maximum(st.unit_op, 0)
    here = c.op_route[op_idx, np.take_along_axis(st.op_pos, op_idx, 1)]
    in_op = (st.unit_op >= 0) & (np.take_along_axis(st.op_state, op_idx, 1) == RUNNING) & (st.status == ACTIVE)
    st.loc = np.where(in_op, here, st.loc)
    # objective reached, or too weak to go on
    done = running & (st.op_pos >= c.op_route_len[None, :] - 1)
    men_op = men_by_op(st)
    halt = running & ~done & (men_op < c.op_halt_strength[None, :] * st.op_men0)
    halt |= running & ~done & opp & (ratio[rows, t] < c.op_halt_ratio[None, :])
    for r, o in zip(*np.nonzero(done)):
        ctx.log.add(r, d, K.objective_reached, c.op_side[o], c.op_route[o, st.op_pos[r, o]], op=o)
    for r, o in zip(*np.nonzero(halt)):
        ctx.log.add(r, d, K.offensive_halted, c.op_side[o], c.op_route[o, st.op_pos[r, o]], op=o,
                    value=int(men_op[r, o]))
    st.op_state[done] = DONE
    st.op_state[halt] = HALTED

def _can_retreat(ctx, st) -> np.ndarray:
    """(R, P): the place's owner holds a land neighbour its defenders can fall back on (not a stand place)."""
    c = ctx.c
    nb = c.neighbours
    ok = (nb >= 0)[None] & (st.owner[:, np.maximum(nb, 0)] == st.owner[:, :, None])
    return ok.any(axis=2) & ~np.take_along_axis(c.stand, st.owner.astype(np.int64), 0)

def _withdrawal_posture(ctx, st, ratio, opposed) -> None:
    """Doctrine: give ground in a delaying posture before encirclement, except where ordered to stand."""
    c = ctx.c
    def_side = st.owner
    holds = c.hold_fortified[def_side] & (st.posture == FORTIFIED)
    stand = c.stand[def_side.astype(np.int64), np.arange(def_side.shape[1])[None, :]]
    delay = opposed & (ratio >= c.withdraw_ratio[def_side]) & ~stand & ~holds
    st.posture = np.where(delay, DELAY, st.posture)
    st.held_days += 1
    # NPW: a hasty defence becomes prepared after 5 days in position (half depth, F02 QJMWargame.md)
    st.posture = np.where((st.posture == HASTY) & (st.held_days >= 5), PREPARED, st.posture)
