"""world/theatre.Theatre: the index of places, the full and the land graph, land routes."""

from pathlib import Path

import numpy as np
import pytest

from kriegsspiel import api
from kriegsspiel.world.network import EdgeSpec
from kriegsspiel.world.theatre import LAND_KINDS, Theatre

MINI = Path(__file__).resolve().parents[1] / "scenarios" / "mini.yaml"
NAMES = ["Port", "Town", "Fort", "Isle", "Ferry"]


def theatre(edges) -> Theatre:
    n = len(NAMES)
    return Theatre(names=list(NAMES), lat=np.linspace(40, 44, n), lon=np.linspace(130, 134, n), terrain=["flat_mixed"] * n,
                   owner=np.zeros(n, int), fortification=np.zeros(n), supply_source=np.zeros(n, bool),
                   port=np.array([True, False, False, True, False]), coastal=np.zeros(n, bool), kinds=["city"] * n,
                   edges=edges, frontage_km=np.full(n, np.nan), depth_km=np.full(n, np.nan), side_keys=["red", "blue"])


EDGES = [EdgeSpec("Port", "Town", "rail", 80.0, 5000), EdgeSpec("Town", "Fort", "road", 40.0, 0),
         EdgeSpec("Port", "Fort", "track", 150.0, 0), EdgeSpec("Port", "Isle", "sea", 60.0, 0),
         EdgeSpec("Fort", "Ferry", "river", 5.0, 0), EdgeSpec("Port", "Fort", "sea", 30.0, 0)]


def test_index_is_the_position_of_each_name():
    t = theatre(EDGES)
    assert t.index == {n: i for i, n in enumerate(NAMES)}
    assert [t.names[t.index[n]] for n in NAMES] == NAMES


def test_land_graph_has_only_land_edges():
    t = theatre(EDGES)
    assert LAND_KINDS == {"rail", "road", "track"}
    assert set(t.graph.nodes) == set(t.land_graph.nodes) == set(NAMES)
    assert t.graph.has_edge("Port", "Isle") and t.graph.has_edge("Fort", "Ferry")
    assert not t.land_graph.has_edge("Port", "Isle") and not t.land_graph.has_edge("Fort", "Ferry")
    assert t.graph.edges["Port", "Fort"]["km"] == 30.0 and t.land_graph.edges["Port", "Fort"]["km"] == 150.0
    assert all(d["kinds"] <= LAND_KINDS for _, _, d in t.land_graph.edges(data=True))


@pytest.mark.parametrize("origin,objective,via,want", [
    ("Port", "Fort", [], ["Port", "Town", "Fort"]),            # 80 + 40 by rail and road beats 150 by track
    ("Fort", "Port", [], ["Fort", "Town", "Port"]),
    ("Town", "Town", ["Port"], ["Town", "Port", "Town"]),
    ("Port", "Isle", [], None),                                # by sea only
    ("Port", "Ferry", [], None),                               # by river only
])
def test_route_by_land(origin, objective, via, want):
    assert theatre(EDGES).route(origin, objective, via) == want


def test_mini_theatre_route_follows_the_railway():
    t = api.compile(str(MINI)).theatre
    assert t.route("Suifenhe", "Vladivostok") == ["Suifenhe", "Pogranichny", "Ussuriysk", "Vladivostok"]
    assert t.route("Harbin", "Khabarovsk", via=["Vladivostok"])[-3:] == ["Vladivostok", "Ussuriysk", "Khabarovsk"]
    assert len(t.names) == len(t.lat) == len(t.owner) == t.land_graph.number_of_nodes()
