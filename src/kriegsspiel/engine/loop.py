"""The one time loop: a day is an explicit list of phases applied to the whole batch.

Phase order (docs/models/engine.md):
  1. weather         draw each climate zone's weather (stream `weather`)
  2. arrivals        reinforcements arrive; operations whose conditions hold start
  3. joint phases    naval, air, airborne, amphibious, riverine (kriegsspiel.engine.joint)
  4. ground          engagements wherever opposing forces meet; advance, capture, retreat (streams `combat`,
                     `casualties`, `rounding`, `split`)
  5. supply          connectivity to sources, rail tonnage, consumption; encircled forces break
  6. doctrine        the defender moves reserves by rail to the most threatened place
  7. record          timeline and events
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtri

from ..models import casualties as cas
from ..models import ground
from ..models.supply import reachable, supply_multiplier, widest_path
from ..params import CIRCUMSTANCES
from ..scenario.compile import NO_OP, Compiled
from .events import EventLog
from .rng import Streams
from .state import (ACTIVE, DELAY, DESTROYED, DONE, FORTIFIED, HALTED, HASTY, PENDING, POCKET, PREPARED, RUNNING,
                    SURRENDERED, WAITING, State, initial_state)

NORMAL, ROUT, ENCIRCLED, DESTROYED_C = (CIRCUMSTANCES.index(c) for c in ("normal", "rout", "encircled", "destroyed"))
SOURCE_CAP_T = 1.0e6       # a supply source itself is not the bottleneck


def _normal(u):
    return ndtri(np.clip(u.astype(np.float64), 1e-7, 1 - 1e-7))


def _scatter(R: int, P: int, idx, weights, mask):
    """Sum `weights` (R, U) into (R, P) by place index `idx` (R, U) where `mask`."""
    flat = (np.arange(R)[:, None] * P + np.where(mask, idx, 0)).ravel()
    return np.bincount(flat, weights=np.where(mask, weights, 0.0).ravel(), minlength=R * P).reshape(R, P)


def _scatter_flat(n: int, flat, weights, mask):
    """As _scatter, with the flat (run * P + place) indices `flat` (R, U) given; n = R * P. A masked-out unit adds
    0.0 to its own bin instead of bin 0 (the same sums)."""
    return np.bincount(flat.ravel(), weights=np.where(mask, weights, 0.0).ravel(), minlength=n)


def _at(x, flat):
    """x (R, P) gathered at flat (run * P + place) indices (R, U): take_along_axis(x, place, 1), faster."""
    return np.ravel(x).take(flat)


def stream_shapes(c: Compiled) -> dict[str, tuple[int, ...]]:
    D, P, U = c.n_days, len(c.theatre.names), len(c.unit_names)
    return {"weather": (D, 2), "combat": (D, P), "casualties": (D, P, 2), "rounding": (D, U), "split": (D, U, 2),
            "pocket": (D, U, 3)}


class Engine:
    """Runs a batch of campaigns of one compiled scenario."""

    def __init__(self, c: Compiled, runs, root_seed: int, record: bool = False):
        from . import joint

        self.c, self.p = c, c.params
        self.runs = np.asarray(runs, dtype=np.int64)
        self.seed = int(root_seed)
        self.record = record
        self.joint = joint.build(c)
        shapes = stream_shapes(c)
        for model in self.joint:
            shapes.update(model.stream_shapes(c))
        self.rnd = Streams(self.seed, self.runs, shapes)
        self.st = initial_state(c, self.runs)
        for model in self.joint:
            model.init_state(c, self.st)
        self.log = EventLog(enabled=record)
        self.timeline = {"men": [], "killed": [], "wounded": [], "missing": [], "owner": [], "forces": []} if record else None
        self._wx_classes = [self.p.weather_names.index(w) for w in self.p.weather_climate["classes"]]
        climate = self.p.weather_climate[c.scenario.weather_region]
        self._climate = {m: np.cumsum(np.array([climate["east"][m], climate["west"][m]]), axis=1) for m in climate["east"]}
        # season factor z_u per climate zone: summer, temperate east and steppe/desert west (qjm_tndm.yaml note)
        zone_season = np.array([self.p.season["summer_temperate"]["attack"], self.p.season["summer_desert"]["attack"]])
        self._season_attack = zone_season[c.zone][None, :]
        self._op_mob = self._op_mobility()
        self._fighters = self._fighter_units()
        self._update_supply(force=True)

    # ------------------------------------------------------------------ phases
    def run(self) -> State:
        for d in range(self.c.n_days):
            self.step(d)
        return self.st

    def step(self, d: int) -> None:
        wx = self._weather(d)
        self._arrivals(d)
        for model in self.joint:
            model.phase(self, d, wx)
        self._ground(d, wx)
        self._supply(d)
        for model in self.joint:
            model.after_supply(self, d)
        self._doctrine(d)
        self._record(d)

    def _weather(self, d: int) -> np.ndarray:
        """(R, P) weather class index of each place today."""
        u = self.rnd.day("weather", d)                                 # (R, 2)
        cum = self._climate[self.c.dates[d].month]                     # (2, 4)
        cls = (u[:, :, None] > cum[None, :, :-1]).sum(axis=2)          # (R, 2) class position 0..3
        zone_wx = np.asarray(self._wx_classes)[cls]
        return zone_wx[:, self.c.zone]

    def _arrivals(self, d: int) -> None:
        c, st = self.c, self.st
        arriving = (st.status == WAITING) & (c.arrives[None, :] <= d)
        if arriving.any():
            st.status[arriving] = ACTIVE
            add = np.where(arriving, c.men0[None, :], 0)
            st.men += add
            st.reinforced += add
            for r, u in zip(*np.nonzero(arriving)):
                self.log.add(r, d, "reinforcement", c.unit_side[u], st.loc[r, u], u=u, value=int(c.men0[u]))
        pend = st.op_state == PENDING
        if not pend.any():
            return
        ready = pend & (d >= c.op_start[None, :])
        for o, after in enumerate(c.op_after):
            if len(after):
                ready[:, o] &= (st.owner[:, after] == c.op_side[o]).all(axis=1)
        if ready.any():
            # units listed for a starting operation join it unless busy in a running one
            for o in np.flatnonzero(ready.any(axis=0)):
                listed = (c.unit_ops == o).any(axis=1)[None, :]
                cur = st.unit_op
                busy = (cur >= 0) & (np.take_along_axis(st.op_state, np.maximum(cur, 0), 1) == RUNNING)
                st.unit_op = np.where(ready[:, o:o + 1] & listed & ~busy, o, st.unit_op)
            men_op = self._men_by_op()
            st.op_men0 = np.where(ready, men_op, st.op_men0)
            st.op_day0 = np.where(ready, d, st.op_day0)
            st.op_state[ready] = RUNNING
            for r, o in zip(*np.nonzero(ready)):
                self.log.add(r, d, "offensive", c.op_side[o], c.op_route[o, 0], op=o, value=int(men_op[r, o]))

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

    def _men_by_op(self) -> np.ndarray:
        """(R, O) men present in each operation's active units."""
        st = self.st
        R, O = st.op_state.shape
        mask = (st.unit_op >= 0) & (st.status == ACTIVE)
        flat = (np.arange(R)[:, None] * O + np.where(mask, st.unit_op, 0)).ravel()
        return np.bincount(flat, weights=np.where(mask, st.men, 0).ravel(), minlength=R * O).reshape(R, O)

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

    def _apply_losses(self, losses, circ, u2) -> None:
        """Take integer `losses` (R, U) from the units, split by circumstance `circ` (R, U or scalar) with
        uniforms `u2` (R, U, 2). Only the units that lose men are touched (most days, a few columns)."""
        st, c, p = self.st, self.c, self.p
        cols = np.flatnonzero((losses != 0).any(axis=0))
        if not len(cols):
            return
        lost = losses[:, cols]
        circ = circ[:, cols] if np.ndim(circ) == 2 else circ
        shares = p.split[c.behaviour[cols][None, :], circ]                 # (R, u, 3)
        k, w, m = cas.split(lost, shares, u2[:, cols])
        st.killed[:, cols] += k
        st.wounded[:, cols] += w
        st.missing[:, cols] += m
        st.men[:, cols] -= lost
        status = st.status[:, cols]
        gone = (st.men[:, cols] <= 0) & ((status == ACTIVE) | (status == POCKET))
        status[gone] = DESTROYED
        st.status[:, cols] = status

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
        # ...unless beaten at a ratio that breaks a defence (rout_ratio): then they are overrun
        overrun = valid & trapped & ~own_target & (st.op_prog >= leg) & won[rows, t] \
            & (ratio[rows, t] >= p["rout_ratio"])
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

    def _surrender(self, mask) -> np.ndarray:
        """Units in `mask` (R, U) surrender: all their men pass to missing (captured). Returns the men (R, U)."""
        st = self.st
        men = np.where(mask, st.men, 0)
        if mask.any():
            st.missing += men
            st.men -= men
            st.status[mask] = SURRENDERED
        return men

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

    # ------------------------------------------------------------------ supply
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
                reach = reachable(c.supply_source[None, :] & friendly, friendly, c.land_nb)
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

    # ------------------------------------------------------------------ doctrine
    def _doctrine(self, d: int) -> None:
        """Each side sends one idle reserve a day by rail to its most threatened place (ratio above its
        reserve-commit ratio), the nearest by rail first; moves take rail km / rail_km_per_day days."""
        c, st, p = self.c, self.st, self.p
        R = st.R
        arriving = (st.eta == 1)
        st.eta = np.maximum(st.eta - 1, 0)
        if arriving.any():
            st.loc = np.where(arriving, st.dest, st.loc)
            st.role = np.where(arriving, 0, st.role)
            for r, u in zip(*np.nonzero(arriving)):
                self.log.add(r, d, "reserve_arrives", c.unit_side[u], st.dest[r, u], u=u, value=int(st.men[r, u]))
        for s in range(len(c.side_keys)):
            if not c.reserves_by_rail[s]:
                continue
            threat = np.where((st.owner == s) & (st.threat > c.reserve_ratio[s]), st.threat, 0.0)
            if not threat.any():
                continue
            target = threat.argmax(axis=1)                                       # (R,)
            has = threat.max(axis=1) > 0
            idle = (st.status == ACTIVE) & (st.role == 1) & (st.eta == 0) & (c.unit_side[None, :] == s) \
                & (st.unit_op == NO_OP)
            km = c.rail_km[st.loc, target[:, None]]                              # (R, U)
            ok = idle & np.isfinite(km) & (st.loc != target[:, None]) & has[:, None]
            ok &= np.take_along_axis(st.reach[s], st.loc, 1)
            # trains run only while the line from the side's railheads to the target is open (cut or bombed: wait)
            ok &= (st.cap[s][np.arange(R), target] > 0)[:, None]
            if not ok.any():
                continue
            pick = np.where(ok, km, np.inf).argmin(axis=1)
            go = ok[np.arange(R), pick]
            for r in np.flatnonzero(go):
                u = pick[r]
                st.eta[r, u] = max(1, math.ceil(km[r, u] / p["rail_km_per_day"]))
                st.dest[r, u] = target[r]
                self.log.add(r, d, "reserve_moves", s, target[r], u=u, value=int(st.men[r, u]))

    # ------------------------------------------------------------------ record
    def _record(self, d: int) -> None:
        if self.timeline is None:
            return
        st, c = self.st, self.c
        for key, arr in (("men", st.men), ("killed", st.killed), ("wounded", st.wounded), ("missing", st.missing)):
            self.timeline[key].append(np.stack([arr[:, c.unit_side == s].sum(axis=1) for s in range(len(c.side_keys))], 1))
        self.timeline["owner"].append(st.owner.copy())
        # men present at each place per side (units on the move by rail are counted nowhere)
        R, P = st.owner.shape
        here = (st.status == ACTIVE) | (st.status == POCKET)
        self.timeline["forces"].append(np.stack(
            [_scatter(R, P, st.loc, st.men, here & (st.eta == 0) & (c.unit_side[None, :] == s))
             for s in range(len(c.side_keys))], axis=2).astype(np.int64))


def simulate(c: Compiled, runs, root_seed: int, record: bool = False) -> Engine:
    """Run the campaigns `runs` (run indices) of root seed `root_seed`; returns the finished engine."""
    eng = Engine(c, runs, root_seed, record=record)
    eng.run()
    return eng
