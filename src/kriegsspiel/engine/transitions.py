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
from ..jit import njit
from ..models import casualties as cas
from .events import EventKind as K


def _take(ctx, st, rr, uu, lost, circ, u2) -> None:
    """Take integer losses `lost` (n,) from the (run row, unit) pairs (rr, uu) (each pair once), split into
    killed, wounded and missing by circumstance `circ` (scalar or (n,)) with uniforms `u2` (n, 2)."""
    shares = ctx.p.split[ctx.c.behaviour[uu], circ]                      # (n, 3)
    k, w, m = cas.split(lost, shares, u2)
    _book(st.killed, st.wounded, st.missing, st.men, st.status, rr, uu, k, w, m, lost)


# the unit status codes _book reads, as plain ints: numba freezes them into the kernel as constants (an enum
# member passed as an argument is typed anew, slowly, on every call)
_ACTIVE, _POCKET, _DESTROYED = int(UnitStatus.active), int(UnitStatus.pocket), int(UnitStatus.destroyed)


@njit
def _book(killed, wounded, missing, men, status, rr, uu, k, w, m, lost):
    """The pairs' losses into the unit arrays, in place; a formation with no men left (active or in a pocket) is
    destroyed. Integer arithmetic, one pair at a time (each pair appears once)."""
    for i in range(rr.shape[0]):
        r, u = rr[i], uu[i]
        killed[r, u] += k[i]
        wounded[r, u] += w[i]
        missing[r, u] += m[i]
        men[r, u] -= lost[i]
        if men[r, u] <= 0 and (status[r, u] == _ACTIVE or status[r, u] == _POCKET):
            status[r, u] = _DESTROYED


@njit
def _positive(x):
    """(rows, cols) of the entries of x (R, U) above 0, in row-major order (np.nonzero(x > 0), one pass)."""
    R, U = x.shape
    n = 0
    for r in range(R):
        for u in range(U):
            if x[r, u] > 0:
                n += 1
    rr = np.empty(n, np.int64)
    uu = np.empty(n, np.int64)
    i = 0
    for r in range(R):
        for u in range(U):
            if x[r, u] > 0:
                rr[i] = r
                uu[i] = u
                i += 1
    return rr, uu


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
    rr, uu = _positive(np.ascontiguousarray(exp, dtype=np.float64))
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


def depart(ctx, st, mask) -> np.ndarray:
    """Units in `mask` (R, U) leave the field -- sent elsewhere, or their contingent changes sides: their men are
    neither present nor lost (`departed`). Returns the men (R, U)."""
    men = np.where(mask, st.men, 0)
    if mask.any():
        st.departed += men
        st.men -= men
        st.status[mask] = UnitStatus.departed
        st.unit_op = np.where(mask, -1, st.unit_op)
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


def retreat_choice(ctx, st, d, places, origin) -> tuple[np.ndarray, np.ndarray]:
    """For each place (R, P) of `places`, the friendly neighbour its defenders fall back to, and whether one
    exists: toward the side's named line (doctrine `withdraw_to`) when it has one, else the neighbour farthest (by
    land) from where the attack came (`origin` (R, P), -1: unknown, then the best supplied neighbour), never out
    of a place the side must hold to the last (both as the doctrine stands on day `d`). Ties go to the first
    neighbour listed."""
    c, doc = ctx.c, ctx.c.doctrine_days[d]
    R, P = st.owner.shape
    back = np.zeros((R, P), np.int64)
    can = np.zeros((R, P), bool)
    if places.any():
        _retreat_kernel(places, np.asarray(origin, np.int64), st.owner, doc.stand, c.neighbours, doc.line_km, c.land_km,
                        st.cap, st.reach, back, can)
    return back, can


@njit
def _retreat_kernel(places, origin, owner, stand, nb, line_km, land_km, cap, reach, back, can):
    R, P = places.shape
    K = nb.shape[1]
    for r in range(R):
        for p in range(P):
            if not places[r, p]:
                continue
            s = owner[r, p]
            if stand[s, p]:
                continue
            has_line = False
            for k in range(K):
                if np.isfinite(line_km[s, max(nb[p, k], 0)]):
                    has_line = True
            best = -np.inf
            pick = -1
            for k in range(K):
                v = nb[p, k]
                if v < 0 or owner[r, v] != s:
                    continue
                if has_line:
                    sc = -line_km[s, v]
                elif origin[r, p] >= 0:
                    sc = land_km[origin[r, p], v]
                else:
                    sc = cap[r, s, v] + (1.0 if reach[r, s, v] else 0.0)
                if not np.isfinite(sc):
                    sc = -1e18
                if sc > best:
                    best = sc
                    pick = v
            if pick >= 0:
                back[r, p] = pick
                can[r, p] = True


