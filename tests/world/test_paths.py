"""world/paths.dijkstra on CSR neighbour lists against networkx on small random graphs."""

import networkx as nx
import numpy as np
import pytest

from kriegsspiel.world.paths import dijkstra


def csr(n, src, dst):
    """Undirected edge list -> (nb_ptr, nb_place, nb_edge), as scenario.compile builds them."""
    lists = [[] for _ in range(n)]
    for e, (a, b) in enumerate(zip(src, dst)):
        lists[a].append((b, e))
        lists[b].append((a, e))
    ptr = np.zeros(n + 1, np.int64)
    ptr[1:] = np.cumsum([len(x) for x in lists])
    place = np.array([b for x in lists for b, _ in x], np.int64)
    edge = np.array([e for x in lists for _, e in x], np.int64)
    return ptr, place, edge


def random_graph(rng, n, m):
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src != dst
    return src[keep], dst[keep], rng.uniform(1.0, 50.0, keep.sum())


def run(n, src, dst, w, start, pen=None, passable=None):
    dist = np.full(n, np.inf)
    for s, v in start.items():
        dist[s] = v
    dijkstra(dist, np.zeros(n) if pen is None else pen, np.ones(n, np.bool_) if passable is None else passable,
             *csr(n, src, dst), w)
    return dist


def reference(n, src, dst, w, start, pen, passable):
    """networkx: u -> v costs w + pen[u], v must be passable; a super-source joins each start at its value."""
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for a, b, x in zip(src, dst, w):
        for u, v in ((a, b), (b, a)):
            if passable[v] and (not g.has_edge(u, v) or g.edges[u, v]["w"] > x + pen[u]):
                g.add_edge(u, v, w=x + pen[u])
    for s, v in start.items():
        g.add_edge("S", s, w=v)
    got = nx.single_source_dijkstra_path_length(g, "S", weight="w")
    return np.array([got.get(i, np.inf) for i in range(n)])


@pytest.mark.parametrize("seed", range(6))
def test_single_source_matches_networkx(seed):
    rng = np.random.default_rng(seed)
    n = 30
    src, dst, w = random_graph(rng, n, 50)
    got = run(n, src, dst, w, {0: 0.0})
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for a, b, x in zip(src, dst, w):
        if not g.has_edge(a, b) or g.edges[a, b]["w"] > x:
            g.add_edge(a, b, w=x)
    want = nx.single_source_dijkstra_path_length(g, 0, weight="w")
    assert np.allclose(got, [want.get(i, np.inf) for i in range(n)])


@pytest.mark.parametrize("seed", range(6))
def test_penalties_impassable_places_and_several_starts_match_networkx(seed):
    rng = np.random.default_rng(100 + seed)
    n = 40
    src, dst, w = random_graph(rng, n, 90)
    pen = np.where(rng.random(n) < 0.3, rng.uniform(0, 40, n), 0.0)
    passable = rng.random(n) < 0.8
    start = {int(s): float(rng.uniform(0, 20)) for s in rng.choice(n, 3, replace=False)}
    got = run(n, src, dst, w, start, pen, passable)
    assert np.allclose(got, reference(n, src, dst, w, start, pen, passable))
    assert np.isinf(got[~passable & ~np.isin(np.arange(n), list(start))]).all()


def test_path_graph_hand_values():
    # 0 -1- 1 -2- 2 -3- 3, penalty 10 for leaving place 1: dist = [0, 1, 13, 16]
    src, dst, w = np.array([0, 1, 2]), np.array([1, 2, 3]), np.array([1.0, 2.0, 3.0])
    assert run(4, src, dst, w, {0: 0.0}).tolist() == [0.0, 1.0, 3.0, 6.0]
    assert run(4, src, dst, w, {0: 0.0}, pen=np.array([0.0, 10.0, 0.0, 0.0])).tolist() == [0.0, 1.0, 13.0, 16.0]
    blocked = run(4, src, dst, w, {0: 0.0}, passable=np.array([True, True, False, True]))
    assert blocked.tolist() == [0.0, 1.0, np.inf, np.inf]


def test_no_start_and_no_edges_leave_everything_unreached():
    assert np.isinf(run(5, np.array([0, 1]), np.array([1, 2]), np.array([1.0, 1.0]), {})).all()
    got = run(3, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), {1: 2.5})
    assert got.tolist() == [np.inf, 2.5, np.inf]


def scan(dist, pen, passable, ptr, place, edge, w):
    """The O(P^2) selection Dijkstra, in plain Python: settle the nearest unsettled place, relax its neighbours."""
    done = np.zeros(len(dist), bool)
    while True:
        open_ = np.flatnonzero(~done & (dist < np.inf))
        if not len(open_):
            return
        u = open_[np.argmin(dist[open_])]
        done[u] = True
        for k in range(ptr[u], ptr[u + 1]):
            v = place[k]
            if passable[v]:
                dv = float(dist[u]) + w[edge[k]] + pen[u]
                if dv < dist[v]:
                    dist[v] = dv


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(4))
def test_bit_identical_to_a_selection_scan_with_ties_and_float32(seed, dtype):
    # quantised weights make many equal distances; a float32 `dist` (movement's route fields) settles each place
    # at its rounded value
    rng = np.random.default_rng(200 + seed)
    for _ in range(50):
        n = int(rng.integers(2, 40))
        src, dst, w = random_graph(rng, n, int(rng.integers(1, 100)))
        w = np.round(w) / 4 if rng.random() < 0.5 else w
        pen = np.where(rng.random(n) < 0.3, np.round(rng.uniform(0, 40, n)), 0.0)
        passable = rng.random(n) < 0.85
        start = np.full(n, np.inf, dtype)
        start[rng.choice(n, int(rng.integers(1, min(n, 4) + 1)), replace=False)] = rng.uniform(0, 5)
        got, want = start.copy(), start.copy()
        g = csr(n, src, dst)
        dijkstra(got, pen, passable, *g, w)
        scan(want, pen, passable, *g, w)
        assert got.tobytes() == want.tobytes()
