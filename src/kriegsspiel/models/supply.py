"""Supply: which places a side can supply (graph separation) and the rail tonnage that reaches them.

Pure functions over (R, P) arrays. Encirclement is graph separation: a place is in supply when a chain of
land edges through places the side owns joins it to one of the side's supply sources (theatre-models.md
section 9.7). Tonnage is the widest (bottleneck) path over rail edges from the sources: the most a day's
trains can bring, limited by the weakest section (Davis's reinforcement race and interdiction lever,
theatre-models.md sections 9.5 and 9.8). docs/models/supply.md.
"""

from __future__ import annotations

import numpy as np


def reachable(sources, friendly, adj, max_iter: int = 200):
    """Boolean (R, P): places joined to a source through friendly places.

    sources, friendly: (R, P) bool; adj: (P, P) float32 0/1 symmetric adjacency. Breadth-first by matrix
    product until nothing changes.
    """
    reach = sources & friendly
    for _ in range(max_iter):
        grown = ((reach.astype(np.float32) @ adj) > 0) & friendly
        grown |= reach
        if np.array_equal(grown, reach):
            break
        reach = grown
    return reach


def widest_path(sources, friendly, src, dst, cap, source_cap: float, max_iter: int = 200):
    """(R, P) float: bottleneck rail capacity (t/day) from any source to each place, through friendly places.

    src, dst: (E,) edge endpoints (used both ways); cap: (R, E) capacity after damage. Bellman-Ford on
    max-min: c[v] = max(c[v], min(c[u], cap(u, v))).
    """
    R, P = friendly.shape
    a = np.concatenate([src, dst])
    b = np.concatenate([dst, src])
    capab = np.concatenate([cap, cap], axis=1)                       # (R, 2E)
    open_ab = friendly[:, a] & friendly[:, b]
    capab = np.where(open_ab, capab, 0.0)
    best = np.where(sources & friendly, source_cap, 0.0)
    for _ in range(max_iter):
        cand = np.minimum(best[:, a], capab)                          # (R, 2E)
        new = best.copy()
        np.maximum.at(new.T, b, cand.T)
        if np.array_equal(new, best):
            break
        best = new
    return best


def supply_multiplier(stock_days, floor: float, full_days: float):
    """Combat-power multiplier of a unit with `stock_days` of supply: floor + (1 - floor) * min(1, stock/full).

    ASSUMPTION (data/parameters/supply.yaml): CEM/TACWAR-style effectiveness multiplier on shortage."""
    return floor + (1.0 - floor) * np.clip(stock_days / full_days, 0.0, 1.0)
