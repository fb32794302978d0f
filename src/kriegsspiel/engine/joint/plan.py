"""The plan of the joint phases: the scenario's joint operations mapped to unit and place indices once.

``make_plan(c)`` reads data/parameters/joint.yaml (ship classes, coastal batteries, aircraft), counts every
unit's ships and batteries, splits each operation's forces into fleet, air and troops, and routes the
landings (by sea) and river assaults (by river). Nothing here changes during a run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import networkx as nx
import numpy as np
import yaml

from ...params import SURPRISE
from ...world.network import great_circle_km


@lru_cache(maxsize=None)
def joint_params() -> dict:
    """data/parameters/joint.yaml as a dict (read once)."""
    return yaml.safe_load(resources.files("kriegsspiel.data.parameters").joinpath("joint.yaml").read_text("utf-8"))


@dataclass
class JOp:
    j: int                       # index among the scenario's joint operations
    name: str
    type: str
    side: int
    start: int
    after: np.ndarray            # places that must be held by `side` first
    origin: int
    objective: int
    targets: list[int]
    fleet: np.ndarray            # units with ships
    air: np.ndarray              # units with aircraft
    troops: np.ndarray           # the other units
    duration: int | None
    sorties: float | None
    surprise: int
    route_km: float = 0.0
    route: list[int] = field(default_factory=list)


@dataclass
class Plan:
    ops: list[JOp]
    ship_names: list[str]
    ship: dict                   # per-class arrays (K,)
    battery_names: list[str]
    battery: dict                # per-class arrays (B,)
    ships0: np.ndarray           # (U, K)
    batteries0: np.ndarray       # (U, B)
    air_model: list              # per unit: aircraft dict or None
    dist_km: np.ndarray          # (P, P) great-circle
    urban: np.ndarray            # (P,) bool


def _sea_or_river_route(theatre, kind, origin, objective, day):
    g = nx.Graph()
    for e in theatre.edges:
        if e.kind != kind:
            continue
        if day is not None and e.season is not None and not (e.season[0] <= day <= e.season[1]):
            continue
        if not g.has_edge(e.src, e.dst) or g.edges[e.src, e.dst]["km"] > e.km:
            g.add_edge(e.src, e.dst, km=e.km)
    try:
        path = nx.shortest_path(g, origin, objective, weight="km")
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return None, math.inf
    return path, float(sum(g.edges[a, b]["km"] for a, b in zip(path, path[1:])))


def _ship_classes(jp) -> tuple[list[str], dict]:
    """Names and per-class arrays (K,) of the ship classes of joint.yaml."""
    sc = jp["ship_classes"]
    ship_names = list(sc)
    ship = {k: np.array([float(sc[n].get(k, 0) or 0) for n in ship_names]) for k in
            ("main_guns", "shell_kg", "rof", "lift_men", "daihatsu", "shohatsu")}
    kinds = [sc[n]["kind"] for n in ship_names]
    for kind in ("warship", "escort", "submarine", "transport", "river", "river_transport"):
        ship[kind] = np.array([k == kind for k in kinds])
    ship["broadside"] = ship["main_guns"] * ship["shell_kg"]
    crew = jp["naval"]["crew_per_ship"]
    ship["crew"] = np.array([float(crew[k]) for k in kinds])
    ship["hits_to_sink"] = np.where(ship["broadside"] >= 1000.0, jp["naval"]["hits_to_sink"]["warship_large"],
                                    jp["naval"]["hits_to_sink"]["warship_small"]).astype(float)
    return ship_names, ship


def _unit_holdings(s, jp, ship_names, battery_names) -> tuple[np.ndarray, np.ndarray, list]:
    """Ships (U, K) and batteries (U, B) of every unit, and its aircraft dict (or None)."""
    U = len(s.units)
    ships0 = np.zeros((U, len(ship_names)))
    bat0 = np.zeros((U, len(battery_names)))
    air_model = []
    aircraft = jp["air"]["aircraft"]
    for i, u in enumerate(s.units):
        ut = s.unit_types[u.type]
        scale = u.count * u.strength
        for k, n in ut.ships.items():
            if k in ship_names:
                ships0[i, ship_names.index(k)] = n * scale
        for k, n in ut.batteries.items():
            if k in battery_names:
                bat0[i, battery_names.index(k)] = n * scale
        air_model.append(aircraft.get(ut.aircraft_model) if ut.aircraft_model else None)
    return ships0, bat0, air_model


def _plan_op(c, j, op, unit_index, ships0, air_model) -> JOp:
    """One joint operation with its forces split into fleet, air and troops, and its route if it has one."""
    s, th = c.scenario, c.theatre
    idx = th.index
    forces = np.array([unit_index[f] for f in op.forces], dtype=np.int64)
    has_ships = ships0[forces].sum(axis=1) > 0 if len(forces) else np.zeros(0, bool)
    has_air = np.array([air_model[f] is not None and c.aircraft0[f] > 0 for f in forces], dtype=bool)
    fleet, airu = forces[has_ships], forces[has_air & ~has_ships]
    troops = forces[~has_ships & ~has_air]
    origin = op.origin or (s.units[forces[0]].location if len(forces) else op.objective)
    names = op.targets or ([op.objective] if op.type.value != "airborne_drop" else (op.drop_zones or [op.objective]))
    jo = JOp(j=j, name=op.name, type=op.type.value, side=c.side_keys.index(op.side), start=op.start_day,
             after=np.array([idx[n] for n in op.conditions.start_after_captured], dtype=np.int64),
             origin=idx[origin], objective=idx[op.objective], targets=[idx[n] for n in names],
             fleet=fleet, air=airu, troops=troops, duration=op.duration_days, sorties=op.sorties_per_day,
             surprise=SURPRISE.index(op.surprise))
    day = c.dates[min(op.start_day, len(c.dates) - 1)]
    kind = {"amphibious_landing": "sea", "river_assault": "river"}.get(jo.type)
    if kind:
        path, km = _sea_or_river_route(th, kind, origin, op.objective, day)
        jo.route, jo.route_km = [idx[n] for n in (path or [])], km
    return jo


def make_plan(c) -> Plan:
    jp, th = joint_params(), c.theatre
    ship_names, ship = _ship_classes(jp)
    battery_names = list(jp["coastal_batteries"])
    bc = jp["coastal_batteries"]
    battery = {k: np.array([float(bc[n][k]) for n in battery_names]) for k in ("guns", "shell_kg", "rof", "range_km")}
    ships0, bat0, air_model = _unit_holdings(c.scenario, jp, ship_names, battery_names)
    lat, lon = th.lat, th.lon
    dist = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    urban = np.array(["city" in k for k in th.kinds])
    unit_index = {n: i for i, n in enumerate(c.unit_names)}
    ops = [_plan_op(c, j, op, unit_index, ships0, air_model) for j, op in enumerate(c.joint_ops)]
    return Plan(ops, ship_names, ship, battery_names, battery, ships0, bat0, air_model, dist, urban)
