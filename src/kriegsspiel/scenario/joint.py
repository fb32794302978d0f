"""The plan of the joint operations: the scenario's naval, air, airborne, amphibious, riverine and siege
operations mapped to unit and place indices once, with the ship, battery and aircraft tables of the parameters.

``make_plan(c)`` counts every unit's ships and batteries (``Params.ship_classes``, ``coastal_batteries``),
splits each operation's forces into fleet, air and troops, routes the landings (by sea) and river assaults
(by river), and lists the airborne drop zones. Nothing here changes during a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..codes import Surprise
from ..params import Params
from ..world.network import great_circle_km, water_route

SHIP_KINDS = ("warship", "escort", "submarine", "transport", "river", "river_transport")


@dataclass
class JOp:
    j: int                       # index among the scenario's joint operations
    name: str
    type: str
    side: int
    start: int
    after: np.ndarray            # places that must be held by `side` first
    after_ops: tuple             # (ground, joint) operation indices that must have started first
    delay: int                   # days from the start conditions first holding to the start
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
    route_mask: np.ndarray | None = None     # (P,) bool the places of the sea or river route (or the objective)
    cancelled: str | None = None             # why it cannot take place (its water route is closed on its day)


@dataclass
class Drop:
    """One airborne drop zone: troop unit k of the operation goes to drop zone k mod Z."""

    k: int                       # index among all drops
    op: JOp
    zone: int                    # place
    units: np.ndarray            # troop units dropped here


@dataclass
class Plan:
    ops: list[JOp]
    ship_names: list[str]
    ship: dict                   # per-class arrays (K,)
    battery_names: list[str]
    battery: dict                # per-class arrays (B,)
    ships0: np.ndarray           # (U, K)
    batteries0: np.ndarray       # (U, B)
    air_model: list              # per unit: aircraft mapping or None
    dist_km: np.ndarray          # (P, P) great-circle
    urban: np.ndarray            # (P,) bool
    ship_units: np.ndarray       # units that hold ships (every other unit's ship rows stay zero)
    drops: list[Drop]

    def of_type(self, *types: str) -> list[JOp]:
        """The operations of these types that can take place (a cancelled one never starts: phases skip it)."""
        return [o for o in self.ops if o.type in types and o.cancelled is None]

    def drops_of(self, o: JOp) -> list[Drop]:
        return [z for z in self.drops if z.op is o]


def _ship_classes(p: Params) -> tuple[list[str], dict]:
    """Names and per-class arrays (K,) of the ship classes."""
    sc = p.ship_classes
    ship_names = list(sc)
    ship = {k: np.array([float(sc[n].get(k, 0) or 0) for n in ship_names]) for k in
            ("main_guns", "shell_kg", "rof", "lift_men", "daihatsu", "shohatsu")}
    kinds = [sc[n]["kind"] for n in ship_names]
    for kind in SHIP_KINDS:
        ship[kind] = np.array([k == kind for k in kinds])
    ship["broadside"] = ship["main_guns"] * ship["shell_kg"]
    ship["crew"] = np.array([p[f"naval.crew_per_ship.{k}"] for k in kinds])
    ship["hits_to_sink"] = np.where(ship["broadside"] >= 1000.0, p["naval.hits_to_sink.warship_large"],
                                    p["naval.hits_to_sink.warship_small"]).astype(float)
    return ship_names, ship


def _unit_holdings(s, p: Params, ship_names, battery_names) -> tuple[np.ndarray, np.ndarray, list]:
    """Ships (U, K) and batteries (U, B) of every unit, and its aircraft mapping (or None)."""
    U = len(s.units)
    ships0 = np.zeros((U, len(ship_names)))
    bat0 = np.zeros((U, len(battery_names)))
    air_model = []
    for i, u in enumerate(s.units):
        ut = s.unit_types[u.type]
        scale = u.count * u.strength
        for k, n in ut.ships.items():
            if k in ship_names:
                ships0[i, ship_names.index(k)] = n * scale
        for k, n in ut.batteries.items():
            if k in battery_names:
                bat0[i, battery_names.index(k)] = n * scale
        air_model.append(p.aircraft.get(ut.aircraft_model) if ut.aircraft_model else None)
    return ships0, bat0, air_model


def _plan_op(c, j, op, unit_index, ships0, air_model) -> JOp:
    """One joint operation with its forces split into fleet, air and troops, and its route if it has one."""
    from .compile import operation_refs

    s, th = c.scenario, c.theatre
    idx = th.index
    forces = np.array([unit_index[f] for f in op.forces], dtype=np.int64)
    has_ships = ships0[forces].sum(axis=1) > 0 if len(forces) else np.zeros(0, bool)
    has_air = np.array([air_model[f] is not None and c.aircraft0[f] > 0 for f in forces], dtype=bool)
    fleet, airu = forces[has_ships], forces[has_air & ~has_ships]
    troops = forces[~has_ships & ~has_air]
    origin = op.origin or (s.units[forces[0]].location if len(forces) else op.objective)
    names = op.targets or ([op.objective] if op.type.value != "airborne_drop" else (op.drop_zones or [op.objective]))
    jo = JOp(j=j, name=op.name, type=op.type.value, side=c.side_keys.index(op.side), start=s.op_start_day(op),
             after=np.array([idx[n] for n in op.conditions.start_after_captured], dtype=np.int64),
             after_ops=operation_refs(s, op), delay=op.conditions.start_delay_days,
             origin=idx[origin], objective=idx[op.objective], targets=[idx[n] for n in names],
             fleet=fleet, air=airu, troops=troops, duration=op.duration_days, sorties=op.sorties_per_day,
             surprise=Surprise[op.surprise])
    day = c.dates[min(max(s.op_start_day(op), 0), len(c.dates) - 1)]
    kind = {"amphibious_landing": "sea", "river_assault": "river"}.get(jo.type)
    if kind:
        path, km = water_route(th.edges, kind, origin, op.objective, day)
        jo.route, jo.route_km = [idx[n] for n in (path or [])], km
        if path is None:
            # the checks refuse a route that no season opens; one closed on the day (ice) cancels the operation,
            # and the run says why
            jo.cancelled = (f"the sea lanes from {origin} to {op.objective} are closed by ice on {day}"
                            if kind == "sea" else
                            f"the river from {origin} to {op.objective} is frozen (out of its navigation season) on {day}")
    jo.route_mask = np.zeros(len(th.names), bool)
    jo.route_mask[jo.route or [jo.objective]] = True
    return jo


def make_plan(c) -> Plan:
    p, th = c.params, c.theatre
    ship_names, ship = _ship_classes(p)
    battery_names = list(p.coastal_batteries)
    bc = p.coastal_batteries
    battery = {k: np.array([float(bc[n][k]) for n in battery_names]) for k in ("guns", "shell_kg", "rof", "range_km")}
    ships0, bat0, air_model = _unit_holdings(c.scenario, p, ship_names, battery_names)
    lat, lon = th.lat, th.lon
    dist = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    urban = np.array(["city" in k for k in th.kinds])
    unit_index = {n: i for i, n in enumerate(c.unit_names)}
    ops = [_plan_op(c, j, op, unit_index, ships0, air_model) for j, op in enumerate(c.joint_ops)]
    drops = []
    for o in ops:
        if o.type == "airborne_drop":
            Z = len(o.targets)
            drops += [Drop(len(drops) + z, o, dz, o.troops[z::Z]) for z, dz in enumerate(o.targets)]
    return Plan(ops, ship_names, ship, battery_names, battery, ships0, bat0, air_model, dist, urban,
                ship_units=np.flatnonzero(ships0.any(axis=1)), drops=drops)
