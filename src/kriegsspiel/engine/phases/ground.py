"""Ground: the engagements at every place where formations in contact attack its defenders, one engagement per
place and day (models.engagement: frontage, QJM power ratio, outcome, losses, breakthrough), then the advance
into the position, the place's fall, the defenders' retreat or overrun, counter-attacks, and the operations'
objectives (docs/models/manoeuvre.md). Streams `combat` (3 per place fought over: outcome, each side's loss
noise), `casualties` (losses), `overrun`.
"""

from __future__ import annotations

import numpy as np

from ...codes import MOBILITIES, Circumstance, Mobility, OpState, Posture, UnitMode, UnitStatus
from ...jit import njit
from ...models import ground
from ...models.air import superiority_code
from ...models.engagement import engage
from ...models.supply import supply_multiplier
from ..events import EventKind as K
from ..transitions import capture, lose, overrun
from .common import along, men_by_op, normal, scatter_flat
from .common import at as _at
from .movement import present_men


def air_superiority(ctx, st, kr, kp, att_side) -> np.ndarray | float:
    """(n,) the attacker's air superiority today (CDB90 aeroa code) at the places attacked, runs `kr` and places
    `kp` (n,), by the side `att_side` (n,) (-1: none); 0 without fighters. Each side's cover there is its active
    fighters within their radius, summed in unit order."""
    f = ctx.fighters
    if f is None:
        return 0.0
    fu, radius, dist, ratio = f.units, f.radius_km, f.dist_km, f.ratio
    c = ctx.c
    aircraft = (st.joint.aircraft[:, fu] * (st.status[:, fu] == UnitStatus.active))[kr]          # (n, A)
    within = dist[st.loc[kr][:, fu], kp[:, None]] <= radius[None, :]                              # (n, A)
    cover = np.zeros((len(c.side_keys), len(kr)))                                                 # (S, n)
    for s in range(len(c.side_keys)):
        mine = aircraft * (c.unit_side[fu] == s)[None, :]
        for a in range(len(fu)):
            cover[s] += mine[:, a] * within[:, a]
    att = cover[np.maximum(att_side, 0), np.arange(len(kr))]
    dfn = cover[st.owner[kr, kp].astype(np.int64), np.arange(len(kr))]
    return np.where(att_side >= 0, superiority_code(att, dfn, ratio), 0.0)


def unit_strength(ctx, st, units, flat, wx_flat_terrain):
    """(n,) QJM strength of the formations `units` (n,: flat run * U + unit indices) in the terrain and weather
    of the places `flat` (n,: run * P + place), times CEV, fatigue and the supply multiplier."""
    c, p = ctx.c, ctx.p
    terrain, weather = wx_flat_terrain
    tw = _at(terrain * len(p.weather_names) + weather, flat)            # row of the terrain x weather table
    cat = ctx.tables.category
    f = (cat[:, 0].take(tw), cat[:, 1].take(tw), cat[:, 2].take(tw), 0.0)
    sm = supply_multiplier(np.ravel(st.stock).take(units), p["power_floor"], p["full_days"])
    men, guns, tanks = (np.ravel(x).take(units) for x in (st.men, st.guns, st.tanks))
    return ground.strength_from_factors(men, guns, tanks, 0.0, f, p) * c.quality[units % st.men.shape[1]] \
        * np.ravel(st.fatigue).take(units) * sm


def _arrive(st, units) -> None:
    """Formations at the end of their edge enter the place there."""
    st.loc = np.where(units, st.nxt, st.loc)
    st.nxt = np.where(units, -1, st.nxt)
    st.prog = np.where(units, 0.0, st.prog)
    st.mode = np.where(units, UnitMode.idle, st.mode).astype(np.int8)


def _fall_back(st, units) -> None:
    """Formations at the end of their edge are thrown back to the place they came from."""
    st.nxt = np.where(units, -1, st.nxt)
    st.prog = np.where(units, 0.0, st.prog)
    st.mode = np.where(units, UnitMode.idle, st.mode).astype(np.int8)


