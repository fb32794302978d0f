"""Rail freight: damage, cut, repair at a stated rate, and the through tonnage from the line's western entry.

Pure functions over (R, E) damage and (R, P) ownership; docs/models/rail.md. Parameters: joint.yaml `rail`.
"""

from __future__ import annotations

import numpy as np


def add_damage(damage, share):
    """Combine damage shares: 1 - (1 - damage) x (1 - share)."""
    return 1.0 - (1.0 - damage) * (1.0 - np.clip(share, 0.0, 1.0))


def repair(damage, can_repair, rate_per_day: float):
    """Linear repair: the holder of both ends restores `rate_per_day` of the edge's full capacity a day."""
    return np.where(can_repair, np.maximum(damage - rate_per_day, 0.0), damage)


def through_tonnage(origin: int, side_owner, src, dst, cap, source_cap: float, nb=None, eid=None):
    """(R, P) tonnes a day that can run from the single entry place `origin` to every place through places
    held by the entry's side (widest path, models/supply.py) over damaged capacity `cap` (R, E).

    nb, eid: the rail neighbour table of (src, dst) (models.supply.neighbour_table), built here if not given.
    Each round takes, for every place, the best min(tonnage at a neighbour, edge capacity) over its neighbours
    (a dense gather; max and min are exact, so the result does not depend on how the maximum is taken)."""
    R, P = side_owner.shape
    best = np.zeros((R, P))
    best[:, origin] = np.where(side_owner[:, origin], source_cap, 0.0)
    if len(src) == 0:
        return best
    if nb is None:
        from .supply import neighbour_table
        nb, eid = neighbour_table(src, dst, P)
    valid = nb >= 0
    nbc, eidc = np.where(valid, nb, 0), np.where(valid, eid, 0)
    open_k = valid[None] & side_owner[:, nbc] & side_owner[:, :, None]
    cap_k = np.where(open_k, cap[:, eidc], 0.0).transpose(2, 0, 1).copy()       # (K, R, P)
    nbT = nbc.T                                                                  # (K, P)
    # iterate only the runs that changed in the last round (a run that did not change has converged)
    live = np.arange(R)
    for _ in range(P):
        b = best[live]
        ck = cap_k[:, live] if len(live) < R else cap_k
        new = b
        for k in range(len(nbT)):                # max over the K neighbours, one slice at a time
            new = np.maximum(new, np.minimum(b[:, nbT[k]], ck[k]))
        moved = (new != b).any(axis=1)
        if not moved.any():
            break
        live, new = live[moved], new[moved]
        best[live] = new
    return best
