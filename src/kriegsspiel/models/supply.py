"""Supply: which places a side can supply (graph separation) and the rail tonnage that reaches them.

Pure functions over (R, P) arrays. Encirclement is graph separation: a place is in supply when a chain of
land edges through places the side owns joins it to one of the side's supply sources (theatre-models.md
section 9.7). Tonnage is the widest (bottleneck) path over rail edges from the sources: the most a day's
trains can bring, limited by the weakest section (Davis's reinforcement race and interdiction lever,
theatre-models.md sections 9.5 and 9.8). docs/models/supply.md.

Graphs are given as padded neighbour tables ``nb`` (P, K) (-1 for no neighbour), so every step is a dense
gather over (R, P, K) — no Python loop over runs.
"""

from __future__ import annotations

import numpy as np


def neighbour_table(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Undirected edge list -> (nb (P, K) neighbour ids, eid (P, K) edge ids), -1 padded."""
    lists: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for e, (a, b) in enumerate(zip(src, dst)):
        lists[a].append((b, e))
        lists[b].append((a, e))
    k = max(1, max((len(x) for x in lists), default=1))
    nb = -np.ones((n, k), dtype=np.int64)
    eid = -np.ones((n, k), dtype=np.int64)
    for i, x in enumerate(lists):
        for j, (b, e) in enumerate(x):
            nb[i, j], eid[i, j] = b, e
    return nb, eid


def reachable(sources, friendly, nb, max_iter: int = 64):
    """Boolean (R, P): places joined to a source through friendly places.

    Connected components of the friendly subgraph by minimum-label propagation with pointer jumping
    (Shiloach & Vishkin 1982, J. Algorithms 3:57), which needs O(log P) rounds on these graphs; then a
    place is reached when its component holds a source.
    """
    R, P = friendly.shape
    rows = np.arange(R)[:, None]
    valid = nb >= 0
    nbc = np.where(valid, nb, 0)
    lab = np.where(friendly, np.arange(P)[None, :], P)           # P = "no label" for enemy places
    for _ in range(max_iter):
        cand = np.where(valid[None] & friendly[:, nbc], lab[:, nbc], P).min(axis=2)
        new = np.where(friendly, np.minimum(lab, cand), P)
        # hook each component's root to the smallest label seen, then jump pointers
        root_min = np.full((R, P + 1), P)
        np.minimum.at(root_min, (np.broadcast_to(rows, new.shape), lab), new)
        hooked = np.minimum(new, root_min[rows, lab])
        ext = np.concatenate([hooked, np.full((R, 1), P)], axis=1)
        jumped = np.where(friendly, ext[rows, np.minimum(hooked, P)], P)
        jumped = np.where(friendly, ext[rows, np.minimum(jumped, P)], P)
        if np.array_equal(jumped, lab):
            break
        lab = jumped
    has_source = np.zeros((R, P + 1), dtype=bool)
    has_source[np.broadcast_to(rows, lab.shape)[sources & friendly], lab[sources & friendly]] = True
    return has_source[rows, lab] & friendly


def widest_path(sources, friendly, nb, eid, cap, source_cap: float, max_iter: int | None = None):
    """(R, P) float: bottleneck rail capacity (t/day) from any source to each place, through friendly places.

    nb, eid: (P, K) rail neighbour table; cap: (R, E) capacity of each rail edge after damage. Bellman-Ford
    on max-min: c[v] = max(c[v], max_k min(c[nb[v, k]], cap[eid[v, k]])), iterating only the runs that
    changed in the last round (max and min are exact, so the order does not change the result).
    """
    R, P = friendly.shape
    best = np.where(sources & friendly, source_cap, 0.0)
    if cap.shape[1] == 0:          # a theatre without railways
        return best
    valid = nb >= 0
    nbc, eidc = np.where(valid, nb, 0), np.where(valid, eid, 0)
    open_k = valid[None] & friendly[:, nbc] & friendly[:, :, None]
    cap_k = np.where(open_k, cap[:, eidc], 0.0).transpose(2, 0, 1).copy()     # (K, R, P)
    nbT = nbc.T                                                                # (K, P)
    live = np.arange(R)
    for _ in range(max_iter or P):
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


def supply_multiplier(stock_days, floor: float, full_days: float):
    """Combat-power multiplier of a unit with `stock_days` of supply: floor + (1 - floor) * min(1, stock/full).

    ASSUMPTION (data/parameters/supply.yaml): CEM/TACWAR-style effectiveness multiplier on shortage."""
    return floor + (1.0 - floor) * np.clip(stock_days / full_days, 0.0, 1.0)