def step(ctx, st, d: int) -> None:
    c, p = ctx.c, ctx.p
    R, P = st.owner.shape
    rows = np.arange(R)[:, None]
    side = c.unit_side[None, :]
    st.engaged[:] = False
    st.threat[:] = 0.0
    st.def_loss_rate[:] = 0.0
    active = (st.status == UnitStatus.active) & (st.eta == 0)
    contact = active & (st.mode == UnitMode.contact) & (st.nxt >= 0)
    tgt = np.where(contact, st.nxt, 0)
    # contacts whose place is now friendly, or empty of enemy troops: they go in (taking it if need be)
    side_men = present_men(ctx, st)
    own_t = st.owner[rows, tgt] == side
    enemy_there = side_men[rows, 1 - side, tgt] > 0
    take = contact & ~own_t & ~enemy_there
    # ... except a withdrawal or a reserve's move (no running operation): it does not retake ground the enemy has
    # passed through, but turns back to the place it set out from while that is still its side's (movement.march)
    in_op = np.zeros_like(take)
    if st.op_state.shape[1]:
        in_op = (st.unit_op >= 0) & (along(st.op_state, np.maximum(st.unit_op, 0)) == OpState.running)
    turn = take & ~in_op & (along(st.owner, st.loc) == side)
    if turn.any():
        _fall_back(st, turn)
        st.goal = np.where(turn, -1, st.goal)
        take &= ~turn
        contact &= ~turn
    if take.any():
        cap_mask = np.zeros((R, P), bool)
        cap_side = np.zeros((R, P), np.int64)
        rr, uu = np.nonzero(take)
        cap_mask[rr, tgt[rr, uu]] = True
        cap_side[rr, tgt[rr, uu]] = c.unit_side[uu]
        capture(ctx, st, d, cap_mask, cap_side, np.full((R, P), -1))
    _arrive(st, contact & (own_t | take))
    contact &= ~(own_t | take)
    combat = _fight(ctx, st, d, contact, np.where(contact, st.nxt, 0)) if contact.any() else np.zeros((R, P), bool)
    st.fatigue = np.where(st.engaged, np.maximum(p["fatigue_floor"], st.fatigue - p["fatigue_per_day"]),
                          np.minimum(1.0, st.fatigue + p["recovery_per_day"]))
    st.combat_days = np.where(combat, st.combat_days + 1, 0)
    _breakpoints(ctx, st)
    _operations(ctx, st, d)
    _posture(ctx, st, d)


def _breakpoints(ctx, st) -> None:
    """Formation breakpoints, counted over a battle (manoeuvre.yaml `breakpoint_loss_share`): a formation that has
    lost that share of its strength since its present battle began is broken: it falls back out of contact and no
    longer attacks or advances (defending, it gives way when next beaten: _fight). A battle ends after
    `battle_gap_days` without being engaged; a broken formation that has been out of combat and in supply for `recovery_days`, and keeps at
    least `rally_min_share` of its men, rallies and goes on with its operation."""
    c, p = ctx.c, ctx.p
    lost = st.killed + st.wounded + st.missing
    st.idle_days = np.where(st.engaged, 0, st.idle_days + 1)
    st.battle_lost0 = np.where(st.idle_days >= p["manoeuvre.battle_gap_days"], lost, st.battle_lost0)
    in_battle = lost - st.battle_lost0
    active = st.status == UnitStatus.active
    newly = active & ~st.broken & (in_battle > 0) \
        & (in_battle >= p["manoeuvre.breakpoint_loss_share"] * (st.men + in_battle))
    if newly.any():
        st.broken |= newly
        _fall_back(st, newly & (st.mode == UnitMode.contact))
    if st.broken.any():
        start = np.where(c.arrives == 0, c.men0, 0)[None, :] + st.reinforced
        rally = active & st.broken & (st.idle_days >= p["manoeuvre.recovery_days"]) & (st.cut == 0) \
            & (st.men >= p["manoeuvre.rally_min_share"] * start)
        st.broken &= ~rally


@njit
def _defenders(fought, owner, loc, status, eta, nxt, unit_side, active, pocket):
    """Flat (run * U + unit) indices, in row-major order, of the formations defending a place attacked today
    (`fought` (R * P,)): active or in a pocket, arrived, at a place (not on an edge) held by their side."""
    R, U = loc.shape
    P = owner.shape[1]
    out = np.empty(R * U, np.int64)
    n = 0
    for r in range(R):
        for u in range(U):
            pl = loc[r, u]
            if fought[r * P + pl] and nxt[r, u] < 0 and eta[r, u] == 0 and owner[r, pl] == unit_side[u] \
                    and (status[r, u] == active or status[r, u] == pocket):
                out[n] = r * U + u
                n += 1
    return out[:n]


