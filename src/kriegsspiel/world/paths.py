"""Shortest paths on the land network's neighbour lists (CSR: nb_ptr, nb_place, nb_edge), compiled with numba:
the engine runs them inside its daily loop, for every run (route choice, road distance from railheads)."""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def dijkstra(dist, enter_pen, passable, nb_ptr, nb_place, nb_edge, edge_w):
    """Dijkstra from the places where `dist` is finite (their starting values), in place: dist[v] = min over
    paths of the sum of edge weights `edge_w` plus `enter_pen[u]` for each place u the path leaves toward the
    start (for a route to an objective: the cost of going through u). Only places with `passable` are reached.
    O(P^2) selection: P is a few hundred at most."""
    P = dist.shape[0]
    done = np.zeros(P, np.bool_)
    for _ in range(P):
        u = -1
        best = np.inf
        for i in range(P):
            if not done[i] and dist[i] < best:
                best = dist[i]
                u = i
        if u < 0:
            break
        done[u] = True
        for k in range(nb_ptr[u], nb_ptr[u + 1]):
            v = nb_place[k]
            if passable[v]:
                dv = best + edge_w[nb_edge[k]] + enter_pen[u]
                if dv < dist[v]:
                    dist[v] = dv
