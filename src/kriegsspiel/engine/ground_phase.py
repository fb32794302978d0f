"""Phase 4, ground: engagements wherever opposing forces meet (air superiority, strength, the QJM/NPW ratio,
outcome and losses), then the operations' advance, capture, overrun, withdrawal and the defenders' posture.
Streams `combat`, `casualties`, `rounding`, `split` (and `pocket` for an overrun). docs/models/engine.md."""

from __future__ import annotations

import numpy as np

from ..models import casualties as cas
from ..models import ground
from ..models.supply import supply_multiplier
from .helpers import DESTROYED_C, ENCIRCLED, NORMAL, ROUT, _at, _normal, _scatter, _scatter_flat
from .state import ACTIVE, DELAY, DONE, FORTIFIED, HALTED, HASTY, POCKET, PREPARED, RUNNING


class GroundPhase:
    """Mixin of `Engine` (engine.loop), whose shared `_apply_losses`, `_surrender` and `_men_by_op` it uses.
    `_capture` is also called by the joint phases (engine.joint.base)."""

    def _fighter_units(self):
        """(unit indices, combat radius km, distance table km, superiority ratio) of the fighter units, from the
        joint air plan; None when the scenario has no fighters."""
        plan = next((m.plan for m in self.joint if getattr(m, "plan", None) is not None), None)
        if plan is None:
            return None
        fu = [u for u, m in enumerate(plan.air_model) if m and m.get("role") == "fighter" and self.c.aircraft0[u] > 0]
        if not fu:
            return None
        from .joint.plan import joint_params

        ratio = joint_params()["air"]["air_superiority_ratio"]
        return (np.array(fu), np.array([plan.air_model[u]["radius_km"] for u in fu]), plan.dist_km, ratio)

    def _air_superiority(self, att_side) -> np.ndarray | float:
        """(R, P) the attacker's air superiority at each place today (CDB90 aeroa code), 0 without fighters."""
        if self._fighters is None:
            return 0.0
        from ..models.air import superiority_code

        fu, radius, dist, ratio = self._fighters
        st, c = self.st, self.c
        R, P = st.owner.shape
        aircraft = st.extra["joint"]["aircraft"][:, fu] * (st.status[:, fu] == ACTIVE)          # (R, A)
        within = dist[st.loc[:, fu]] <= radius[None, :, None]                                # (R, A, P)
        cover = np.stack([np.einsum("ra,rap->rp", aircraft * (c.unit_side[fu] == s)[None, :], within)
                          for s in range(len(c.side_keys))])                                # (S, R, P)
        rows, cols = np.arange(R)[:, None], np.arange(P)[None, :]
        att = cover[np.maximum(att_side, 0), rows, cols]
        dfn = cover[st.owner.astype(np.int64), rows, cols]
        return np.where(att_side >= 0, superiority_code(att, dfn, ratio), 0.0)

    def _unit_strength(self, flat, factors, mult):
        """(R, U) strength of every unit in the terrain and weather of its place, given as flat (run * P + place)
        indices `flat` (R, U), times `mult` (CEV, fatigue, supply). `factors` are the day's (R, P) category
        factors of every place."""
        st = self.st
        f = tuple(_at(x, flat) for x in factors[:3]) + (0.0,)
        return ground.strength_from_factors(st.men, st.guns, st.tanks, 0.0, f, self.p) * mult

    def _ground(self, d: int, wx: np.ndarray) -> None:
        c, st, p = self.c, self.st, self.p
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
        s_att = self._unit_strength(fl_att, factors, mult)
        s_def = self._unit_strength(fl_loc, factors, mult)
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
        ratio = ground.power_ratio(A, Dp, 1.0, 1.0, st.posture, terrain, wx, self._season_attack, surprise,
                                   1.0, 1.0, p, surprise_decay=decay, air_superiority=self._air_superiority(att_side))
        ratio = np.where(opposed, ratio, 0.0)
        st.threat = ratio
        z = _normal(self.rnd.day("combat", d))
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
        zc = _normal(self.rnd.day("casualties", d))
        L_att = np.where(opposed, r_att * decline * A_men * ground.loss_noise(zc[..., 0], p), 0.0)
        L_def = np.where(opposed, r_def * decline * D_men * ground.loss_noise(zc[..., 1], p), 0.0)
        # spread each place's losses over its units by their men
        share_att = np.where(attacking, st.men / np.maximum(_at(A_men, fl_att), 1), 0.0)
        share_def = np.where(defending, st.men / np.maximum(_at(D_men, fl_loc), 1), 0.0)
        exp_u = share_att * _at(L_att, fl_att) + share_def * _at(L_def, fl_loc)
        opp_att, opp_loc = _at(opposed, fl_att), _at(opposed, fl_loc)
        exp_u *= np.where(attacking, opp_att, np.where(defending, opp_loc, False))
        losses = cas.allocate(exp_u, st.men, self.rnd.day("rounding", d))
        # circumstance: a defender beaten at P/P >= 3 or below the rout threshold routs; a cut-off unit is encircled
        lost_here = _at(won, fl_loc)
        circ = np.full(losses.shape, NORMAL)
        routed_u = defending & lost_here & (_at(ratio >= p["rout_ratio"], fl_loc)
                                            | (st.men < p["rout_threshold"] * c.men0[None, :]))
        circ[routed_u] = ROUT
        circ[(st.cut > 0) & (losses > 0)] = ENCIRCLED
        self._apply_losses(losses, circ, self.rnd.day("split", d))
        rate_u = np.where(st.men + losses > 0, losses / np.maximum(st.men + losses, 1), 0.0)
        st.tanks *= 1.0 - np.minimum(1.0, rate_u * p["armour_per_personnel_rate"])
        st.guns *= 1.0 - np.minimum(1.0, rate_u * p["artillery_per_personnel_rate"])
        engaged = (attacking & opp_att) | (defending & opp_loc)
        st.engaged = engaged
        st.fatigue = np.where(engaged, np.maximum(p["fatigue_floor"], st.fatigue - p["fatigue_per_day"]),
                              np.minimum(1.0, st.fatigue + p["recovery_per_day"]))
        st.combat_days = np.where(opposed, st.combat_days + 1, 0)
        for r, pl in zip(*np.nonzero(opposed)) if self.record else ():
            self.log.add(r, d, "ground_assault", att_side[r, pl], pl, value=int(round(L_att[r, pl] + L_def[r, pl])),
                         ratio=float(ratio[r, pl]), won=bool(won[r, pl]))
        self._advance(d, wx, tgt, running, contested, opposed, won, ratio)
        self._withdrawal_posture(ratio, opposed)

    def _op_mobility(self) -> np.ndarray:
        """Per operation: the slowest mobility class among its units (infantry unless all are motorised)."""
        c = self.c
        order = np.array([0, 2, 3, 1, 0])      # infantry < horse cavalry < mechanised < armoured (speed rank)
        mob = []
        for o in range(len(c.op_names)):
            ms = c.mobility[(c.unit_ops == o).any(axis=1)]
            mob.append(int(ms[np.argmin(order[ms])]) if len(ms) else 0)
        return np.array(mob, dtype=np.int64)

    def _advance(self, d, wx, tgt, running, contested, opposed, won, ratio) -> None:
        c, st, p = self.c, self.st, self.p
        R, O = tgt.shape
        if O == 0:
            return
        rows = np.arange(R)[:, None]
        valid = tgt >= 0
        t = np.where(valid, tgt, 0)
        mob = np.broadcast_to(self._op_mob[None, :], (R, O))
        terr = c.terrain_idx[t]
        wxt = wx[rows, t]
        opp = opposed[rows, t]
        own_target = st.owner[rows, t] == c.op_side[None, :]
        km_opposed = ground.advance_km(np.maximum(ratio[rows, t], 1e-9), st.posture[rows, t], mob, terr, wxt, p)
        km_march = ground.march_km(mob, terr, wxt, p)
        gain = np.where(opp, np.where(won[rows, t], km_opposed, 0.0), km_march)
        # a strong defence throws the attacker back (doctrine counter-attack ratio)
        def_side = 1 - c.op_side[None, :]
        counter = opp & (ratio[rows, t] > 0) & (1.0 / np.maximum(ratio[rows, t], 1e-9) > self.c.counter_ratio[def_side])
        gain = np.where(counter, -ground.advance_km(1.0 / np.maximum(ratio[rows, t], 1e-9), np.full_like(mob, HASTY),
                                                      np.zeros_like(mob), terr, wxt, p), gain)
        thrown_back = counter & valid & (st.op_prog > 0)
        st.op_prog = np.where(valid, np.maximum(st.op_prog + gain, 0.0), st.op_prog)
        for r, o in zip(*np.nonzero(thrown_back)) if self.record else ():
            self.log.add(r, d, "counterattack", def_side[0, o], t[r, o], op=o)
        leg = c.op_leg_km[np.arange(O)[None, :], st.op_pos]
        # defenders with no friendly neighbour to fall back on (or ordered to stand) hold the place until they
        # are destroyed or break: the attacker invests it and fights on (theatre-models.md section 9, item 7)
        trapped = opp & ~self._can_retreat()[rows, t]
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
            self._overrun(d, overrun, t)
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
            self._capture(d, cap_mask, cap_side, tgt, arrive)
        st.op_pos = np.where(arrive, st.op_pos + 1, st.op_pos)
        st.op_prog = np.where(arrive, 0.0, st.op_prog)
        # forces travel with their operation
        op_idx = np.maximum(st.unit_op, 0)
        here = c.op_route[op_idx, np.take_along_axis(st.op_pos, op_idx, 1)]
        in_op = (st.unit_op >= 0) & (np.take_along_axis(st.op_state, op_idx, 1) == RUNNING) & (st.status == ACTIVE)
        st.loc = np.where(in_op, here, st.loc)
        # objective reached, or too weak to go on
        done = running & (st.op_pos >= c.op_route_len[None, :] - 1)
        men_op = self._men_by_op()
        halt = running & ~done & (men_op < c.op_halt_strength[None, :] * st.op_men0)
        halt |= running & ~done & opp & (ratio[rows, t] < c.op_halt_ratio[None, :])
        for r, o in zip(*np.nonzero(done)):
            self.log.add(r, d, "objective_reached", c.op_side[o], c.op_route[o, st.op_pos[r, o]], op=o)
        for r, o in zip(*np.nonzero(halt)):
            self.log.add(r, d, "offensive_halted", c.op_side[o], c.op_route[o, st.op_pos[r, o]], op=o,
                         value=int(men_op[r, o]))
        st.op_state[done] = DONE
        st.op_state[halt] = HALTED

    def _overrun(self, d, overrun, t) -> None:
        """Trapped defenders beaten at a ratio of `rout_ratio` or more are overrun: a side that surrenders
        (casualties.yaml `surrenders`) is captured whole, one that does not is destroyed (`destroyed` split)."""
        c, st, p = self.c, self.st, self.p
        R, P = st.owner.shape
        place = np.zeros((R, P), bool)
        place[np.nonzero(overrun)[0], t[overrun]] = True
        at = place[np.arange(R)[:, None], st.loc] & (st.status == ACTIVE) & (st.eta == 0) \
            & (c.unit_side[None, :] == np.take_along_axis(st.owner, st.loc, 1))
        give_up = at & p.surrenders[c.behaviour][None, :]
        self._surrender(give_up)
        fight = at & ~give_up
        if fight.any():
            u3 = self.rnd.day("pocket", d)
            self._apply_losses(np.where(fight, st.men, 0), DESTROYED_C, u3[..., 1:])
        for r, u in zip(*np.nonzero(at)) if self.record else ():
            self.log.add(r, d, "surrender" if give_up[r, u] else "destroyed", c.unit_side[u], st.loc[r, u], u=u,
                         value=int(st.missing[r, u] if give_up[r, u] else 0))

    def _can_retreat(self) -> np.ndarray:
        """(R, P): the place's owner holds a land neighbour its defenders can fall back on (not a stand place)."""
        c, st = self.c, self.st
        nb = c.neighbours
        ok = (nb >= 0)[None] & (st.owner[:, np.maximum(nb, 0)] == st.owner[:, :, None])
        return ok.any(axis=2) & ~np.take_along_axis(c.stand, st.owner.astype(np.int64), 0)

    def _capture(self, d, cap_mask, cap_side, tgt, arrive) -> None:
        """Places change hands; their defenders fall back to the friendly neighbour farthest from the attack,
        or, with nowhere to go (or ordered to stand), are left in a pocket."""
        c, st = self.c, self.st
        R, P = st.owner.shape
        old = st.owner.copy()
        st.owner = np.where(cap_mask, cap_side, st.owner).astype(np.int8)
        st.capture_day = np.where(cap_mask & (st.capture_day < 0), d, st.capture_day)
        st.posture = np.where(cap_mask, HASTY, st.posture)
        st.held_days = np.where(cap_mask, 0, st.held_days)
        st.combat_days = np.where(cap_mask, 0, st.combat_days)
        # the withdrawal is worked out only for the runs where a place changes hands (row by row: each run's
        # result depends on its own row only)
        cr = np.flatnonzero(cap_mask.any(axis=1))
        rows = np.arange(len(cr))[:, None]
        owner_c, old_c, loc_c = st.owner[cr], old[cr], st.loc[cr]
        cap_c, side_c, tgt_c, pos_c = cap_mask[cr], cap_side[cr], tgt[cr], st.op_pos[cr]
        nb = c.neighbours                                                    # (P, K)
        nbc = np.maximum(nb, 0)
        # the friendly neighbour farthest (by land) from the places the attacks came from
        stand = c.stand[old_c.astype(np.int64), np.arange(P)[None, :]]                    # (r, P) held to the last
        cand_ok = (nb >= 0)[None] & (owner_c[:, nbc] == old_c[:, :, None]) & ~stand[:, :, None]   # (r, P, K)
        far = np.full(cand_ok.shape, np.inf)
        for o in range(tgt_c.shape[1]):
            t = tgt_c[:, o]
            hit = np.flatnonzero(t >= 0)
            if len(hit):
                front = c.op_route[o, pos_c[hit, o]]
                far[hit, t[hit]] = np.minimum(far[hit, t[hit]], c.land_km[front[:, None], nbc[t[hit]]])
        far = np.where(np.isinf(far), 0.0, far)
        pick = np.where(cand_ok, far, -np.inf).argmax(axis=2)
        back_c = nbc[np.arange(P)[None, :], pick]                                          # (r, P)
        can_c = cand_ok.any(axis=2)
        at_c = cap_c[rows, loc_c] & (st.status[cr] == ACTIVE) & (st.eta[cr] == 0) \
            & (c.unit_side[None, :] != side_c[rows, loc_c])
        back = np.zeros_like(st.loc, shape=(R, P))
        back[cr] = back_c
        can_retreat = np.zeros((R, P), bool)
        can_retreat[cr] = can_c
        at_lost = np.zeros(st.loc.shape, bool)
        at_lost[cr] = at_c
        retreat = np.zeros(st.loc.shape, bool)
        retreat[cr] = at_c & can_c[rows, loc_c]
        pocket = at_lost & ~retreat
        dest = np.zeros_like(st.loc)
        dest[cr] = back_c[rows, loc_c]
        if self.record:
            for r, pl in zip(*np.nonzero(cap_mask)):
                self.log.add(r, d, "capture", int(cap_side[r, pl]), pl, value=int(old[r, pl]))
                here = at_lost[r] & (st.loc[r] == pl)
                if here.any():
                    if can_retreat[r, pl]:
                        self.log.add(r, d, "withdrawal", int(old[r, pl]), back[r, pl], value=int(st.men[r, here].sum()))
                    else:
                        self.log.add(r, d, "encircled", int(old[r, pl]), pl, value=int(st.men[r, here].sum()))
        if retreat.any():
            rr, uu = np.nonzero(retreat)
            receiving = np.zeros_like(cap_mask)
            receiving[rr, dest[rr, uu]] = True
            st.posture = np.where(receiving & (st.posture != FORTIFIED), HASTY, st.posture)
            st.loc = np.where(retreat, dest, st.loc)
        if pocket.any():
            st.status[pocket] = POCKET
            st.cut = np.where(pocket, np.maximum(st.cut, 1), st.cut)
        # connectivity and tonnage are recomputed once a day, in the supply phase, for the runs whose map changed

    def _withdrawal_posture(self, ratio, opposed) -> None:
        """Doctrine: give ground in a delaying posture before encirclement, except where ordered to stand."""
        c, st = self.c, self.st
        def_side = st.owner
        holds = c.hold_fortified[def_side] & (st.posture == FORTIFIED)
        stand = c.stand[def_side.astype(np.int64), np.arange(def_side.shape[1])[None, :]]
        delay = opposed & (ratio >= c.withdraw_ratio[def_side]) & ~stand & ~holds
        st.posture = np.where(delay, DELAY, st.posture)
        st.held_days += 1
        # NPW: a hasty defence becomes prepared after 5 days in position (half depth, F02 QJMWargame.md)
        st.posture = np.where((st.posture == HASTY) & (st.held_days >= 5), PREPARED, st.posture)
