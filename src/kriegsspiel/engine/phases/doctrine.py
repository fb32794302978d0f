"""Doctrine: how a side moves the formations no operation directs (docs/models/manoeuvre.md).

- Rail moves end (`eta`); each side sends one idle reserve a day by rail to its most threatened place (ratio
  above its reserve-commit ratio), the nearest by rail first, while the line there is open.
- With `lateral_reserves`, one more idle reserve a day marches by road to the most threatened place.
- Withdrawal before encirclement: defenders whose place has lost a neighbour to the enemy and has at least
  `encirclement_share` of its neighbours in enemy hands fall back while a friendly neighbour is left and the place
  is still joined to the side's supply (McQuie: 64 % of break-offs caused by enemy manoeuvre), unless ordered to
  stand or holding a fortified place.
- Adaptive withdrawal (`trade_space`, Epstein 1985): defenders whose loss rate today passed
  `trade_space_loss_rate` fall back one place.
Draws no dice.
"""

from __future__ import annotations

import math

import numpy as np

from ...codes import Posture, Role, UnitMode, UnitStatus
from ...jit import njit
from ...scenario.compile import NO_OP
from ..events import EventKind as K
from ..transitions import retreat_choice
from .common import along


def _idle_reserves(c, st, s) -> np.ndarray:
    return (st.status == UnitStatus.active) & (st.role == Role.reserve) & (st.eta == 0) & (st.nxt < 0) \
        & (st.mode == UnitMode.idle) & (st.goal < 0) & (c.unit_side[None, :] == s) & (st.unit_op == NO_OP) \
        & ~st.broken


def _redirect_trains(ctx, st, arriving) -> None:
    """A train whose destination the enemy took while it ran stops at a friendly neighbour of it (the one its
    side's rail reaches best), or, with none, goes back to where it left: troops do not detrain into enemy hands."""
    c = ctx.c
    rr, uu = np.nonzero(arriving)
    side = c.unit_side[uu]
    dest = st.dest[rr, uu]
    lost = st.owner[rr, dest] != side
    if not lost.any():
        return
    rr, uu, side, dest = rr[lost], uu[lost], side[lost], dest[lost]
    nb = c.neighbours[dest]                                                   # (n, K)
    nbc = np.maximum(nb, 0)
    ok = (nb >= 0) & (st.owner[rr[:, None], nbc] == side[:, None]) & st.reach[rr[:, None], side[:, None], nbc]
    score = np.where(ok, st.cap[rr[:, None], side[:, None], nbc], -np.inf)
    k = score.argmax(axis=1)
    st.dest[rr, uu] = np.where(ok.any(axis=1), nbc[np.arange(len(rr)), k], st.loc[rr, uu])


def withdraw(ctx, st, d, places) -> None:
    """The defenders of `places` (R, P) fall back along an edge to a friendly neighbour (transitions.retreat_choice).
    Only the runs with somewhere to fall back to are touched."""
    c = ctx.c
    R, P = st.owner.shape
    back, can = retreat_choice(ctx, st, d, places, np.full((R, P), -1))
    cr = np.flatnonzero(can.any(axis=1))
    rows = np.arange(len(cr))[:, None]
    loc = st.loc[cr]
    go = can[cr][rows, loc] & (st.status[cr] == UnitStatus.active) & (st.eta[cr] == 0) & (st.nxt[cr] < 0) \
        & (c.unit_side[None, :] == st.owner[cr][rows, loc]) & (st.unit_op[cr] == NO_OP)
    if not go.any():
        return
    dest = back[cr][rows, loc]
    st.nxt[cr] = np.where(go, dest, st.nxt[cr])
    st.goal[cr] = np.where(go, dest, st.goal[cr])
    st.prog[cr] = np.where(go, 0.0, st.prog[cr])
    st.mode[cr] = np.where(go, UnitMode.withdraw, st.mode[cr])
    for i, pl in zip(*np.nonzero(can[cr])) if ctx.record else ():
        r = cr[i]
        here = go[i] & (loc[i] == pl)
        if here.any():
            ctx.log.add(r, d, K.withdrawal, int(st.owner[r, pl]), back[r, pl], value=int(st.men[r, here].sum()))


