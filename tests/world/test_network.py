"""The theatre network (world/network.py): great-circle lengths, station matching, rail edges from km posts,
the graph with parallel edges, routes by land and by water."""

import datetime as dt

import networkx as nx
import numpy as np
import pytest

from kriegsspiel.world import network as net
from kriegsspiel.world.network import EdgeSpec

R = net.EARTH_RADIUS_KM


@pytest.mark.parametrize("a,b,want", [
    ((0.0, 0.0), (1.0, 0.0), np.pi / 180 * R),           # one degree of a meridian: 111.195 km
    ((0.0, 0.0), (0.0, 1.0), np.pi / 180 * R),           # one degree of the equator
    ((0.0, 0.0), (0.0, 180.0), np.pi * R),               # antipodes: half the circumference
    ((90.0, 0.0), (-90.0, 0.0), np.pi * R),
    ((60.0, 0.0), (60.0, 1.0), None),                    # filled below: shorter than at the equator
])
def test_great_circle_hand_values(a, b, want):
    d = net.great_circle_km(*a, *b)
    if want is None:
        assert d < np.pi / 180 * R and d == pytest.approx(np.pi / 180 * R * np.cos(np.radians(60)), rel=1e-3)
    else:
        assert d == pytest.approx(want)


def test_great_circle_symmetric_zero_and_triangle():
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(-80, 80, (3, 200)), rng.uniform(-180, 180, (3, 200))
    ab = net.great_circle_km(lat[0], lon[0], lat[1], lon[1])
    assert np.allclose(ab, net.great_circle_km(lat[1], lon[1], lat[0], lon[0]))
    assert np.allclose(net.great_circle_km(lat[0], lon[0], lat[0], lon[0]), 0.0)
    bc = net.great_circle_km(lat[1], lon[1], lat[2], lon[2])
    ac = net.great_circle_km(lat[0], lon[0], lat[2], lon[2])
    assert (ac <= ab + bc + 1e-6).all() and (ab <= np.pi * R + 1e-6).all()


@pytest.mark.parametrize("station,key", [("Khabarovsk (Amur bridge km 8512 just west)", "khabarovsk"),
                                         ("Vanino / Sovetskaya Gavan", "vanino"), ("Ussuriysk - Voroshilov", "ussuriysk"),
                                         ("  Chita  ", "chita")])
def test_station_key(station, key):
    assert net._station_key(station) == key


def test_match_station_alias_key_and_prefix():
    names = ["Khabarovsk", "Komsomolsk-on-Amur", "Ulan Bator", "Ussuriysk"]
    assert net.match_station("Khabarovsk (Amur bridge)", names, {}) == "Khabarovsk"
    assert net.match_station("Ulan-Bator", names, {"Ulan-Bator": "Ulan Bator"}) == "Ulan Bator"
    assert net.match_station("Komsomolsk", names, {}) == "Komsomolsk-on-Amur"     # prefix, key over 4 letters
    assert net.match_station("Uss", names, {}) is None                             # too short a prefix
    assert net.match_station("Irkutsk", names, {}) is None


def row(line, seq, station, km, status="operational"):
    return {"line_id": line, "seq": str(seq), "station": station, "km_from_line_start": km, "status_1944": status}


COORDS = {"A": (50.0, 110.0), "B": (50.0, 111.0), "C": (50.0, 112.0), "D": (51.0, 112.0)}


def test_rail_edges_take_km_posts_and_fall_back_to_great_circle():
    rows = [row("L1", 3, "C", "250"), row("L1", 1, "A", "0"), row("L1", 2, "Nowhere", "90"), row("L1", 4, "D", ""),
            row("L1", 5, "B", "not known")]
    edges = net.rail_edges(rows, COORDS, {}, {"L1": 9000.0}, 5000.0, ["operational"])
    assert [(e.src, e.dst) for e in edges] == [("A", "C"), ("C", "D"), ("D", "B")]   # by seq, unknown station left out
    assert edges[0].km == 250.0 and edges[0].kind == "rail" and edges[0].line_id == "L1"
    assert edges[1].km == pytest.approx(net.great_circle_km(*COORDS["C"], *COORDS["D"]) * net.ROUTE_FACTOR["rail"])
    assert all(e.capacity_t_per_day == 9000.0 for e in edges)


