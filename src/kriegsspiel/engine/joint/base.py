"""What every joint phase shares: the state it keeps in ``state.extra["joint"]``, its draws, starting an
operation, applying losses through the engine, capture, and one day's assault with the ground model."""

from __future__ import annotations

import numpy as np

from ...models import casualties as cas
from ...models import ground
from ...models import naval as nav
from ...models.supply import supply_multiplier
from ...params import CIRCUMSTANCES
from ..helpers import _normal
from .plan import JOp, Plan, joint_params

NORMAL, ROUT, ENCIRCLED, DESTROYED_C = (CIRCUMSTANCES.index(c) for c in ("normal", "rout", "encircled", "destroyed"))
ACTIVE = 1
HASTY, PREPARED, FORTIFIED = 1, 2, 3
# operation states (per run)
PENDING, UNDERWAY, ASHORE, WON, FAILED, DONE = 0, 1, 2, 3, 4, 5


def _noise(u, sigma=0.4):
    """Mean-one lognormal multiplier from a uniform (sigma ASSUMPTION)."""
    return np.exp(sigma * _normal(u) - 0.5 * sigma * sigma)


def _fmt(x) -> str:
    return f"{int(round(float(x))):,}"


def _spread(men, mask, total, amount):
    """(R, U) share of `amount` (R,) borne by each unit of `mask` (R, U) in proportion to its men; `total` (R,)
    is the men of the mask."""
    return np.where(mask, men / np.maximum(total, 1)[:, None], 0.0) * amount[:, None]


def _unit_strength(eng, place: int, wx, rows=None):
    """(R, U) QJM strength of every unit fighting at `place` in its terrain and today's weather there, times
    CEV, fatigue and the supply multiplier (as the engine's ground phase; models/ground.py); (len(rows), U)
    for the runs `rows` only."""
    st, c, p = eng.st, eng.c, eng.p
    rows = slice(None) if rows is None else rows
    sm = supply_multiplier(st.stock[rows], p["power_floor"], p["full_days"])
    s = ground.strength(st.men[rows], st.guns[rows], st.tanks[rows], 0.0, c.terrain_idx[place],
                        wx[rows, place][:, None], p)
    return s * c.quality[None, :] * st.fatigue[rows] * sm


def _season(eng, pl: int) -> float:
    """The engine's season attack factor at place pl (a scalar or one value per place)."""
    s = np.asarray(eng._season_attack, dtype=float)
    return float(s.reshape(-1)[pl]) if s.size > 1 else float(s)


