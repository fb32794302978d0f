"""What the joint phases share: their dice, starting and closing an operation, the forces of an operation,
ship and crew arithmetic, and one day's assault on an objective with the ground model.

Dice (engine.rng): a joint model draws from its own stream (`naval`, `siege`, `air`, `airborne`,
`amphibious`, `riverine`). An operation's own draws (fog, outcome, noise) are items ``OP_ITEM + j`` (j: its
index among the joint operations); a unit's losses are items ``u`` (the unit). Several uses of one stream on
one day are told apart by a salt, ``salt(call, j, k)``, so that no two uses share a uniform.
"""

from __future__ import annotations

import numpy as np

from ...codes import Circumstance, OpState, UnitStatus
from ...models import ground
from ...models import naval as nav
from ...models.engagement import engage
from ...models.supply import supply_multiplier
from ...scenario.joint import JOp
from ..transitions import lose
from .common import after_events, normal, whole

OP_ITEM = 1 << 40


def salt(call: int, j: int = 0, k: int = 0) -> int:
    """One salt from a call site's number and up to two indices (each below 4096)."""
    return call | (j << 12) | (k << 24)


def whole_ships(ctx, stream: str, d: int, expected, held, salt_: int, rows=None):
    """Whole ships sunk (r, F, K) from the models' expected numbers (r, F, K) of F units' K classes, in the batch
    rows `rows` (default: all): one draw per run, unit and class with a fraction (common.whole), never more than
    the whole ships `held`."""
    R, F, K = expected.shape
    lost = whole(ctx, stream, d, expected.reshape(R, F * K), np.arange(F * K), salt_, rows).reshape(R, F, K)
    return np.minimum(lost, np.floor(held))


def op_dice(ctx, stream: str, d: int, o: JOp, k: int = 4, call: int = 0, sub: int = 0) -> np.ndarray:
    """(R, k) uniforms of operation o today (item OP_ITEM + o.j)."""
    return ctx.dice.draw(stream, d, [OP_ITEM + o.j], k=k, salt=salt(call, sub))[:, 0]


def start(ctx, st, d, o: JOp) -> np.ndarray:
    """(R,) bool: runs where operation o starts today (its day has come and its places are held). Before its day,
    or once it has started everywhere, nothing is checked (no start condition can have held)."""
    J = st.joint
    pend = J.op_state[:, o.j] == OpState.pending
    if d < o.start or not pend.any():
        return np.zeros(st.R, bool)
    ready = pend.copy()                                   # its day has come
    if len(o.after):
        ready &= (st.owner[:, o.after] == o.side).all(axis=1)
    ready = after_events(st, d, ready, pend, o.side, o.start, o.after, o.after_ops, o.delay, J.op_ready_day[:, o.j])
    J.op_state[ready, o.j] = OpState.running
    J.op_day0[ready, o.j] = d
    return ready


def close(st, o: JOp, on) -> None:
    """Operation o is over in the runs where it is under way but not `on` (R,) today."""
    J = st.joint
    J.op_state[(J.op_state[:, o.j] == OpState.running) & ~on, o.j] = OpState.done


def troops(ctx, st, o: JOp) -> np.ndarray:
    """(R, U) the active troop units of operation o."""
    mask = np.zeros(len(ctx.c.unit_names), bool)
    mask[o.troops] = True
    return mask[None, :] & (st.status == UnitStatus.active)


def troop_men(st, o: JOp, tmask) -> np.ndarray:
    """(R,) men of operation o's troops in `tmask` (R, U), summed over its own columns only (the rest are zeros)."""
    return (st.men[:, o.troops] * tmask[:, o.troops]).sum(axis=1)


def fleet_ships(ctx, st, o: JOp) -> np.ndarray:
    """(R, K) the ships of operation o's fleet, by class."""
    if len(o.fleet):
        return st.joint.ships[:, o.fleet, :].sum(axis=1)
    return np.zeros((st.R, len(ctx.plan.ship_names)))


def crew_lost(ctx, before, after) -> np.ndarray:
    """(R, U) crew lost with the ships sunk between `before` and `after` (R, U, K)."""
    return ((before - after) * ctx.plan.ship["crew"]).sum(axis=2) * ctx.p["naval.crew_lost_per_sinking"]


def shelled(ctx, shell, fortified, d_men) -> np.ndarray:
    """(R,) defenders hit by `shell` tonnes, at most `naval.max_shelled_share` of the `d_men` (R,) there."""
    p = ctx.p
    return np.minimum(nav.bombardment_casualties(shell, fortified, p["naval.casualties_per_t"],
                                                 p["naval.fortified_casualty_factor"]),
                      p["naval.max_shelled_share"] * d_men)


def defenders(ctx, st, side_enemy: int, place) -> np.ndarray:
    """(R, U) units of `side_enemy` standing at `place` ((R,) or int)."""
    place = np.broadcast_to(np.asarray(place), (st.R,))
    return (st.status == UnitStatus.active) & (ctx.c.unit_side[None, :] == side_enemy) \
        & (st.loc == place[:, None]) & (st.eta == 0)


