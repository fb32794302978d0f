"""Build the Theatre of a loaded scenario: places (file or inline), owners from the sides' countries, the
rail network from the rail file, the scenario's own edges with computed lengths. Every problem is reported
with the file, the line and the field."""

from __future__ import annotations

import numpy as np

from ..params import terrain_class_of
from ..world.network import ROUTE_FACTOR, EdgeSpec, great_circle_km, rail_edges
from ..world.theatre import Theatre
from .errors import Problem, short


def build_theatre(loaded) -> tuple[Theatre, list[Problem]]:
    s = loaded.scenario
    side_keys = list(s.sides)
    problems: list[Problem] = []
    places = loaded.places
    names = [p.name for p in places]
    coords = {p.name: (p.lat, p.lon) for p in places}
    owner = np.zeros(len(places), dtype=np.int8)
    for i, p in enumerate(places):
        if p.owner is not None:
            owner[i] = side_keys.index(p.owner)
            continue
        hits = [k for k, side in enumerate(s.sides.values()) if p.country and any(p.country.startswith(c) for c in side.countries)]
        if not hits:
            problems.append(Problem(str(loaded.path), loaded.line("places"), f"places[{p.name}]", short(p.country),
                                    "a country listed in one side's `countries`, or an explicit `owner`"))
        else:
            owner[i] = hits[0]
    edges: list[EdgeSpec] = []
    if s.network.rail is not None:
        r = s.network.rail
        edges += rail_edges(loaded.rail_rows, coords, r.station_aliases, r.capacity_t_per_day,
                            r.default_capacity_t_per_day, r.include_status)
    for i, e in enumerate(s.network.edges):
        missing = [n for n in (e.from_, e.to) if n not in coords]
        for n in missing:
            problems.append(Problem(str(loaded.path), loaded.line("network", "edges", i), f"network.edges[{i}]",
                                    short(n), "the name of a place of the scenario"))
        if missing:
            continue
        km = e.km if e.km is not None else float(great_circle_km(*coords[e.from_], *coords[e.to])) * ROUTE_FACTOR[e.kind.value]
        cap = e.capacity_t_per_day if e.capacity_t_per_day is not None else _default_capacity(e.kind.value, e.quality)
        terrain = None
        if e.terrain is not None:
            terrain = terrain_class_of(e.terrain)
            if terrain is None:
                problems.append(Problem(str(loaded.path), loaded.line("network", "edges", i, "terrain"),
                                        f"network.edges[{i}].terrain", short(e.terrain),
                                        "a terrain class of data/parameters/terrain_map.yaml or ground.yaml"))
        edges.append(EdgeSpec(e.from_, e.to, e.kind.value, km, cap, season=e.season, quality=e.quality,
                              terrain=terrain, routes=e.routes))
    terrain = []
    for i, p in enumerate(places):
        cls = terrain_class_of(p.terrain)
        if cls is None:
            problems.append(Problem(str(loaded.path), loaded.line("places"), f"places[{p.name}].terrain", short(p.terrain),
                                    "a terrain class of data/parameters/terrain_map.yaml or ground.yaml"))
            cls = "flat_mixed"
        terrain.append(cls)
    kinds = [p.kind for p in places]
    port = np.array([p.port if p.port is not None else ("port" in p.kind or "naval_base" in p.kind) for p in places])
    coastal = np.array([p.coastal if p.coastal is not None else bool(port[i]) or "coast" in p.terrain or "island" in p.terrain
                        for i, p in enumerate(places)])
    theatre = Theatre(
        names=names,
        lat=np.array([p.lat for p in places]),
        lon=np.array([p.lon for p in places]),
        terrain=terrain,
        owner=owner,
        fortification=np.array([p.fortification for p in places], dtype=float),
        supply_source=np.array([p.supply_source for p in places]),
        port=port,
        frontage_km=np.array([np.nan if p.frontage_km is None else p.frontage_km for p in places], dtype=float),
        depth_km=np.array([np.nan if p.depth_km is None else p.depth_km for p in places], dtype=float),
        coastal=coastal,
        kinds=kinds,
        edges=edges,
        side_keys=side_keys,
    )
    return theatre, problems


def _default_capacity(kind: str, quality: str) -> float:
    """Net tons/day of an edge not given a capacity.

    ASSUMPTIONS (order of magnitude; see docs/models/supply.md): a dirt road with 1944 Soviet/Japanese motor
    and horse transport 300-1,000 t/day by quality; a track 150 t/day; a river line 2,000 t/day; a sea lane
    5,000 t/day. Rail comes from rail.csv (far-east-1944/environment.yaml: ~600-800 t per train).
    """
    return {"road": {"good": 1000.0, "mediocre": 600.0, "poor": 300.0}[quality], "track": 150.0, "river": 2000.0,
            "sea": 5000.0, "rail": 3000.0}[kind]
