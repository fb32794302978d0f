"""The only writers of losses, surrender and capture: every phase that kills, captures or takes a place calls
these, so killed + wounded + missing + present = initial + reinforcements holds for every unit, every day.

- `apply_losses`: integer losses split into killed, wounded and missing by circumstance (casualties.yaml).
- `lose`: expected (float) losses rounded stochastically, then applied.
- `surrender`: whole units pass to missing (captured).
- `overrun`: trapped defenders beaten at a breaking ratio surrender or are destroyed.
- `capture`: places change hands; their defenders fall back to a friendly neighbour or are left in a pocket.
"""

from __future__ import annotations

import numpy as np

from ..codes import Circumstance, Posture, UnitMode, UnitStatus
from ..models import casualties as cas
from .events import EventKind as K


def _take(ctx, st, rr, uu, lost, circ, u2) -> None:
    """Take integer losses `lost` (n,) from the (run row, unit) pairs (rr, uu) (each pair once), split into
    killed, wounded and missing by circumstance `circ` (scalar or (n,)) with uniforms `u2` (n, 2)."""
    shares = ctx.p.split[ctx.c.behaviour[uu], circ]                      # (n, 3)
    k, w, m = cas.split(lost, shares, u2)
    st.killed[rr, uu] += k
    st.wounded[rr, uu] += w
    st.missing[rr, uu] += m
    st.men[rr, uu] -= lost
    status = st.status[rr, uu]
    gone = (st.men[rr, uu] <= 0) & ((status == UnitStatus.active) | (status == UnitStatus.pocket))
    st.status[rr[gone], uu[gone]] = UnitStatus.destroyed


def _pairs_circ(circ, rr, uu):
    return circ[rr, uu] if np.ndim(circ) == 2 else circ


def apply_losses(ctx, st, d, losses, circ, stream: str, salt: int = 0) -> None:
    """Take integer `losses` (R, U) from the units, split by circumstance `circ` (R, U or scalar). Dice: 2 per
    (run, unit) that loses men, from `stream` (item: the unit; `salt` tells apart two uses in one day)."""
    rr, uu = np.nonzero(losses)
    if not len(rr):
        return
    u2 = ctx.dice.draw_pairs(stream, d, rr, uu, k=2, salt=salt)
    _take(ctx, st, rr, uu, losses[rr, uu], _pairs_circ(circ, rr, uu), u2)


def lose(ctx, st, d, exp, circ, stream: str, salt: int = 0) -> np.ndarray:
    """Apply expected losses `exp` (R, U) with circumstances `circ` (R, U, or one for all): each (run, unit) with
    an expected loss draws 3 uniforms from `stream` (item: the unit): the unbiased rounding, then the split.
    Returns the integer losses (R, U)."""
    losses = np.zeros(exp.shape, np.int64)
    rr, uu = np.nonzero(exp > 0)
    if not len(rr):
        return losses
    u = ctx.dice.draw_pairs(stream, d, rr, uu, k=3, salt=salt)
    lost = cas.allocate(exp[rr, uu], st.men[rr, uu], u[:, 0])
    keep = lost != 0
    rr, uu, lost, u = rr[keep], uu[keep], lost[keep], u[keep]
    losses[rr, uu] = lost
    _take(ctx, st, rr, uu, lost, _pairs_circ(circ, rr, uu), u[:, 1:])
    return losses


def surrender(ctx, st, mask) -> np.ndarray:
    """Units in `mask` (R, U) surrender: all their men pass to missing (captured). Returns the men (R, U)."""
    men = np.where(mask, st.men, 0)
    if mask.any():
        st.missing += men
        st.men -= men
        st.status[mask] = UnitStatus.surrendered
    return men


def overrun(ctx, st, d, places) -> None:
    """Trapped defenders of the places `places` (R, P), beaten at a breaking ratio or below their rout threshold,
    are overrun: a side that surrenders (casualties.yaml `surrenders`) is captured whole, one that does not is
    destroyed (`destroyed` split). Stream `overrun`."""
    c, p = ctx.c, ctx.p
    R, P = st.owner.shape
    at = places[np.arange(R)[:, None], st.loc] & ((st.status == UnitStatus.active) | (st.status == UnitStatus.pocket)) \
        & (st.eta == 0) & (st.nxt < 0) & (c.unit_side[None, :] == np.take_along_axis(st.owner, st.loc, 1))
    give_up = at & p.surrenders[c.behaviour][None, :]
    surrender(ctx, st, give_up)
    fight = at & ~give_up
    if fight.any():
        apply_losses(ctx, st, d, np.where(fight, st.men, 0), Circumstance.destroyed, "overrun")
    for r, u in zip(*np.nonzero(at)) if ctx.record else ():
        ctx.log.add(r, d, K.surrender if give_up[r, u] else K.destroyed, c.unit_side[u], st.loc[r, u], u=u,
                    value=int(st.missing[r, u] if give_up[r, u] else 0))