def test_rail_edges_status_filter_default_capacity_and_repeated_station():
    rows = [row("L2", 1, "A", "0", "planned 1947"), row("L2", 2, "B", "80", "planned 1947"),
            row("L3", 1, "B", "0", "Operational (single track)"), row("L3", 2, "B (yard)", "3"), row("L3", 3, "C", "70")]
    edges = net.rail_edges(rows, COORDS, {}, {}, 5000.0, ["operational"])
    assert [(e.src, e.dst, e.km, e.capacity_t_per_day) for e in edges] == [("B", "C", 67.0, 5000.0)]


def test_build_graph_keeps_the_shortest_of_parallel_edges():
    edges = [EdgeSpec("A", "B", "rail", 120.0, 5000), EdgeSpec("B", "A", "road", 100.0, 0),
             EdgeSpec("B", "C", "track", 60.0, 0)]
    g = net.build_graph(["A", "B", "C", "D"], edges)
    assert set(g.nodes) == {"A", "B", "C", "D"} and g.number_of_edges() == 2
    ab = g.edges["A", "B"]
    assert ab["km"] == 100.0 and ab["kinds"] == {"rail", "road"} and ab["ids"] == [0, 1]


def test_route_via_and_unreachable():
    edges = [EdgeSpec("A", "B", "road", 10, 0), EdgeSpec("B", "C", "road", 10, 0), EdgeSpec("A", "C", "road", 50, 0),
             EdgeSpec("C", "D", "road", 5, 0), EdgeSpec("A", "D", "road", 100, 0)]
    g = net.build_graph(["A", "B", "C", "D", "E"], edges)
    assert net.route(g, "A", "D") == ["A", "B", "C", "D"]
    assert net.route(g, "A", "C", via=["D"]) == ["A", "B", "C", "D", "C"]
    assert net.route(g, "A", "E") is None and net.route(g, "A", "Nowhere") is None


def test_route_length_matches_networkx_on_random_graph():
    rng = np.random.default_rng(21)
    names = [f"p{i}" for i in range(25)]
    edges = [EdgeSpec(names[a], names[b], "road", float(rng.uniform(1, 100)), 0)
             for a, b in rng.integers(0, 25, (60, 2)) if a != b]
    g = net.build_graph(names, edges)
    for a, b in rng.integers(0, 25, (30, 2)):
        path = net.route(g, names[a], names[b])
        if not nx.has_path(g, names[a], names[b]):
            assert path is None
            continue
        km = sum(g.edges[u, v]["km"] for u, v in zip(path, path[1:]))
        assert km == pytest.approx(nx.shortest_path_length(g, names[a], names[b], weight="km"))


SEA = [EdgeSpec("Port", "Cape", "sea", 300.0, 0), EdgeSpec("Cape", "Bay", "sea", 200.0, 0),
       EdgeSpec("Port", "Bay", "sea", 900.0, 0), EdgeSpec("Port", "Bay", "sea", 450.0, 0,
                                                           season=(dt.date(1944, 7, 1), dt.date(1944, 9, 30))),
       EdgeSpec("Port", "Bay", "road", 10.0, 0), EdgeSpec("Bay", "Inlet", "river", 40.0, 0)]


@pytest.mark.parametrize("day,path,km", [(None, ["Port", "Bay"], 450.0),
                                         (dt.date(1944, 8, 1), ["Port", "Bay"], 450.0),
                                         (dt.date(1944, 6, 1), ["Port", "Cape", "Bay"], 500.0)])
def test_water_route_by_kind_and_season(day, path, km):
    assert net.water_route(SEA, "sea", "Port", "Bay", day) == (path, km)


def test_water_route_unreachable():
    assert net.water_route(SEA, "sea", "Port", "Inlet") == (None, float("inf"))
    assert net.water_route(SEA, "river", "Bay", "Inlet") == (["Bay", "Inlet"], 40.0)
