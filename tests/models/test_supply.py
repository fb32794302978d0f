"""Supply graph functions against networkx on random ownership patterns of the Otsu theatre."""

import networkx as nx
import numpy as np

import kriegsspiel as ks
from kriegsspiel.models.supply import reachable, widest_path

C = ks.compile("operation-otsu")


def test_reachable_matches_networkx():
    rng = np.random.default_rng(5)
    R, P = 40, len(C.theatre.names)
    friendly = rng.random((R, P)) < 0.7
    sources = rng.random((R, P)) < 0.05
    got = reachable(sources, friendly, C.neighbours)
    g = C.theatre.land_graph
    idx = C.theatre.index
    for r in range(R):
        keep = [n for n in g.nodes if friendly[r, idx[n]]]
        sub = g.subgraph(keep)
        want = np.zeros(P, bool)
        for comp in nx.connected_components(sub):
            ids = [idx[n] for n in comp]
            if sources[r, ids].any():
                want[ids] = True
        assert np.array_equal(got[r], want), r


def test_widest_path_matches_bruteforce():
    rng = np.random.default_rng(6)
    R, P, E = 10, len(C.theatre.names), len(C.rail_cap)
    friendly = rng.random((R, P)) < 0.85
    sources = np.zeros((R, P), bool)
    sources[:, C.theatre.index["Krasnoyarsk"]] = True
    cap = rng.uniform(1000, 20000, size=(R, E))
    got = widest_path(sources, friendly, C.rail_nb, C.rail_eid, cap, 1e6)
    for r in range(R):
        g = nx.Graph()
        for e, (a, b) in enumerate(zip(C.rail_src, C.rail_dst)):
            if friendly[r, a] and friendly[r, b]:
                g.add_edge(a, b, cap=cap[r, e])
        src = C.theatre.index["Krasnoyarsk"]
        for v in range(P):
            want = 0.0
            if friendly[r, src] and v == src:
                want = 1e6
            elif friendly[r, src] and g.has_node(src) and g.has_node(v) and nx.has_path(g, src, v):
                # bottleneck = max over paths of min capacity: maximum spanning tree path
                t = nx.maximum_spanning_tree(g.subgraph(nx.node_connected_component(g, src)), weight="cap")
                path = nx.shortest_path(t, src, v)
                want = min(t.edges[a, b]["cap"] for a, b in zip(path, path[1:]))
            assert got[r, v] == want, (r, v, got[r, v], want)


def test_source_groups_matches_networkx():
    # every place gets the number of its owner's supply bases in its component of same-owner places
    from kriegsspiel.models.supply import source_groups

    rng = np.random.default_rng(8)
    R, P = 30, len(C.theatre.names)
    owner = (rng.random((R, P)) < 0.6).astype(np.int8)
    source = rng.random(P) < 0.1
    got, size = source_groups(owner, source, C.neighbours)
    g = C.theatre.land_graph
    idx = C.theatre.index
    for r in range(R):
        for s in (0, 1):
            sub = g.subgraph([n for n in g.nodes if owner[r, idx[n]] == s])
            for comp in nx.connected_components(sub):
                ids = [idx[n] for n in comp]
                assert (got[r, ids] == source[ids].sum()).all() and (size[r, ids] == len(ids)).all(), r