class JointModel:
    name = ""
    op_types: tuple = ()

    def __init__(self, plan: Plan):
        self.plan = plan
        self.ops = [o for o in plan.ops if o.type in self.op_types]
        self.jp = joint_params()
        # the units that hold ships: every other unit's rows of state["joint"]["ships"] are zeros for good
        self.ship_units = np.flatnonzero(plan.ships0.any(axis=1))
        self._routes: dict[int, np.ndarray] = {}

    def _route_mask(self, c, o: JOp) -> np.ndarray:
        """(P,) bool: the places on operation o's sea or river route (its objective if it has none)."""
        m = self._routes.get(o.j)
        if m is None:
            m = np.zeros(len(c.theatre.names), bool)
            m[o.route or [o.objective]] = True
            self._routes[o.j] = m
        return m

    def stream_shapes(self, c) -> dict:
        return {self.name: (c.n_days, len(self.ops) + len(c.unit_names), 4)} if self.name else {}

    def init_state(self, c, st) -> None:
        if "joint" not in st.extra:
            R, P = st.R, len(c.theatre.names)
            st.extra["joint"] = {
                "ships": np.repeat(self.plan.ships0[None], R, axis=0),
                "batteries": np.repeat(self.plan.batteries0[None], R, axis=0),
                "aircraft": np.repeat(np.asarray(c.aircraft0, float)[None], R, axis=0),
                "aircraft_lost": np.zeros((R, len(c.unit_names))),
                "shell_t": np.zeros((R, P)), "shell_cum_t": np.zeros((R, P)),
                "bombs_t": np.zeros((R, P)),
                "civilians_killed": np.zeros((R, P)), "civilians_wounded": np.zeros((R, P)),
                "op_state": np.zeros((R, len(self.plan.ops)), np.int8),
                "op_day0": np.full((R, len(self.plan.ops)), -1, np.int64),
                "landed_frac": np.zeros((R, len(self.plan.ops))),
                "days": np.zeros((R, len(self.plan.ops)), np.int64),
                "linkup_day": np.full(R, -1, np.int64),      # first day ground forces reached paratroops
            }

    def phase(self, eng, d: int, wx) -> None:  # pragma: no cover - overridden
        pass

    def after_supply(self, eng, d: int) -> None:
        pass

    # helpers --------------------------------------------------------------------------------------------
    def _u(self, eng, d):
        """(R, n_ops + U, 4) today's uniforms of this model's stream."""
        return eng.rnd.day(self.name, d)

    def _draws(self, eng, d):
        """Today's uniforms (R, n_ops + U, 4) and the units' rows of them (R, U, 4)."""
        u = self._u(eng, d)
        return u, u[:, len(self.ops):len(self.ops) + len(eng.c.unit_names)]

    def _start(self, eng, d, o: JOp) -> np.ndarray:
        """(R,) bool: runs where operation o starts today (its day has come and its places are held)."""
        J = eng.st.extra["joint"]
        ready = (J["op_state"][:, o.j] == PENDING) & (d >= o.start)
        if len(o.after):
            ready &= (eng.st.owner[:, o.after] == o.side).all(axis=1)
        J["op_state"][ready, o.j] = UNDERWAY
        J["op_day0"][ready, o.j] = d
        return ready

    def _close(self, J, o: JOp, on) -> None:
        """Operation o is over in the runs where it is underway but not `on` (R,) today."""
        J["op_state"][(J["op_state"][:, o.j] == UNDERWAY) & ~on, o.j] = DONE

    def _troops(self, eng, o: JOp) -> np.ndarray:
        """(R, U) the active troop units of operation o."""
        troops = np.zeros(len(eng.c.unit_names), bool)
        troops[o.troops] = True
        return troops[None, :] & (eng.st.status == ACTIVE)

    def _fleet_ships(self, eng, o: JOp, J) -> np.ndarray:
        """(R, K) the ships of operation o's fleet, by class."""
        if len(o.fleet):
            return J["ships"][:, o.fleet, :].sum(axis=1)
        return np.zeros((eng.st.R, len(self.plan.ship_names)))

    def _crew_lost(self, before, after) -> np.ndarray:
        """(R, U) crew lost with the ships sunk between `before` and `after` (R, U, K)."""
        return ((before - after) * self.plan.ship["crew"]).sum(axis=2) * self.jp["naval"]["crew_lost_per_sinking"]

    def _shelled(self, shell, fortified, d_men) -> np.ndarray:
        """(R,) defenders hit by `shell` tonnes, at most a tenth of the `d_men` (R,) there."""
        pn = self.jp["naval"]
        return np.minimum(nav.bombardment_casualties(shell, fortified, pn["casualties_per_t"],
                                                     pn["fortified_casualty_factor"]), 0.1 * d_men)

    def _lose(self, eng, d, exp, circ, u_rows) -> np.ndarray:
        """Apply expected losses exp (R, U) with circumstances circ (R, U, or one for all); u_rows: (R, U, 4) uniforms."""
        pos = exp > 0
        cols = np.flatnonzero(pos.any(axis=0))
        losses = np.zeros(exp.shape, np.int64)
        if not len(cols):
            return losses
        # a unit with no expected loss rounds to none (floor(0 + u) = 0 for u < 1): round only the others
        st = eng.st
        losses[:, cols] = cas.allocate(np.maximum(exp[:, cols], 0.0), st.men[:, cols], u_rows[:, cols, 0])
        eng._apply_losses(losses, circ, u_rows[..., 1:3])
        return losses

    def _defenders(self, eng, side_enemy: int, place) -> np.ndarray:
        """(R, U) units of `side_enemy` standing at `place` ((R,) or int)."""
        st, c = eng.st, eng.c
        place = np.broadcast_to(np.asarray(place), (st.R,))
        return (st.status == ACTIVE) & (c.unit_side[None, :] == side_enemy) & (st.loc == place[:, None]) & (st.eta == 0)

    def _capture(self, eng, d, mask_r, place: int, side: int) -> None:
        """Place `place` changes hands to `side` in the runs `mask_r` (the engine's capture: defenders fall back)."""
        st = eng.st
        if not mask_r.any():
            return
        cap = np.zeros_like(st.owner, dtype=bool)
        cap[mask_r, place] = True
        cap_side = np.zeros_like(st.owner)
        cap_side[mask_r, place] = side
        eng._capture(d, cap, cap_side, np.full((st.R, len(eng.c.op_names)), -1, np.int64), None)

    def _strength_at(self, eng, units_mask, place, wx):
        """(R,) strength and men of the units in units_mask (R, U) fighting at `place` (int)."""
        s = _unit_strength(eng, place, wx)
        return (s * units_mask).sum(axis=1), (eng.st.men * units_mask).sum(axis=1)

    def _assault(self, eng, d, o: JOp, att_mask, frac, v, u_op, u_units, power_mult=1.0, wx=None):
        """One day's assault of the units att_mask (R, U) (fraction `frac` (R,) of them engaged) on o.objective.

        Ground model (models/ground.py) with the attacker's power divided by v ** power_exponent and its casualty
        rate multiplied by the shoreline/river factor v (R,). Returns (won (R,), attacker losses (R,), defender
        losses (R,), ratio (R,); ratio 0 in the runs without attackers).

        Worked out only for the runs `rr` where att_mask has a unit (often a handful of the batch); every step is
        row by row, and a run without attackers has no assault (nothing won, no losses, nothing engaged)."""
        st, c, p = eng.st, eng.c, eng.p
        R = st.R
        won_r, L_att_r, L_def_r, ratio_r = np.zeros(R, bool), np.zeros(R), np.zeros(R), np.zeros(R)
        rr = np.flatnonzero(att_mask.any(axis=1))
        if not len(rr):
            return won_r, L_att_r, L_def_r, ratio_r
        pl = o.objective
        enemy = 1 - o.side
        men = st.men[rr]
        att_mask, frac, u_op = att_mask[rr], np.asarray(frac)[rr], u_op[rr]
        v = v[rr] if np.ndim(v) else v
        dmask = self._defenders(eng, enemy, pl)[rr]
        s = _unit_strength(eng, pl, wx, rr)                # (r, U), once for both sides
        A, A_men = (s * att_mask).sum(axis=1), (men * att_mask).sum(axis=1)
        A, A_men = A * frac, A_men * frac
        D, D_men = (s * dmask).sum(axis=1), (men * dmask).sum(axis=1)
        k = self.jp["amphibious"]["power_exponent"]
        n = len(rr)
        posture = st.posture[rr, pl]
        terrain = np.full(n, c.terrain_idx[pl])
        w = wx[rr, pl]
        surprise = np.full(n, o.surprise if d == o.start else 0)
        ratio = ground.power_ratio(A * power_mult / v ** k, np.maximum(D, 1e-9), 1.0, 1.0, posture, terrain, w,
                                   _season(eng, pl), surprise, 1.0, 1.0, p)
        # only the runs where this assault is fought (attackers engaged); never touch the others
        active = A_men > 0
        opposed = active & (D_men > 0)
        won = (ground.attacker_prevails(np.maximum(ratio, 1e-9), _normal(u_op[:, 1]), p) | (D_men <= 0)) & active
        insens = (c.insensitive[None, :] & (att_mask | dmask)).any(axis=1)
        r_att, r_def = ground.daily_rates(np.maximum(ratio, 1e-9), A_men, D_men, posture, terrain, w, surprise, insens,
                                          won, p)
        noise = _noise(u_op[:, 2])
        L_att = np.where(opposed, np.minimum(r_att * v * noise, 0.5) * A_men, 0.0)
        L_def = np.where(opposed, r_def * noise * D_men, 0.0)
        share_a = np.where(att_mask, men / np.maximum(A_men / np.maximum(frac, 1e-9), 1.0)[:, None], 0.0)
        share_d = np.where(dmask, men / np.maximum(D_men, 1.0)[:, None], 0.0)
        exp = np.zeros(st.men.shape)
        exp[rr] = share_a * L_att[:, None] + share_d * L_def[:, None]
        circ = np.full(exp.shape, NORMAL)
        circ[rr] = np.where(dmask & (won & (ratio >= 3.0))[:, None], ROUT, NORMAL)
        self._lose(eng, d, exp, circ, u_units)
        st.engaged[rr] |= (att_mask | dmask) & opposed[:, None]
        won_r[rr], L_att_r[rr], L_def_r[rr], ratio_r[rr] = won, L_att, L_def, ratio
        return won_r, L_att_r, L_def_r, ratio_r

    def _word(self, eng, s):
        side = eng.c.scenario.sides[eng.c.side_keys[s]]
        return side.adjective or side.name

    def _pname(self, eng, pl):
        return eng.c.theatre.names[pl]