def _sum_at(n: int, flat, weights) -> np.ndarray:
    """(n,) sums of `weights` (m,) by the indices `flat` (m,), added in their order (common._scatter)."""
    return scatter_flat(n, flat[None, :], np.asarray(weights)[None, :], True)


def _mask(shape, rows, cols) -> np.ndarray:
    """A bool array of `shape`, True at (rows, cols)."""
    m = np.zeros(shape, bool)
    m[rows, cols] = True
    return m


def _fight(ctx, st, d, contact, tgt) -> np.ndarray:
    """The engagements at the places attacked today by the formations in `contact` (R, U), each at its target
    place `tgt` (R, U); returns (R, P) where a fight took place. The per-formation work is done on the
    formations involved only -- the attackers (`ca`) and the defenders of the places attacked (`da`), flat
    indices in row-major order, so every sum by place adds in the order of a full-array scatter."""
    c, p, t = ctx.c, ctx.p, ctx.tables
    R, P = st.owner.shape
    U = st.men.shape[1]
    n_rp = R * P
    unit = np.ravel(st.men)      # flat views of the unit arrays at the involved formations: x(flat indices)
    ca = np.flatnonzero(contact)
    car, cau = ca // U, ca % U
    cf = car * P + np.ravel(tgt).take(ca)                                   # attackers' run * P + target place
    key_used = np.zeros(n_rp, bool)
    key_used[cf] = True
    da = _defenders(key_used, st.owner, st.loc, st.status, st.eta, st.nxt, c.unit_side, int(UnitStatus.active),
                    int(UnitStatus.pocket))
    dar, dau = da // U, da % U
    loc_a = np.ravel(st.loc).take(ca)
    df = dar * P + np.ravel(st.loc).take(da)                                # defenders' run * P + place
    men_a, men_d = unit.take(ca), unit.take(da)
    wx_terrain = (np.broadcast_to(c.terrain_idx[None, :], (R, P)), st.weather)
    s_att = unit_strength(ctx, st, ca, cf, wx_terrain)
    s_def = unit_strength(ctx, st, da, df, wx_terrain)
    A = _sum_at(n_rp, cf, s_att)
    A_men = _sum_at(n_rp, cf, men_a)
    D = _sum_at(n_rp, df, s_def)
    D_men = _sum_at(n_rp, df, men_d)
    D_men0 = _sum_at(n_rp, df, c.men0[dau])
    # the defenders' losses in their present battle so far, and the men of those already broken (_breakpoints)
    lost_d = np.ravel(st.killed).take(da) + np.ravel(st.wounded).take(da) + np.ravel(st.missing).take(da) \
        - np.ravel(st.battle_lost0).take(da)
    D_battle = _sum_at(n_rp, df, lost_d)
    broken_d = np.ravel(st.broken).take(da)
    D_broken = _sum_at(n_rp, df[broken_d], men_d[broken_d])
    keys = np.flatnonzero(key_used)
    kr, kp = keys // P, keys % P
    mobility = 1.0
    if p["manoeuvre.mobility_factor.enabled"]:
        # the QJM mobility factor from motor vehicles (men x vehicles per man of the force type) and armour
        vpm = np.array([p[f"manoeuvre.mobility_factor.vehicles_per_man.{m}"] for m in MOBILITIES])[c.mobility]
        tanks = np.ravel(st.tanks)
        mob_inputs = [_sum_at(n_rp, fl, x)[keys] for fl, i, u, men in ((cf, ca, cau, men_a), (df, da, dau, men_d))
                      for x in (men, men * vpm[u], tanks.take(i) * p["tanks_weight"])]
        mobility = ground.mobility_factor(*mob_inputs, c.terrain_idx[kp], st.weather.reshape(-1)[keys], p)
    # approach directions: distinct places the attackers of each place came from (concentric attack)
    pairs = np.unique(cf * P + loc_a)
    approaches = np.bincount(pairs // P, minlength=n_rp)[keys]
    frontage = t.frontage_km[kp] * np.minimum(1.0 + p["manoeuvre.frontage_km.per_extra_approach"] * (approaches - 1),
                                              p["manoeuvre.frontage_km.max_approach_factor"])
    # the attacking operations' surprise in their first three days (linear decay, F02) and main effort
    unit_op = np.ravel(st.unit_op).take(ca)
    in_op = unit_op >= 0
    op = np.maximum(unit_op, 0)
    age = d - st.op_day0[car, op]
    sur_u = np.where(in_op & (age < 3), c.op_surprise[op], 0)
    dec_u = np.where(in_op, np.clip(1.0 - age / 3.0, 0.0, 1.0), 0.0)
    surprise = np.zeros(n_rp, np.int64)
    np.maximum.at(surprise, cf, sur_u)
    decay = np.zeros(n_rp)
    np.maximum.at(decay, cf, dec_u)
    main = np.zeros(n_rp, bool)
    main[cf[in_op & c.op_main[op]]] = True
    # an operation's own `halt_if_ratio_below` raises the attack threshold for the places it attacks
    halt = np.zeros(n_rp)
    np.maximum.at(halt, cf[in_op], c.op_halt_ratio[op][in_op])
    insens = np.zeros(n_rp, bool)
    insens[cf[c.insensitive[cau]]] = True
    insens[df[c.insensitive[dau]]] = True
    att_side = np.full(n_rp, -1)
    att_side[cf] = c.unit_side[cau]
    air_k = air_superiority(ctx, st, kr, kp, att_side[keys])
    posture = st.posture.reshape(-1)[keys]
    terrain = c.terrain_idx[kp]
    weather = st.weather.reshape(-1)[keys]
    u = ctx.dice.draw_pairs("combat", d, kr, kp, k=3)
    # NPW: when the defender has prevailed two days running, both sides lose at the holding rate until the
    # attacker is reinforced by 20 % or more (F02 QJMWargame.md) -- where the defender is expected to prevail
    # (models.engagement)
    fail = st.fail_days.reshape(-1)[keys]
    renewed = (fail >= p["defender_prevails_days"]) & (A[keys] >= p["renewal_strength_ratio"] * st.hold_power.reshape(-1)[keys])
    holding = (fail >= p["defender_prevails_days"]) & ~renewed
    combat_days = st.combat_days.reshape(-1)[keys]
    decline = (1.0 - p["daily_decline"]) ** combat_days
    def_side = st.owner.reshape(-1)[keys].astype(np.int64)
    e = engage(A[keys], D[keys], A_men[keys], D_men[keys], p, posture=posture, terrain=terrain, weather=weather,
               z_outcome=normal(u[:, 0]), z_att=normal(u[:, 1]), z_def=normal(u[:, 2]), frontage_km=frontage,
               season=ctx.season_attack(d)[0, kp], surprise=surprise[keys], surprise_decay=decay[keys],
               air_superiority=air_k, insensitive=insens[keys], main_effort=main[keys], holding=holding,
               decline=decline, mobility=mobility, att_loss_scale=ctx.army_loss[kr, 1 - def_side],
               def_loss_scale=ctx.army_loss[kr, def_side])
    holding = e.holding
    won = e.won
    # set-piece: before a prepared or fortified place the attackers wait for their ammunition, unless they are
    # overwhelming (manoeuvre.yaml set_piece_stock_days)
    stock_k = _sum_at(n_rp, cf, np.ravel(st.stock).take(ca) * men_a)[keys] / np.maximum(A_men[keys], 1)
    deliberate = posture >= Posture.prepared_defence
    wait = deliberate & (posture <= Posture.fortified_defence) & (stock_k < p["manoeuvre.set_piece_stock_days"]) \
        & (e.force_ratio < p["manoeuvre.breakthrough_ratio"])
    # below the attack threshold (manoeuvre.yaml, or the operation's own halt_if_ratio_below) the attackers
    # stay in contact (masking) and do not go in
    fight = ~wait & (e.ratio >= np.maximum(p["manoeuvre.min_attack_ratio"], halt[keys]))
    L_att = np.where(fight, e.att_loss, 0.0)
    L_def = np.where(fight, e.def_loss, 0.0)
    won &= fight
    breakthrough = e.breakthrough & fight & ~holding
    new_fail = np.where(~fight | won | renewed, 0, np.where(holding, fail, fail + 1))
    st.hold_power.reshape(-1)[keys] = np.where((new_fail >= p["defender_prevails_days"]) & ~holding, A[keys],
                                               st.hold_power.reshape(-1)[keys])
    st.fail_days.reshape(-1)[keys] = new_fail
    st.threat.reshape(-1)[keys] = e.ratio
    st.def_loss_rate.reshape(-1)[keys] = L_def / np.maximum(D_men[keys], 1.0)
    # losses spread over each side's formations by their men (reserves rotate in); `lose` reads only the
    # positive expected losses, so the other entries stay 0
    per_att = np.zeros(n_rp)
    per_att[keys] = L_att / np.maximum(A_men[keys], 1.0)
    per_def = np.zeros(n_rp)
    per_def[keys] = L_def / np.maximum(D_men[keys], 1.0)
    exp_u = np.zeros(st.men.shape)
    exp_u[car, cau] = men_a * per_att[cf]
    exp_u[dar, dau] = men_d * per_def[df]
    won_rp = np.zeros(n_rp, bool)
    won_rp[keys] = won
    rout_rp = np.zeros(n_rp, bool)
    rout_rp[keys] = won & ((e.force_ratio >= p["rout_ratio"]) | breakthrough)
    circ = np.full(exp_u.shape, Circumstance.normal)
    routed = won_rp[df] & (rout_rp[df] | (men_d < p["rout_threshold"] * c.men0[dau]))
    circ[dar[routed], dau[routed]] = Circumstance.rout
    circ[st.cut > 0] = Circumstance.encircled
    losses = lose(ctx, st, d, exp_u, circ, "casualties")
    # equipment lost with the men; a formation without losses keeps its own (its factor would be exactly 1)
    lr, lu = np.nonzero(losses)
    lost = losses[lr, lu]
    men_l = st.men[lr, lu]
    rate_u = np.where(men_l + lost > 0, lost / np.maximum(men_l + lost, 1), 0.0)
    st.tanks[lr, lu] *= 1.0 - np.minimum(1.0, rate_u * p["armour_per_personnel_rate"])
    st.guns[lr, lu] *= 1.0 - np.minimum(1.0, rate_u * p["artillery_per_personnel_rate"])
    engaged_rp = np.zeros(n_rp, bool)
    engaged_rp[keys] = fight
    ea, ed = engaged_rp[cf], engaged_rp[df]
    st.engaged[car[ea], cau[ea]] = True
    st.engaged[dar[ed], dau[ed]] = True
    combat = np.zeros(n_rp, bool)
    combat[keys] = fight
    # the advance into the position (QJM opposed rates by the attackers' dominant force type)
    mob_a = c.mobility[cau]
    mob_str = np.stack([_sum_at(n_rp, cf[mob_a == m], s_att[mob_a == m])[keys]
                        for m in (Mobility.infantry, Mobility.mechanised, Mobility.armoured, Mobility.horse_cavalry)])
    mob = np.array([Mobility.infantry, Mobility.mechanised, Mobility.armoured, Mobility.horse_cavalry])[mob_str.argmax(0)]
    km = np.where(won, ground.advance_km(e.ratio, posture, mob, terrain, weather, p), 0.0)
    assault = st.assault_km.reshape(-1)
    assault[keys] += km
    depth = t.depth_km(kp, posture)
    # a defence past its breakpoint gives way (Helmbold's and CDB90's breakpoints, manoeuvre.yaml
    # `breakpoint_loss_share`): when the attacker prevails against defenders who have lost that share of their
    # men in this battle, today's losses included, or most of whom are already broken, the place falls without the
    # advance through its depth -- they withdraw (CDB90's "withdrew with heavy losses": the battle's losses are
    # theirs already) or, trapped, are overrun
    bp = p["manoeuvre.breakpoint_loss_share"]
    gave_way = ((D_battle[keys] + L_def >= bp * (D_men[keys] + D_battle[keys]))
                | (D_broken[keys] > 0.5 * D_men[keys])) & (D_men[keys] > 0)
    falls = won & (breakthrough | (assault[keys] >= depth) | gave_way)
    # a counter-attack throws the attackers back (doctrine counterattack_ratio of the defending side)
    counter = fight & ~e.won & (1.0 / e.force_ratio > c.doctrine_days[d].counter_ratio[def_side])
    # defenders with nowhere to go hold until broken -- past the formation breakpoint (manoeuvre.yaml), beaten at
    # the rout ratio, or broken through: then overrun
    trapped = ~_can_retreat(ctx, st, d, kr, kp)
    broken_def = (D_men[keys] - L_def < (1.0 - bp) * D_men0[keys]) | breakthrough | gave_way \
        | (e.force_ratio >= p["rout_ratio"])
    over = falls & trapped & broken_def
    hold_on = falls & trapped & ~broken_def
    assault[keys] = np.where(hold_on, np.minimum(assault[keys], depth), assault[keys])
    falls &= ~hold_on
    assault[keys] = np.where(counter, 0.0, assault[keys])
    if counter.any():
        thrown = np.zeros(n_rp, bool)
        thrown[keys[counter]] = True
        back = thrown[cf]
        _fall_back(st, _mask(st.men.shape, car[back], cau[back]))
        for r, pl in zip(kr[counter], kp[counter]) if ctx.record else ():
            ctx.log.add(r, d, K.counterattack, st.owner[r, pl], pl)
    if ctx.record:
        for i in np.flatnonzero(fight):
            ctx.log.add(kr[i], d, K.ground_assault, 1 - def_side[i], kp[i], value=int(round(L_att[i] + L_def[i])),
                        args={"won": bool(won[i]), "held": not won[i], "ratio": float(e.ratio[i])},
                        ratio=float(e.ratio[i]), won=bool(won[i]), breakthrough=bool(breakthrough[i]))
    if over.any():
        overrun(ctx, st, d, _mask((R, P), kr[over], kp[over]))
    if falls.any():
        cap_mask = _mask((R, P), kr[falls], kp[falls])
        cap_side = np.zeros((R, P), np.int64)
        cap_side[kr[falls], kp[falls]] = 1 - def_side[falls]
        origin = np.full(n_rp, -1)
        origin[cf] = loc_a
        routed = np.zeros((R, P), bool)
        # a defence beaten by an attacker with the armour advantage often cannot break contact: it is pursued with
        # the probability CDB90 gives (manoeuvre.yaml armour_pursuit_*; stream `pursuit`, item the place, salt 1)
        fi = np.flatnonzero(falls)
        t_att = _sum_at(n_rp, cf, np.ravel(st.tanks).take(ca))[keys[fi]]
        t_def = _sum_at(n_rp, df, np.ravel(st.tanks).take(da))[keys[fi]]
        adv = fi[t_att > p["manoeuvre.armour_pursuit_ratio"] * t_def + p["manoeuvre.armour_pursuit_tanks"]]
        armour = np.zeros(len(keys), bool)
        armour[adv] = ctx.dice.draw_pairs("pursuit", d, kr[adv], kp[adv], salt=1)[:, 0] \
            < p["manoeuvre.armour_pursuit_probability"]
        rk = falls & (breakthrough | (e.force_ratio >= p["rout_ratio"]) | armour)
        routed[kr[rk], kp[rk]] = True
        capture(ctx, st, d, cap_mask, cap_side, origin.reshape(R, P), routed)
        went = cap_mask.reshape(-1)[cf]
        _arrive(st, _mask(st.men.shape, car[went], cau[went]))
    return combat.reshape(R, P)


def _operations(ctx, st, d) -> None:
    """Objectives taken move an operation on to the next; the last taken ends it (its forces still on the way close
    up on it); too weak, it halts."""
    c = ctx.c
    running = st.op_state == OpState.running
    if not running.any():
        return
    R, O = running.shape
    rows = np.arange(R)[:, None]
    # an objective is reached when the side holds it and some of the operation's forces stand there (an advance
    # into friendly ground, such as the Dyle plan's, is reached by getting there)
    there = (st.unit_op >= 0) & (st.status == UnitStatus.active) & (st.nxt < 0)
    for _ in range(c.op_objectives.shape[1]):
        obj = c.op_objectives[np.arange(O)[None, :], np.minimum(st.op_obj, c.op_n_objectives[None, :] - 1)]
        at_obj = there & (st.loc == along(obj, np.maximum(st.unit_op, 0)))
        present = np.zeros((R, O), bool)
        present[np.nonzero(at_obj)[0], st.unit_op[at_obj]] = True
        taken = running & (st.owner[rows, obj] == c.op_side[None, :]) & present \
            & (st.op_obj < c.op_n_objectives[None, :])
        if not taken.any():
            break
        st.op_obj = np.where(taken, st.op_obj + 1, st.op_obj)
    _bypass(ctx, st, d, running)
    done = running & (st.op_obj >= c.op_n_objectives[None, :])
    men_op = men_by_op(st)
    halt = running & ~done & (men_op < c.op_halt_strength[None, :] * st.op_men0)
    for r, o in zip(*np.nonzero(done)):
        ctx.log.add(r, d, K.objective_reached, c.op_side[o], c.op_objectives[o, c.op_n_objectives[o] - 1], op=o)
    for r, o in zip(*np.nonzero(halt)):
        ctx.log.add(r, d, K.offensive_halted, c.op_side[o], c.op_objectives[o, min(st.op_obj[r, o], c.op_n_objectives[o] - 1)],
                    op=o, value=int(men_op[r, o]))
    st.op_state[done] = OpState.done
    st.op_state[halt] = OpState.halted
    if done.any():
        # the forces of a finished operation still on the way close up on its objective (through their own ground,
        # as a move outside an operation): the first to arrive ends the operation, not the march of the rest
        final = c.op_objectives[np.arange(O), c.op_n_objectives - 1]                  # (O,)
        o_u = np.maximum(st.unit_op, 0)
        follow = (st.unit_op >= 0) & along(done, o_u) & (st.status == UnitStatus.active) \
            & (st.goal < 0) & ((st.mode == UnitMode.idle) | (st.mode == UnitMode.march)) & (st.loc != final[o_u])
        st.goal = np.where(follow, final[o_u], st.goal)
    _retask(ctx, st, d)


def _retask(ctx, st, d) -> None:
    """Formations of a finished operation (not a halted one: it is spent), idle at a place and with no later
    operation of their own waiting, join their side's running operation whose present objective is nearest,
    within `retask_km` (manoeuvre.yaml)."""
    c, p = ctx.c, ctx.p
    reach = p["manoeuvre.retask_km"]
    running = st.op_state == OpState.running
    if reach <= 0 or not running.any():
        return
    o_u = np.maximum(st.unit_op, 0)
    over = along(st.op_state, o_u)
    over = (st.unit_op >= 0) & (over == OpState.done)
    pending = np.zeros(st.unit_op.shape, bool)
    for k in range(c.unit_ops.shape[1]):
        o = c.unit_ops[:, k]
        pending |= (o >= 0)[None, :] & (st.op_state[:, np.maximum(o, 0)] == OpState.pending)
    free = over & ~pending & (st.status == UnitStatus.active) & ~st.broken & (st.eta == 0) & (st.nxt < 0) \
        & ((st.mode == UnitMode.idle) | (st.mode == UnitMode.march)) & (st.goal < 0)
    if not free.any():
        return
    from .movement import current_objectives

    # the smallest of the side's formations at each place stays to hold it (a place taken is not left empty);
    # judged among the formations at the places where free ones stand
    S, P = len(c.side_keys), len(c.theatre.names)
    key = (np.arange(st.R)[:, None] * S + c.unit_side[None, :]) * P + st.loc
    marked = np.zeros(st.R * S * P, bool)
    marked[key[free]] = True
    there = (st.status == UnitStatus.active) & (st.eta == 0) & (st.nxt < 0) & marked[key]
    rows_at, units_at = np.nonzero(there)
    place = key[rows_at, units_at]
    order = np.lexsort((units_at, st.men[rows_at, units_at], place))       # by place, then men, then unit order
    head = np.ones(len(order), bool)
    head[1:] = place[order][1:] != place[order][:-1]
    holds = np.zeros_like(free)
    holds[rows_at[order[head]], units_at[order[head]]] = True
    rr, uu = np.nonzero(free & ~holds)
    if not len(rr):
        return
    obj = current_objectives(c, st)                                                     # (R, O)
    km = c.land_km[st.loc[rr, uu][:, None], obj[rr]]                                    # (n, O)
    ok = running[rr] & (c.op_side[None, :] == c.unit_side[uu][:, None]) & (km <= reach)
    km = np.where(ok, km, np.inf)
    best = km.argmin(axis=1)
    go = np.isfinite(km[np.arange(len(rr)), best])
    st.unit_op[rr[go], uu[go]] = best[go]
    for r, u, o in zip(rr[go], uu[go], best[go]) if ctx.record else ():
        ctx.log.add(r, d, K.retask, c.unit_side[u], obj[r, o], u=u, op=o, value=int(st.men[r, u]))


def _bypass(ctx, st, d, running) -> None:
    """An operation that has stood before an objective other than its last for its bypass days without taking it
    passes it by: it makes for the next objective (routes go round the strongpoint, movement.py) and the garrison
    is left as a pocket to the forces behind (theatre-models.md section 8.4: tank armies went round the
    fortresses and closed encirclements, rifle armies reduced them). Its formations in contact there break off."""
    c, p = ctx.c, ctx.p
    R, O = running.shape
    obj = c.op_objectives[np.arange(O)[None, :], np.minimum(st.op_obj, c.op_n_objectives[None, :] - 1)]   # (R, O)
    o_u = np.maximum(st.unit_op, 0)
    before = (st.unit_op >= 0) & (st.mode == UnitMode.contact) & (st.status == UnitStatus.active) \
        & (st.nxt == along(obj, o_u))
    held = np.zeros((R, O), bool)
    held[np.nonzero(before)[0], st.unit_op[before]] = True
    held &= running
    st.op_held_days = np.where(held, st.op_held_days + 1, 0)
    mobile = (ctx.op_mobility == Mobility.mechanised) | (ctx.op_mobility == Mobility.armoured) \
        | (ctx.op_mobility == Mobility.horse_cavalry)
    days = np.where(c.op_bypass_days >= 0, c.op_bypass_days,
                    np.where(mobile, p["manoeuvre.bypass_objective_days"], 0))                  # (O,)
    go = held & (days[None, :] > 0) & (st.op_held_days >= days[None, :]) \
        & (st.op_obj < c.op_n_objectives[None, :] - 1)
    if not go.any():
        return
    for r, o in zip(*np.nonzero(go)) if ctx.record else ():
        ctx.log.add(r, d, K.objective_bypassed, c.op_side[o], obj[r, o], op=o)
    _fall_back(st, before & along(go, o_u))
    st.op_obj = np.where(go, st.op_obj + 1, st.op_obj)
    st.op_held_days = np.where(go, 0, st.op_held_days)


def _can_retreat(ctx, st, d, kr, kp) -> np.ndarray:
    """(n,): at the places `kp` (n,) of the runs `kr` (n,), the place's owner holds a land neighbour its defenders
    can fall back on (not a stand place)."""
    c = ctx.c
    nb = c.neighbours[kp]                                                           # (n, K)
    owner = st.owner[kr, kp]
    ok = (nb >= 0) & (st.owner[kr[:, None], np.maximum(nb, 0)] == owner[:, None])
    return ok.any(axis=1) & ~c.doctrine_days[d].stand[owner.astype(np.int64), kp]


def _posture(ctx, st, d) -> None:
    """Doctrine: a hasty defence becomes prepared after 5 days in position (half depth, NPW; F02 QJMWargame.md);
    a defence under heavy pressure gives ground in a delaying posture, except where ordered to stand.
    The days in position count only while the owner's troops stand at the place: an empty place keeps only its
    works (fortified at fortification >= 0.5, prepared with any field works, hasty without), so troops who move
    into an empty place -- a covering force sent forward, a retreat to a new line -- start from those works and
    need the 5 days to prepare it (NPW; ASSUMPTION: any fortification > 0 counts as a prepared position)."""
    c = ctx.c
    def_side = st.owner.astype(np.int64)
    doc = c.doctrine_days[d]
    holds = doc.hold_fortified[def_side] & (st.posture == Posture.fortified_defence)
    stand = np.take_along_axis(doc.stand, def_side, 0)
    delay = (st.threat >= doc.withdraw_ratio[def_side]) & ~stand & ~holds
    st.posture = np.where(delay, Posture.delay, st.posture)
    manned = np.take_along_axis(present_men(ctx, st, pockets=True), def_side[:, None, :], 1)[:, 0] > 0
    fort = c.theatre.fortification
    works = np.where(fort >= 0.5, Posture.fortified_defence,
                     np.where(fort > 0, Posture.prepared_defence, Posture.hasty_defence))
    st.posture = np.where(manned, st.posture, works[None, :])
    st.held_days = np.where(manned, st.held_days + 1, 0)
    st.posture = np.where((st.posture == Posture.hasty_defence) & (st.held_days >= 5), Posture.prepared_defence,
                          st.posture)
