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


def through_tonnage(origin: int, side_owner, src, dst, cap, source_cap: float):
    """(R, P) tonnes a day that can run from the single entry place `origin` to every place through places
    held by the entry's side (widest path, models/supply.py) over damaged capacity `cap` (R, E)."""
    R, P = side_owner.shape
    a = np.concatenate([src, dst])
    b = np.concatenate([dst, src])
    capab = np.concatenate([cap, cap], axis=1)
    capab = np.where(side_owner[:, a] & side_owner[:, b], capab, 0.0)
    best = np.zeros((R, P))
    best[:, origin] = np.where(side_owner[:, origin], source_cap, 0.0)
    if len(a) == 0:
        return best
    for _ in range(P):
        new = best.copy()
        np.maximum.at(new.T, b, np.minimum(best[:, a], capab).T)
        if np.array_equal(new, best):
            break
        best = new
    return best
