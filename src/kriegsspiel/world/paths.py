"""Shortest paths on the land network's neighbour lists (CSR: nb_ptr, nb_place, nb_edge), compiled with numba:
the engine runs them inside its daily loop, for every run (route choice, road distance from railheads)."""

from __future__ import annotations

import numpy as np

from ..jit import njit


@njit(inline="always")
def _put(hd, hv, j, d, v):
    """Write the entry (d, v) at slot j of the heap hd / hv."""
    hd[j] = d
    hv[j] = v


@njit(inline="always")
def _push(hd, hv, n, d, v):
    """Add (d, v) to the binary min-heap hd / hv of n entries (by d); returns the new size."""
    j = n
    while j > 0:
        q = (j - 1) >> 1
        if hd[q] <= d:
            break
        _put(hd, hv, j, hd[q], hv[q])
        j = q
    _put(hd, hv, j, d, v)
    return n + 1


@njit(inline="always")
def _drop_root(hd, hv, n):
    """Remove the root of the heap hd / hv of n entries (n >= 1); returns the new size."""
    n -= 1
    j = 0
    while True:
        c = 2 * j + 1
        if c >= n:
            break
        if c + 1 < n and hd[c + 1] < hd[c]:
            c += 1
        if hd[n] <= hd[c]:
            break
        _put(hd, hv, j, hd[c], hv[c])
        j = c
    _put(hd, hv, j, hd[n], hv[n])
    return n


@njit
def dijkstra(dist, enter_pen, passable, nb_ptr, nb_place, nb_edge, edge_w):
    """Dijkstra from the places where `dist` is finite (their starting values), in place: dist[v] = min over
    paths of the sum of edge weights `edge_w` plus `enter_pen[u]` for each place u the path leaves toward the
    start (for a route to an objective: the cost of going through u). Only places with `passable` are reached.

    A binary heap with lazy deletion (stale entries are skipped when popped). It holds the values as stored in
    `dist`, so a float32 `dist` settles a place at, and relaxes from, its rounded value. The result does not
    depend on the order in which places of equal distance are settled: each step's sum best + w + pen (rounded
    to `dist`'s type) is monotone in best and never below it (w, pen >= 0), so every settled value is the least,
    over all paths, of the sums formed along the path -- the same bits as any other Dijkstra (the O(P^2) scan
    this replaced, about 4x slower on the theatres' sparse networks)."""
    P = dist.shape[0]
    cap = P + nb_place.shape[0]          # each place once at the start, then at most one entry per improvement
    hd = np.empty(cap)
    hv = np.empty(cap, np.int64)
    n = 0
    for i in range(P):
        if dist[i] < np.inf:
            n = _push(hd, hv, n, dist[i], i)
    done = np.zeros(P, np.bool_)
    while n > 0:
        best = hd[0]
        u = hv[0]
        n = _drop_root(hd, hv, n)
        if done[u] or best > dist[u]:
            continue
        done[u] = True
        for k in range(nb_ptr[u], nb_ptr[u + 1]):
            v = nb_place[k]
            if passable[v]:
                dv = best + edge_w[nb_edge[k]] + enter_pen[u]
                if dv < dist[v]:
                    dist[v] = dv
                    n = _push(hd, hv, n, dist[v], v)      # as stored: `dist` may be float32
