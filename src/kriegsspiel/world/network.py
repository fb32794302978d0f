"""The theatre's network: places joined by rail, road, track, river and sea edges, with lengths computed.

Lengths are never typed in: a rail edge takes the difference of the stations' km posts along the line
(rail.csv, 1944 route) where both are known, otherwise the great-circle distance times a route factor;
other edges take the great-circle distance times their kind's route factor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import networkx as nx
import numpy as np

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius (Moritz, Geodetic Reference System 1980)

# Route (circuity) factors: network distance / great-circle distance. ASSUMPTION of this project, set near
# the circuity of rural road and rail networks (Ballou, Rahardja & Sakai 2002, "Selected country circuity
# factors for road travel distance estimation", Transportation Research A 36: 1.2-1.4 by country).
ROUTE_FACTOR = {"rail": 1.2, "road": 1.3, "track": 1.4, "river": 1.3, "sea": 1.1}

EDGE_KINDS = ("rail", "road", "track", "river", "sea")


def great_circle_km(lat1, lon1, lat2, lon2):
    """Haversine distance in km (arrays broadcast)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class EdgeSpec:
    src: str
    dst: str
    kind: str
    km: float
    capacity_t_per_day: float
    line_id: str = ""
    season: tuple | None = None
    quality: str = "mediocre"       # good / mediocre / poor (roads)
    terrain: str | None = None      # QJM terrain class along the edge (None: from its ends)
    routes: int = 1                 # parallel roads or tracks the edge stands for (movement capacity)


def _station_key(station: str) -> str:
    """'Khabarovsk (Amur bridge km 8512 just west)' -> 'khabarovsk'; 'Vanino / Sovetskaya Gavan' -> 'vanino'."""
    base = re.split(r"[(/]| - ", station)[0]
    return base.strip().lower()


def match_station(station: str, place_names: list[str], aliases: dict[str, str]) -> str | None:
    if station in aliases:
        return aliases[station]
    key = _station_key(station)
    for name in place_names:
        if _station_key(name) == key or name.lower() == station.lower():
            return name
    for name in place_names:
        if name.lower().startswith(key) and len(key) > 4:
            return name
    return None


def rail_edges(rows: list[dict], coords: dict[str, tuple[float, float]], aliases: dict[str, str],
               capacity: dict[str, float], default_capacity: float, include_status: list[str]) -> list[EdgeSpec]:
    """Chain each line's stations that are places of the scenario, in `seq` order."""
    names = list(coords)
    lines: dict[str, list[dict]] = {}
    for row in rows:
        lines.setdefault(row["line_id"], []).append(row)
    edges = []
    for line_id, stations in lines.items():
        stations = sorted(stations, key=lambda r: int(r["seq"]))
        if not any(stations[0]["status_1944"].lower().startswith(s.lower()) for s in include_status):
            continue
        matched = [(match_station(r["station"], names, aliases), r) for r in stations]
        matched = [(n, r) for n, r in matched if n is not None]
        for (a, ra), (b, rb) in zip(matched, matched[1:]):
            if a == b:
                continue
            try:
                km = abs(float(rb["km_from_line_start"]) - float(ra["km_from_line_start"]))
            except (TypeError, ValueError):
                km = float(great_circle_km(*coords[a], *coords[b])) * ROUTE_FACTOR["rail"]
            edges.append(EdgeSpec(a, b, "rail", km, capacity.get(line_id, default_capacity), line_id))
    return edges


def build_graph(place_names: list[str], edges: list[EdgeSpec]) -> nx.Graph:
    """Undirected graph; parallel edges of different kinds keep the shortest as `km` and list all kinds."""
    g = nx.Graph()
    g.add_nodes_from(place_names)
    for i, e in enumerate(edges):
        if g.has_edge(e.src, e.dst):
            data = g.edges[e.src, e.dst]
            data["kinds"].add(e.kind)
            data["ids"].append(i)
            data["km"] = min(data["km"], e.km)
        else:
            g.add_edge(e.src, e.dst, km=e.km, kinds={e.kind}, ids=[i])
    return g


def route(g: nx.Graph, origin: str, objective: str, via: list[str] = ()) -> list[str] | None:
    """Shortest route (km) origin -> via... -> objective, or None when no route reaches it."""
    stops = [origin, *via, objective]
    path = [origin]
    for a, b in zip(stops, stops[1:]):
        try:
            leg = nx.shortest_path(g, a, b, weight="km")
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return None
        path += leg[1:]
    return path


def water_route(edges: list[EdgeSpec], kind: str, origin: str, objective: str, day=None):
    """Shortest route by `kind` ('sea' or 'river') edges open on `day` (an edge with a `season` is open between
    its two dates; None: any season). Returns (place names, km), or (None, inf) when none reaches."""
    g = nx.Graph()
    for e in edges:
        if e.kind != kind:
            continue
        if day is not None and e.season is not None and not (e.season[0] <= day <= e.season[1]):
            continue
        if not g.has_edge(e.src, e.dst) or g.edges[e.src, e.dst]["km"] > e.km:
            g.add_edge(e.src, e.dst, km=e.km)
    try:
        path = nx.shortest_path(g, origin, objective, weight="km")
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return None, float("inf")
    return path, float(sum(g.edges[a, b]["km"] for a, b in zip(path, path[1:])))
