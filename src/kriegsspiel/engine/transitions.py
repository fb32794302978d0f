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

from ..codes import Circumstance, Posture, UnitStatus
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


def overrun(ctx, st, d, overrun_mask, t) -> None:
    """Trapped defenders beaten at a ratio of `rout_ratio` or more are overrun at the targets `t` (R, O) of the
    operations in `overrun_mask` (R, O): a side that surrenders (casualties.yaml `surrenders`) is captured whole,
    one that does not is destroyed (`destroyed` split). Stream `overrun`."""
    c, p = ctx.c, ctx.p
    R, P = st.owner.shape
    place = np.zeros((R, P), bool)
    place[np.nonzero(overrun_mask)[0], t[overrun_mask]] = True
    at = place[np.arange(R)[:, None], st.loc] & (st.status == UnitStatus.active) & (st.eta == 0) \
        & (c.unit_side[None, :] == np.take_along_axis(st.owner, st.loc, 1))
    give_up = at & p.surrenders[c.behaviour][None, :]
    surrender(ctx, st, give_up)
    fight = at & ~give_up
    if fight.any():
        apply_losses(ctx, st, d, np.where(fight, st.men, 0), Circumstance.destroyed, "overrun")
    for r, u in zip(*np.nonzero(at)) if ctx.record else ():
        ctx.log.add(r, d, K.surrender if give_up[r, u] else K.destroyed, c.unit_side[u], st.loc[r, u], u=u,
                    value=int(st.missing[r, u] if give_up[r, u] else 0))


def capture(ctx, st, d, cap_mask, cap_side, tgt) -> None:
    """Places change hands (`cap_mask` (R, P) to `cap_side` (R, P)); their defenders fall back to the friendly
    neighbour farthest (by land) from where the attacks (`tgt` (R, O), the ground operations' targets; -1 none)
    came from, or, with nowhere to go (or ordered to stand), are left in a pocket."""
    c = ctx.c
    R, P = st.owner.shape
    old = st.owner.copy()
    st.owner = np.where(cap_mask, cap_side, st.owner).astype(np.int8)
    st.capture_day = np.where(cap_mask & (st.capture_day < 0), d, st.capture_day)
    st.posture = np.where(cap_mask, Posture.hasty_defence, st.posture)
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
    at_c = cap_c[rows, loc_c] & (st.status[cr] == UnitStatus.active) & (st.eta[cr] == 0) \
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
    if ctx.record:
        for r, pl in zip(*np.nonzero(cap_mask)):
            ctx.log.add(r, d, K.capture, int(cap_side[r, pl]), pl, value=int(old[r, pl]),
                        args={"loser": ctx.word(int(old[r, pl]))})
            here = at_lost[r] & (st.loc[r] == pl)
            if here.any():
                if can_retreat[r, pl]:
                    ctx.log.add(r, d, K.withdrawal, int(old[r, pl]), back[r, pl], value=int(st.men[r, here].sum()))
                else:
                    ctx.log.add(r, d, K.encircled, int(old[r, pl]), pl, value=int(st.men[r, here].sum()))
    if retreat.any():
        rr, uu = np.nonzero(retreat)
        receiving = np.zeros_like(cap_mask)
        receiving[rr, dest[rr, uu]] = True
        st.posture = np.where(receiving & (st.posture != Posture.fortified_defence), Posture.hasty_defence, st.posture)
        st.loc = np.where(retreat, dest, st.loc)
    if pocket.any():
        st.status[pocket] = UnitStatus.pocket
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
    capture(ctx, st, d, cap, cap_side, np.full((st.R, len(ctx.c.op_names)), -1, np.int64))