def unit_strength(ctx, st, place: int, rows=None):
    """(R, U) QJM strength of every unit fighting at `place` in its terrain and today's weather there, times
    CEV, fatigue and the supply multiplier (as the ground phase; models/ground.py); (len(rows), U) for the runs
    `rows` only."""
    c, p = ctx.c, ctx.p
    rows = slice(None) if rows is None else rows
    sm = supply_multiplier(st.stock[rows], p["power_floor"], p["full_days"])
    s = ground.strength(st.men[rows], st.guns[rows], st.tanks[rows], 0.0, c.terrain_idx[place],
                        st.weather[rows, place][:, None], p)
    return s * c.quality[None, :] * st.fatigue[rows] * sm


def season(ctx, d: int, pl: int) -> float:
    """The season attack factor at place pl on day d."""
    return float(ctx.season_attack(d)[0, pl])


def word(ctx, side: int) -> str:
    return ctx.word(side)


def assault(ctx, st, d, o: JOp, att_mask, frac, v, stream: str, call: int, sub: int = 0, power_mult=1.0,
            objective=None):
    """One day's assault of the units att_mask (R, U) (fraction `frac` (R,) of them landed) on the objective:
    the one engagement (models.engagement) on the place's frontage, the attacker's power divided by
    v ** power_exponent and its casualty rate multiplied by the shoreline/river factor v (R,). Dice: the
    operation's outcome and both sides' loss noise (items OP_ITEM + j, salt `call`/`sub`), then the units' losses.
    Returns (won (R,), attacker losses (R,), defender losses (R,), ratio (R,); ratio 0 where no one attacks).

    Worked out only for the runs `rr` where att_mask has a unit (often a handful of the batch); a run without
    attackers has no assault (nothing won, no losses, nothing engaged)."""
    c, p = ctx.c, ctx.p
    R = st.R
    won_r, L_att_r, L_def_r, ratio_r = np.zeros(R, bool), np.zeros(R), np.zeros(R), np.zeros(R)
    rr = np.flatnonzero(att_mask.any(axis=1))
    if not len(rr):
        return won_r, L_att_r, L_def_r, ratio_r
    pl = o.objective if objective is None else objective
    men = st.men[rr]
    att_mask, frac = att_mask[rr], np.asarray(frac)[rr]
    v = v[rr] if np.ndim(v) else np.full(len(rr), float(v))
    dmask = defenders(ctx, st, 1 - o.side, pl)[rr]
    s = unit_strength(ctx, st, pl, rr)                 # (r, U), once for both sides
    A, A_men = (s * att_mask).sum(axis=1) * frac, (men * att_mask).sum(axis=1) * frac
    D, D_men = (s * dmask).sum(axis=1), (men * dmask).sum(axis=1)
    n = len(rr)
    u = op_dice(ctx, stream, d, o, k=3, call=call, sub=sub)[rr]
    e = engage(A, D, A_men, D_men, p, posture=st.posture[rr, pl], terrain=np.full(n, c.terrain_idx[pl]),
               weather=st.weather[rr, pl], z_outcome=normal(u[:, 0]), z_att=normal(u[:, 1]), z_def=normal(u[:, 2]),
               frontage_km=ctx.tables.frontage_km[pl], season=season(ctx, d, pl),
               surprise=np.full(n, o.surprise if d == o.start else 0),
               insensitive=(c.insensitive[None, :] & (att_mask | dmask)).any(axis=1), shore=v, att_power=power_mult,
               att_loss_scale=ctx.army_loss[rr, o.side], def_loss_scale=ctx.army_loss[rr, 1 - o.side])
    # only the runs where this assault is fought (attackers engaged); never touch the others
    active = A_men > 0
    opposed = active & (D_men > 0)
    won = (e.won | (D_men <= 0)) & active
    L_att = np.where(opposed, e.att_loss, 0.0)
    L_def = np.where(opposed, e.def_loss, 0.0)
    share_a = np.where(att_mask, men / np.maximum(A_men / np.maximum(frac, 1e-9), 1.0)[:, None], 0.0)
    share_d = np.where(dmask, men / np.maximum(D_men, 1.0)[:, None], 0.0)
    exp = np.zeros(st.men.shape)
    exp[rr] = share_a * L_att[:, None] + share_d * L_def[:, None]
    circ = np.full(exp.shape, Circumstance.normal)
    routed = won & ((e.force_ratio >= p["rout_ratio"]) | e.breakthrough)
    circ[rr] = np.where(dmask & routed[:, None], Circumstance.rout, Circumstance.normal)
    lose(ctx, st, d, exp, circ, stream, salt(call + 100, o.j, sub))
    st.engaged[rr] |= (att_mask | dmask) & opposed[:, None]
    won_r[rr], L_att_r[rr], L_def_r[rr], ratio_r[rr] = won, L_att, L_def, np.where(active, e.ratio, 0.0)
    return won_r, L_att_r, L_def_r, ratio_r