def retreat_choice(ctx, st, places, origin) -> tuple[np.ndarray, np.ndarray]:
    """For each place (R, P) of `places`, the friendly neighbour its defenders fall back to, and whether one
    exists: toward the side's named line (doctrine `withdraw_to`) when it has one, else the neighbour farthest (by
    land) from where the attack came (`origin` (R, P), -1: unknown, then the best supplied neighbour), never a
    place the side must hold to the last. Worked out only for the runs with such a place."""
    c, t = ctx.c, ctx.tables
    R, P = st.owner.shape
    back = np.zeros((R, P), np.int64)
    can = np.zeros((R, P), bool)
    cr = np.flatnonzero(places.any(axis=1))
    if not len(cr):
        return back, can
    nb = c.neighbours                                                    # (P, K)
    nbc = np.maximum(nb, 0)
    owner = st.owner[cr]
    side = owner.astype(np.int64)                                        # the defenders' side
    rr = np.arange(len(cr))[:, None, None]
    stand = c.stand[side, np.arange(P)[None, :]]                         # (r, P): held to the last
    cand = (nb >= 0)[None] & (owner[:, nbc] == owner[:, :, None]) & ~stand[:, :, None]   # (r, P, K)
    to_line = t.line_km[side[:, :, None], nbc[None]]                     # (r, P, K)
    o = origin[cr]
    far = np.where(o[:, :, None] >= 0, c.land_km[np.maximum(o, 0)[:, :, None], nbc[None]], 0.0)
    rear = st.cap[cr][rr, side[:, :, None], nbc[None]] + st.reach[cr][rr, side[:, :, None], nbc[None]]
    has_line = np.isfinite(to_line).any(axis=2, keepdims=True)
    score = np.where(has_line, -to_line, np.where(o[:, :, None] >= 0, far, rear))
    score = np.where(np.isfinite(score), score, -1e18)
    pick = np.where(cand, score, -np.inf).argmax(axis=2)
    back[cr] = nbc[np.arange(P)[None, :], pick]
    can[cr] = cand.any(axis=2) & places[cr]
    return back, can


def capture(ctx, st, d, cap_mask, cap_side, origin) -> None:
    """Places change hands (`cap_mask` (R, P) to `cap_side` (R, P)); `origin` (R, P): a place the attack came
    from (-1: unknown). Their defenders fall back along the edge to a friendly neighbour (retreat_choice) — in
    good order if they can, pursued if the attackers are faster — or, with nowhere to go (or ordered to stand),
    are left in a pocket."""
    c = ctx.c
    R, P = st.owner.shape
    rows = np.arange(R)[:, None]
    back, can = retreat_choice(ctx, st, cap_mask, origin)
    old = st.owner.copy()
    st.owner = np.where(cap_mask, cap_side, st.owner).astype(np.int8)
    st.capture_day = np.where(cap_mask & (st.capture_day < 0), d, st.capture_day)
    rr, pp = np.nonzero(cap_mask)
    first = st.taken_day[rr, cap_side[rr, pp], pp] < 0
    st.taken_day[rr[first], cap_side[rr, pp][first], pp[first]] = d
    st.posture = np.where(cap_mask, Posture.hasty_defence, st.posture)
    st.held_days = np.where(cap_mask, 0, st.held_days)
    st.combat_days = np.where(cap_mask, 0, st.combat_days)
    st.assault_km = np.where(cap_mask, 0.0, st.assault_km)
    st.fail_days = np.where(cap_mask, 0, st.fail_days)
    st.threat = np.where(cap_mask, 0.0, st.threat)
    at_lost = cap_mask[rows, st.loc] & ((st.status == UnitStatus.active) | (st.status == UnitStatus.pocket)) \
        & (st.eta == 0) & (st.nxt < 0) & (c.unit_side[None, :] == old[rows, st.loc])
    retreat = at_lost & can[rows, st.loc] & (st.status == UnitStatus.active)
    pocket = at_lost & ~retreat
    if ctx.record:
        for r, pl in zip(*np.nonzero(cap_mask)):
            ctx.log.add(r, d, K.capture, int(cap_side[r, pl]), pl, value=int(old[r, pl]),
                        args={"loser": ctx.word(int(old[r, pl]))})
            here = at_lost[r] & (st.loc[r] == pl)
            if here.any():
                if can[r, pl]:
                    ctx.log.add(r, d, K.withdrawal, int(old[r, pl]), back[r, pl], value=int(st.men[r, here].sum()))
                else:
                    ctx.log.add(r, d, K.encircled, int(old[r, pl]), pl, value=int(st.men[r, here].sum()))
    if retreat.any():
        dest = back[rows, st.loc]
        st.nxt = np.where(retreat, dest, st.nxt)
        st.goal = np.where(retreat, dest, st.goal)
        st.prog = np.where(retreat, 0.0, st.prog)
        st.mode = np.where(retreat, UnitMode.withdraw, st.mode).astype(np.int8)
        receiving = np.zeros_like(cap_mask)
        rr, uu = np.nonzero(retreat)
        receiving[rr, dest[rr, uu]] = True
        st.posture = np.where(receiving & (st.posture != Posture.fortified_defence), Posture.hasty_defence, st.posture)
    if pocket.any():
        st.status[pocket & (st.status == UnitStatus.active)] = UnitStatus.pocket
        st.cut = np.where(pocket, np.maximum(st.cut, 1), st.cut)
    # connectivity and tonnage are recomputed once a day, in the supply phase, for the runs whose map changed


def capture_place(ctx, st, d, mask_r, place: int, side: int) -> None:
    """Place `place` changes hands to `side` in the runs `mask_r` (R,) (a landing, a drop, a retaking)."""
    if not mask_r.any():
        return
    cap = np.zeros_like(st.owner, dtype=bool)
    cap[mask_r, place] = True
    cap_side = np.zeros_like(st.owner)
    cap_side[mask_r, place] = side
    capture(ctx, st, d, cap, cap_side, np.full(st.owner.shape, -1))