def step(ctx, st, d: int) -> None:
    c, p = ctx.c, ctx.p
    R, P = st.owner.shape
    rows = np.arange(R)
    arriving = (st.eta == 1)
    st.eta = np.maximum(st.eta - 1, 0)
    if arriving.any():
        _redirect_trains(ctx, st, arriving)
        st.loc = np.where(arriving, st.dest, st.loc)
        st.mode = np.where(arriving, UnitMode.idle, st.mode).astype(np.int8)
        st.role = np.where(arriving, Role.front, st.role)
        for r, u in zip(*np.nonzero(arriving)):
            ctx.log.add(r, d, K.reserve_arrives, c.unit_side[u], st.dest[r, u], u=u, value=int(st.men[r, u]))
    doc = c.doctrine_days[d]
    for s in range(len(c.side_keys)):
        threat = np.where((st.owner == s) & (st.threat > doc.reserve_ratio[s]), st.threat, 0.0)
        if not threat.any():
            continue
        target = threat.argmax(axis=1)                                       # (R,)
        has = threat.max(axis=1) > 0
        if doc.reserves_by_rail[s]:
            idle = _idle_reserves(c, st, s)
            km = c.rail_km[st.loc, target[:, None]]                          # (R, U)
            ok = idle & np.isfinite(km) & (st.loc != target[:, None]) & has[:, None]
            ok &= along(st.reach[:, s], st.loc)
            # trains run only while the line from the side's railheads to the target is open (cut or bombed: wait)
            ok &= (st.cap[rows, s, target] > 0)[:, None]
            if ok.any():
                pick = np.where(ok, km, np.inf).argmin(axis=1)
                for r in np.flatnonzero(ok[rows, pick]):
                    u = pick[r]
                    st.eta[r, u] = max(1, math.ceil(km[r, u] / p["rail_km_per_day"]))
                    st.dest[r, u] = target[r]
                    st.mode[r, u] = UnitMode.rail
                    ctx.log.add(r, d, K.reserve_moves, s, target[r], u=u, value=int(st.men[r, u]))
        if doc.lateral_reserves[s]:
            idle = _idle_reserves(c, st, s)
            km = c.land_km[st.loc, target[:, None]]
            ok = idle & np.isfinite(km) & (st.loc != target[:, None]) & has[:, None]
            if ok.any():
                pick = np.where(ok, km, np.inf).argmin(axis=1)
                for r in np.flatnonzero(ok[rows, pick]):
                    u = pick[r]
                    st.goal[r, u] = target[r]
                    st.mode[r, u] = UnitMode.march
                    ctx.log.add(r, d, K.reserve_moves, s, target[r], u=u, value=int(st.men[r, u]))
    _withdrawals(ctx, st, d)


@njit
def _enemy_neighbours(owner, neighbours):
    """(R, P) how many of each place's land neighbours (`neighbours` (P, K), -1 padded) its owner does not hold."""
    R, P = owner.shape
    out = np.zeros((R, P), np.int64)
    for r in range(R):
        for pl in range(P):
            for k in range(neighbours.shape[1]):
                v = neighbours[pl, k]
                if v >= 0 and owner[r, v] != owner[r, pl]:
                    out[r, pl] += 1
    return out


def _withdrawals(ctx, st, d) -> None:
    c, p = ctx.c, ctx.p
    nb = c.neighbours
    valid = nb >= 0
    owner = st.owner.astype(np.int64)
    enemy_nb = _enemy_neighbours(st.owner, nb)
    enemy_nb0 = (valid & (c.theatre.owner[np.maximum(nb, 0)] != c.theatre.owner[:, None])).sum(axis=1)[None, :]
    n_nb = valid.sum(axis=1)[None, :]
    friend_n = n_nb - enemy_nb
    friend_nb = friend_n > 0
    deg = np.maximum(n_nb, 1)
    doc = c.doctrine_days[d]
    stand = np.take_along_axis(doc.stand, owner, 0)
    holds = doc.hold_fortified[owner] & (st.posture == Posture.fortified_defence)
    # only while the place is still joined to the side's supply: once the ring has closed, falling back from one
    # place of the pocket to another escapes nothing (the pocket holds, and is reduced or gives up: supply)
    joined = np.take_along_axis(st.reach, owner[:, None, :], 1)[:, 0]
    threatened = (enemy_nb > enemy_nb0) & (enemy_nb >= p["manoeuvre.encirclement_share"] * deg) & friend_nb \
        & (friend_n <= p["manoeuvre.encirclement_escape_routes"]) & joined
    trading = doc.trade_space[owner] & (st.def_loss_rate >= p["manoeuvre.trade_space_loss_rate"]) & friend_nb
    places = (threatened | trading) & ~stand & ~holds
    if places.any():
        withdraw(ctx, st, d, places)