def capture(ctx, st, d, cap_mask, cap_side, origin, routed=None) -> None:
    """Places change hands (`cap_mask` (R, P) to `cap_side` (R, P)); `origin` (R, P): a place the attack came
    from (-1: unknown). Their defenders fall back along the edge to a friendly neighbour (retreat_choice) — in
    good order, or, from the places in `routed` (R, P; broken through or beaten at the rout ratio), pursued: they
    lose `manoeuvre.pursuit_loss_share` of their men as a rout (stream `pursuit`) — or, with nowhere to go (or
    ordered to stand), are left in a pocket. Only the runs with a capture are touched."""
    c = ctx.c
    cr = np.flatnonzero(cap_mask.any(axis=1))
    if not len(cr):
        return
    back, can = retreat_choice(ctx, st, d, cap_mask, origin)
    back, can, cm, cs = back[cr], can[cr], cap_mask[cr], cap_side[cr]
    rows = np.arange(len(cr))[:, None]
    old = st.owner[cr]
    st.owner[cr] = np.where(cm, cs, old).astype(np.int8)
    st.capture_day[cr] = np.where(cm & (st.capture_day[cr] < 0), d, st.capture_day[cr])
    rr, pp = np.nonzero(cm)
    first = st.taken_day[cr[rr], cs[rr, pp], pp] < 0
    st.taken_day[cr[rr][first], cs[rr, pp][first], pp[first]] = d
    st.posture[cr] = np.where(cm, Posture.hasty_defence, st.posture[cr])
    for name in ("held_days", "combat_days", "fail_days"):
        a = getattr(st, name)
        a[cr] = np.where(cm, 0, a[cr])
    st.assault_km[cr] = np.where(cm, 0.0, st.assault_km[cr])
    st.threat[cr] = np.where(cm, 0.0, st.threat[cr])
    loc, status = st.loc[cr], st.status[cr]
    at_lost = cm[rows, loc] & ((status == UnitStatus.active) | (status == UnitStatus.pocket)) \
        & (st.eta[cr] == 0) & (st.nxt[cr] < 0) & (c.unit_side[None, :] == old[rows, loc])
    retreat = at_lost & can[rows, loc] & (status == UnitStatus.active)
    pocket = at_lost & ~retreat
    pursued = np.zeros(st.men.shape, bool)
    if routed is not None:
        pursued[cr] = retreat & routed[cr][rows, loc]
    if pursued.any():
        pursued_lost = lose(ctx, st, d, np.where(pursued, st.men * ctx.p["manoeuvre.pursuit_loss_share"], 0.0),
                            Circumstance.rout, "pursuit")
    if ctx.record:
        for i, pl in zip(*np.nonzero(cm)):
            r = cr[i]
            ctx.log.add(r, d, K.capture, int(cs[i, pl]), pl, value=int(old[i, pl]),
                        args={"loser": ctx.word(int(old[i, pl]))})
            here = at_lost[i] & (loc[i] == pl)
            if here.any():
                if can[i, pl]:
                    lost = int(pursued_lost[r, here].sum()) if pursued.any() else 0
                    ctx.log.add(r, d, K.withdrawal, int(old[i, pl]), back[i, pl], value=int(st.men[r, here].sum()),
                                args={"pursued": lost > 0, "lost": lost}, pursuit_lost=lost)
                else:
                    ctx.log.add(r, d, K.encircled, int(old[i, pl]), pl, value=int(st.men[r, here].sum()))
    if retreat.any():
        dest = back[rows, loc]
        st.nxt[cr] = np.where(retreat, dest, st.nxt[cr])
        st.goal[cr] = np.where(retreat, dest, st.goal[cr])
        st.prog[cr] = np.where(retreat, 0.0, st.prog[cr])
        st.mode[cr] = np.where(retreat, UnitMode.withdraw, st.mode[cr]).astype(np.int8)
        receiving = np.zeros_like(cm)
        ri, uu = np.nonzero(retreat)
        receiving[ri, dest[ri, uu]] = True
        st.posture[cr] = np.where(receiving & (st.posture[cr] != Posture.fortified_defence), Posture.hasty_defence,
                                  st.posture[cr])
    if pocket.any():
        pr, pu = np.nonzero(pocket & (status == UnitStatus.active))
        st.status[cr[pr], pu] = UnitStatus.pocket
        st.cut[cr] = np.where(pocket, np.maximum(st.cut[cr], 1), st.cut[cr])
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
