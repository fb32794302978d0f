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
    The origin's side must hold the origin itself; the widest path is models.supply.widest_path."""
    from .supply import neighbour_table, widest_path

    R, P = side_owner.shape
    sources = np.zeros((R, P), dtype=bool)
    sources[:, origin] = True
    if nb is None:
        nb, eid = neighbour_table(src, dst, P)
    return widest_path(sources, side_owner, nb, eid, cap, source_cap)
