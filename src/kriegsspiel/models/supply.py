"""Supply: which places a side can supply (graph separation) and the rail tonnage that reaches them.

Pure functions over (R, P) arrays. Encirclement is graph separation: a place is in supply when a chain of
land edges through places the side owns joins it to one of the side's supply sources (theatre-models.md
section 9.7). Tonnage is the widest (bottleneck) path over rail edges from the sources: the most a day's
trains can bring, limited by the weakest section (Davis's reinforcement race and interdiction lever,
theatre-models.md sections 9.5 and 9.8). docs/models/supply.md.

Graphs are given as padded neighbour tables ``nb`` (P, K) (-1 for no neighbour); the searches are compiled
(numba) and go run by run, so run k's result depends on its own row only.
"""

from __future__ import annotations

import numpy as np

from ..jit import njit


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


def reachable(sources, friendly, nb):
    """Boolean (R, P): places joined to a source through friendly places (graph search from the sources over the
    friendly subgraph, run by run: `_reach_kernel`)."""
    out = np.zeros(friendly.shape, dtype=np.bool_)
    _reach_kernel(np.ascontiguousarray(sources, dtype=np.bool_), np.ascontiguousarray(friendly, dtype=np.bool_),
                  np.ascontiguousarray(nb, dtype=np.int64), out)
    return out


@njit
def _reach_kernel(sources, friendly, nb, out):
    """Breadth-first search from every friendly source through friendly places, one run at a time; O(P K) a run."""
    R, P = friendly.shape
    K = nb.shape[1]
    queue = np.empty(P, np.int64)
    for r in range(R):
        head = tail = 0
        for i in range(P):
            if sources[r, i] and friendly[r, i]:
                out[r, i] = True
                queue[tail] = i
                tail += 1
        while head < tail:
            u = queue[head]
            head += 1
            for k in range(K):
                v = nb[u, k]
                if v >= 0 and friendly[r, v] and not out[r, v]:
                    out[r, v] = True
                    queue[tail] = v
                    tail += 1


def widest_path(sources, friendly, nb, eid, cap, source_cap: float):
    """(R, P) float: bottleneck rail capacity (t/day) from any source to each place, through friendly places.

    nb, eid: (P, K) rail neighbour table; cap: (R, E) capacity of each rail edge after damage. The max-min
    fixed point c[v] = max(c[v], max_k min(c[nb[v, k]], cap[eid[v, k]])) over friendly places, reached by label
    correction from the sources run by run (`_widest_kernel`); max and min are exact, so the order of the
    corrections does not change the result."""
    R, P = friendly.shape
    best = np.where(sources & friendly, float(source_cap), 0.0)
    if cap.shape[1] == 0:          # a theatre without railways
        return best
    _widest_kernel(np.ascontiguousarray(friendly, dtype=np.bool_), np.ascontiguousarray(nb, dtype=np.int64),
                   np.ascontiguousarray(eid, dtype=np.int64), np.ascontiguousarray(cap, dtype=np.float64), best)
    return best


@njit
def _widest_kernel(friendly, nb, eid, cap, best):
    """Label-correcting max-min search in place on `best` (R, P), one run at a time: a place whose value rose is
    queued, and its friendly neighbours are relaxed from it."""
    R, P = friendly.shape
    K = nb.shape[1]
    queue = np.empty(P, np.int64)
    queued = np.zeros(P, np.bool_)
    for r in range(R):
        head = 0
        n = 0
        for i in range(P):
            queued[i] = False
            if best[r, i] > 0.0:
                queue[n % P] = i
                queued[i] = True
                n += 1
        while n > 0:
            u = queue[head]
            head = (head + 1) % P
            n -= 1
            queued[u] = False
            bu = best[r, u]
            for k in range(K):
                v = nb[u, k]
                if v < 0 or not friendly[r, v]:
                    continue
                c = min(bu, cap[r, eid[u, k]])
                if c > best[r, v]:
                    best[r, v] = c
                    if not queued[v]:
                        queue[(head + n) % P] = v
                        queued[v] = True
                        n += 1


def supply_multiplier(stock_days, floor: float, full_days: float):
    """Combat-power multiplier of a unit with `stock_days` of supply: floor + (1 - floor) * min(1, stock/full).

    ASSUMPTION (data/parameters/supply.yaml): CEM/TACWAR-style effectiveness multiplier on shortage."""
    return floor + (1.0 - floor) * np.clip(stock_days / full_days, 0.0, 1.0)


def source_groups(owner, source, nb):
    """(R, P) int twice: for every place, how many supply sources of its owner lie in its component -- the places
    joined to it through places of the same owner -- and how many places the component has (graph search run by
    run: `_groups_kernel`); 0 for an unowned place."""
    out = np.zeros(owner.shape, dtype=np.int64)
    size = np.zeros(owner.shape, dtype=np.int64)
    _groups_kernel(np.ascontiguousarray(owner, dtype=np.int8), np.ascontiguousarray(source, dtype=np.bool_),
                   np.ascontiguousarray(nb, dtype=np.int64), out, size)
    return out, size


@njit
def _groups_kernel(owner, source, nb, out, size):
    """Label the components of same-owner places one run at a time and write each component's source count and
    size to its places; O(P K) a run."""
    R, P = owner.shape
    K = nb.shape[1]
    comp = np.empty(P, np.int64)
    queue = np.empty(P, np.int64)
    for r in range(R):
        comp[:] = -1
        for i in range(P):
            if comp[i] >= 0 or owner[r, i] < 0:
                continue
            comp[i] = i
            head, tail, n = 0, 1, 0
            queue[0] = i
            while head < tail:
                u = queue[head]
                head += 1
                if source[u]:
                    n += 1
                for k in range(K):
                    v = nb[u, k]
                    if v >= 0 and comp[v] < 0 and owner[r, v] == owner[r, i]:
                        comp[v] = i
                        queue[tail] = v
                        tail += 1
            for j in range(tail):
                out[r, queue[j]] = n
                size[r, queue[j]] = tail
