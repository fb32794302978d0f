"""Compile a loaded scenario: names at the edges, integer indices and numpy arrays inside."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from ..codes import BEHAVIOURS, MOBILITIES, POSTURES, SURPRISE
from ..models.supply import neighbour_table
from ..params import Params, default_params
from ..world.theatre import Theatre
from .load import LoadedScenario
from .schema import OperationType, Scenario
from .theatre import build_theatre

NO_OP = -1


@dataclass
class Compiled:
    """Static world of a scenario (never mutated by the engine)."""

    loaded: LoadedScenario
    theatre: Theatre
    params: Params
    side_keys: list[str]
    dates: list[dt.date]
    # places (P)
    terrain_idx: np.ndarray
    zone: np.ndarray                 # weather zone 0 east, 1 west
    neighbours: np.ndarray           # (P, K) int, -1 padded, land neighbours
    land_km: np.ndarray              # (P, P) shortest land km
    rail_km: np.ndarray              # (P, P) shortest rail km (inf: none)
    rail_src: np.ndarray             # (Er,) rail edge endpoints
    rail_dst: np.ndarray
    rail_cap: np.ndarray             # (Er,) t/day
    rail_nb: np.ndarray              # (P, Kr) rail neighbour table
    rail_eid: np.ndarray             # (P, Kr) rail edge id of each rail neighbour
    supply_source: np.ndarray        # (P,) bool
    # units (U)
    unit_names: list[str]
    unit_side: np.ndarray
    unit_type: list[str]
    men0: np.ndarray                 # int64
    guns0: np.ndarray
    tanks0: np.ndarray
    aircraft0: np.ndarray
    quality: np.ndarray
    mobility: np.ndarray
    march_mobility: np.ndarray       # the mobility it marches by: mechanised for lorried infantry, else `mobility`
    posture0: np.ndarray
    loc0: np.ndarray
    role: np.ndarray                 # 0 front, 1 reserve, 2 garrison
    arrives: np.ndarray
    departs: np.ndarray              # day the unit leaves the theatre (-1: never)
    behaviour: np.ndarray            # index into BEHAVIOURS
    insensitive: np.ndarray          # bool: the unit's side is casualty-insensitive
    supply_t: np.ndarray             # combat consumption t/day
    stock0: np.ndarray               # (U,) days of combat supply held at the start and refilled toward (its side's)
    unit_op: np.ndarray              # first operation of each unit, or -1
    unit_ops: np.ndarray             # (U, K) the unit's operations in plan order, -1 padded
    # ground operations (O)
    op_names: list[str]
    op_side: np.ndarray
    op_start: np.ndarray
    op_objectives: np.ndarray        # (O, L) places to take in order (via, objectives, objective, switch_to), -1 padded
    op_n_objectives: np.ndarray      # (O,)
    op_origin: np.ndarray            # (O,) place the operation starts from
    op_main: np.ndarray
    op_surprise: np.ndarray
    op_halt_strength: np.ndarray
    op_halt_ratio: np.ndarray
    op_bypass_days: np.ndarray       # (O,) conditions.bypass_after_days (-1: the default, manoeuvre.yaml)
    op_after: list[np.ndarray]       # places that must be held before the start
    op_after_ops: list[tuple]        # (ground, joint) operation indices that must have started before the start
    op_delay: np.ndarray             # (O,) days from the start conditions first holding to the start
    doctrine_days: list              # (n_days,) CompiledDoctrine: each side's doctrine on each day
    sea_supply: np.ndarray           # (S,) bool: the side's ports supply it
    # land movement network (E land edges, one per pair of places: the fastest)
    edge_src: np.ndarray             # (E,)
    edge_dst: np.ndarray
    edge_km: np.ndarray              # (E,) km
    edge_class: np.ndarray           # (E,) route class: 0 road good, 1 road mediocre, 2 road poor, 3 track (or rail)
    edge_terrain: np.ndarray         # (E,) QJM terrain index along the edge
    edge_routes: np.ndarray          # (E,) parallel routes, in columns of the edge's class (movement capacity)
    nb_ptr: np.ndarray               # (P + 1,) CSR: the land neighbours of place i are nb_place[nb_ptr[i]:nb_ptr[i+1]]
    nb_place: np.ndarray             # (2E,)
    nb_edge: np.ndarray              # (2E,) the edge to each of them
    freight_ref: int
    endings: list = field(default_factory=list)     # CompiledEnding of the scenario's endings
    joint_ops: list = field(default_factory=list)   # non-ground operations (scenario.joint compiles them)
    plan: object = None                             # scenario.joint.Plan of the joint operations

    @property
    def n_days(self) -> int:
        return len(self.dates)

    @property
    def scenario(self) -> Scenario:
        return self.loaded.scenario


def _all_pairs_km(g: nx.Graph, names: list[str]) -> np.ndarray:
    idx = {n: i for i, n in enumerate(names)}
    out = np.full((len(names), len(names)), np.inf)
    for src, dists in nx.all_pairs_dijkstra_path_length(g, weight="km"):
        for dst, km in dists.items():
            out[idx[src], idx[dst]] = km
    return out


@dataclass(frozen=True)
class CompiledDoctrine:
    """Each side's doctrine on one day (arrays over the sides S; places P): the scenario's `doctrine` with the
    `changes` dated up to that day applied."""

    reserve_ratio: np.ndarray        # (S,)
    counter_ratio: np.ndarray        # (S,)
    withdraw_ratio: np.ndarray       # (S,)
    reserves_by_rail: np.ndarray     # (S,) bool
    hold_fortified: np.ndarray       # (S,) bool
    surrender_days: np.ndarray       # (S,) int
    stand: np.ndarray                # (S, P) bool: held to the last
    withdraw_line: np.ndarray        # (S, P) bool: the named line to fall back to
    line_km: np.ndarray              # (S, P) land km from each place to the side's named line (inf: no line)
    trade_space: np.ndarray          # (S,) bool: adaptive withdrawal
    lateral_reserves: np.ndarray     # (S,) bool: reserves move by road


def compile_doctrine(docs: list[dict], idx: dict, land_km: np.ndarray) -> CompiledDoctrine:
    """The arrays of one doctrine per side (`docs`: a mapping of the schema Doctrine's fields per side)."""
    S, P = len(docs), len(idx)
    stand = np.zeros((S, P), dtype=bool)
    line = np.zeros((S, P), dtype=bool)
    for s_i, d in enumerate(docs):
        stand[s_i, [idx[n] for n in d["stand_places"]]] = True
        line[s_i, [idx[n] for n in d["withdraw_to"]]] = True
    line_km = np.array([np.where(line[s][None, :], land_km, np.inf).min(axis=1) for s in range(S)]).reshape(S, P)
    return CompiledDoctrine(
        reserve_ratio=np.array([d["reserve_commit_ratio"] for d in docs]),
        counter_ratio=np.array([d["counterattack_ratio"] for d in docs]),
        withdraw_ratio=np.array([d["withdraw_ratio"] for d in docs]),
        reserves_by_rail=np.array([d["reserves_by_rail"] for d in docs]),
        hold_fortified=np.array([d["hold_fortified"] for d in docs]),
        surrender_days=np.array([d["surrender_after_days_cut_off"] for d in docs], dtype=np.int64),
        stand=stand, withdraw_line=line, line_km=line_km,
        trade_space=np.array([d["trade_space"] for d in docs]),
        lateral_reserves=np.array([d["lateral_reserves"] for d in docs]))


def doctrine_by_day(s, docs: list, idx: dict, land_km: np.ndarray, n_days: int) -> list:
    """(n_days,) the CompiledDoctrine of each day: the scenario's doctrine, each side's `changes` applied from
    their dates on (the same object between two changes)."""
    fields = [f for f in type(docs[0]).model_fields if f != "changes"] if docs else []
    state = [{f: getattr(d, f) for f in fields} for d in docs]
    days = {s.day_of(ch.date) for d in docs for ch in d.changes}
    out, cur = [], compile_doctrine(state, idx, land_km) if docs else None
    for day in range(n_days):
        if day in days:
            for s_i, d in enumerate(docs):
                for ch in d.changes:
                    if s.day_of(ch.date) == day:
                        state[s_i].update({k: v for k, v in ch.model_dump(exclude={"date", "source", "note"}).items()
                                           if v is not None})
            cur = compile_doctrine(state, idx, land_km)
        out.append(cur)
    return out


@dataclass(frozen=True)
class CompiledEnding:
    type: str                     # capitulation / ceasefire / defection
    side: int                     # the side that capitulates, defects from, or whose losses trigger it (-1: none)
    day: int                      # on this day (-1: no date)
    places: np.ndarray            # places whose loss triggers it
    min_lost: int                 # ... how many of them
    strength_below: float         # ... or the side's men in the field and in supply below this share (-1: none)
    units: np.ndarray             # a contingent's capitulation or defection: these units only (empty: the whole side)
    hands_over: np.ndarray        # defection: places that pass to the other side


def operation_refs(s, op) -> tuple[np.ndarray, np.ndarray]:
    """The operations `op` waits for (`conditions.start_after_started`) as (ground, joint) operation indices."""
    from .schema import OperationType

    ground = [o.name for o in s.operations if o.type is OperationType.ground_offensive]
    joint = [o.name for o in s.operations if o.type is not OperationType.ground_offensive]
    names = op.conditions.start_after_started
    return (np.array([ground.index(n) for n in names if n in ground], dtype=np.int64),
            np.array([joint.index(n) for n in names if n in joint], dtype=np.int64))


def _contingent(s, e, unit_index) -> np.ndarray:
    """The units an ending's contingent names (`units`, and the side's units of the armies in `nations`), in
    scenario order; empty for a whole side."""
    named = set(e.units) | {u.name for u in s.units if u.side == e.side and s.army_of(u) in set(e.nations)}
    return np.array(sorted(unit_index[n] for n in named), dtype=np.int64)


ROUTE_CLASS = {("road", "good"): 0, ("road", "mediocre"): 1, ("road", "poor"): 2}
TRACK = 3


def _land_edges(theatre: Theatre, terrain_idx: np.ndarray, params: Params) -> dict:
    """The land network for movement: one edge per pair of places (the fastest of parallel ones: the best road
    class, then the shorter), its route class and terrain (given, else the end with the lower QJM mobility), its
    routes (`edge_routes`: the parallel roads and tracks between the pair, each counted by its `routes` and its
    class's capacity relative to the best class's, manoeuvre.yaml `capacity_men_per_day`: two roads carry two
    columns; a railway counts only where it is the pair's one link), and the neighbour lists (CSR)."""
    idx = theatre.index
    mobility = params.terrain[:, 0]
    best: dict[tuple[int, int], tuple] = {}
    cap_of = [params[f"manoeuvre.capacity_men_per_day.{k}"] for k in ("road_good", "road_mediocre", "road_poor", "track")]
    capacity: dict[tuple[int, int], float] = {}
    for e in theatre.edges:
        if e.kind not in ("road", "track", "rail"):
            continue
        a, b = sorted((idx[e.src], idx[e.dst]))
        if a == b:
            continue
        cls = ROUTE_CLASS.get((e.kind, e.quality), TRACK)
        if e.terrain is not None:
            terr = params.terrain_names.index(e.terrain)
        else:
            terr = min((terrain_idx[a], terrain_idx[b]), key=lambda t: mobility[t])
        key = (cls, e.km)
        if (a, b) not in best or key < best[(a, b)][:2]:
            best[(a, b)] = (cls, e.km, terr)
        if e.kind != "rail":        # a railway is a marching route only where no road or track joins the pair
            capacity[(a, b)] = capacity.get((a, b), 0.0) + e.routes * cap_of[cls]
    pairs = sorted(best)
    E = len(pairs)
    src = np.array([a for a, _ in pairs], dtype=np.int64)
    dst = np.array([b for _, b in pairs], dtype=np.int64)
    P = len(theatre.names)
    lists: list[list[tuple[int, int]]] = [[] for _ in range(P)]
    for e, (a, b) in enumerate(pairs):
        lists[a].append((b, e))
        lists[b].append((a, e))
    ptr = np.zeros(P + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(x) for x in lists])
    return dict(
        edge_src=src, edge_dst=dst,
        edge_km=np.array([best[p][1] for p in pairs], dtype=float).reshape(E),
        edge_class=np.array([best[p][0] for p in pairs], dtype=np.int64).reshape(E),
        edge_terrain=np.array([best[p][2] for p in pairs], dtype=np.int64).reshape(E),
        edge_routes=np.array([capacity.get(p, cap_of[best[p][0]]) / cap_of[best[p][0]] for p in pairs],
                             dtype=float).reshape(E),
        nb_ptr=ptr,
        nb_place=np.array([b for x in lists for b, _ in x], dtype=np.int64),
        nb_edge=np.array([e for x in lists for _, e in x], dtype=np.int64),
    )


def compile_scenario(loaded: LoadedScenario, params: Params | None = None) -> Compiled:
    s = loaded.scenario
    params = (params or default_params()).with_overrides(dict(s.parameters)) if s.parameters else (params or default_params())
    # the era's casualty factors for the scenario's start year (era_rates.yaml), unless the scenario sets them
    params = params.with_overrides({k: v for k, v in params.era_casualty_factors(s.start.year).items()
                                    if k not in (s.parameters or {})})
    theatre, problems = build_theatre(loaded)
    assert not problems, problems  # load_scenario has already reported them
    side_keys = list(s.sides)
    names = theatre.names
    P = len(names)
    idx = theatre.index
    terrain_idx = np.array([params.terrain_names.index(t) for t in theatre.terrain])
    region = params.weather_climate["regions"][s.weather_region]
    split_lon = region.get("split_lon")
    zone = (theatre.lon < split_lon).astype(np.int64) if split_lon is not None else np.zeros(P, np.int64)

    land = theatre.land_graph
    land_adj = nx.to_numpy_array(land, nodelist=names, weight=None, dtype=np.float32)
    land_adj = (land_adj > 0).astype(np.float32)
    deg = max(1, int(land_adj.sum(axis=1).max()))
    neighbours = -np.ones((P, deg), dtype=np.int64)
    for i in range(P):
        nb = np.flatnonzero(land_adj[i])
        neighbours[i, : len(nb)] = nb
    land_km = _all_pairs_km(land, names)
    rail_edges = [e for e in theatre.edges if e.kind == "rail"]
    rail_g = nx.Graph()
    rail_g.add_nodes_from(names)
    for e in rail_edges:
        rail_g.add_edge(e.src, e.dst, km=e.km)
    rail_km = _all_pairs_km(rail_g, names)

    units = s.units
    ut = s.unit_types
    U = len(units)
    beh = np.array([BEHAVIOURS.index(s.sides[u.side].surrender_behaviour) for u in units], dtype=np.int64)
    unit_side = np.array([side_keys.index(u.side) for u in units], dtype=np.int64)
    scale = np.array([u.count * u.strength for u in units])
    men0 = np.round(np.array([ut[u.type].men for u in units]) * scale).astype(np.int64)
    unit_index = {u.name: i for i, u in enumerate(units)}

    ground_ops = [op for op in s.operations if op.type is OperationType.ground_offensive]
    joint_ops = [op for op in s.operations if op.type is not OperationType.ground_offensive]
    ops_of: list[list[int]] = [[] for _ in range(U)]
    objectives, after, origins = [], [], []
    for o, op in enumerate(ground_ops):
        for f in op.forces:
            ops_of[unit_index[f]].append(o)
        origins.append(idx[op.origin or units[unit_index[op.forces[0]]].location])
        names_ = [*op.via, *op.objectives, op.objective] + ([op.conditions.switch_to] if op.conditions.switch_to else [])
        objectives.append([idx[n] for n in names_])
        after.append(np.array([idx[n] for n in op.conditions.start_after_captured], dtype=np.int64))
    K = max([len(x) for x in ops_of], default=1) or 1
    unit_ops = -np.ones((U, K), dtype=np.int64)
    for u, x in enumerate(ops_of):
        unit_ops[u, : len(x)] = x
    unit_op = unit_ops[:, 0].copy()
    O = len(ground_ops)
    L = max([len(r) for r in objectives], default=1)
    op_objectives = -np.ones((O, L), dtype=np.int64)
    for o, r in enumerate(objectives):
        op_objectives[o, : len(r)] = r

    doctrine = [s.doctrine.get(k) for k in side_keys]
    from .schema import Doctrine
    doctrine = [d if d is not None else Doctrine() for d in doctrine]
    edges = _land_edges(theatre, terrain_idx, params)
    dates = [s.start + dt.timedelta(days=i) for i in range((s.end - s.start).days + 1)]
    freight_ref = idx[s.freight_reference] if s.freight_reference else -1
    role_code = {"front": 0, "reserve": 1, "garrison": 2}
    rail_src = np.array([idx[e.src] for e in rail_edges], dtype=np.int64)
    rail_dst = np.array([idx[e.dst] for e in rail_edges], dtype=np.int64)
    rail_nb, rail_eid = neighbour_table(rail_src, rail_dst, P)
    c = Compiled(
        loaded=loaded, theatre=theatre, params=params, side_keys=side_keys, dates=dates,
        terrain_idx=terrain_idx, zone=zone, neighbours=neighbours, land_km=land_km,
        rail_km=rail_km,
        rail_src=rail_src, rail_dst=rail_dst, rail_nb=rail_nb, rail_eid=rail_eid,
        rail_cap=np.array([e.capacity_t_per_day for e in rail_edges], dtype=float),
        supply_source=theatre.supply_source.copy(),
        unit_names=[u.name for u in units], unit_side=unit_side, unit_type=[u.type for u in units],
        men0=men0,
        guns0=np.array([ut[u.type].guns + ut[u.type].mortars * 0.5 for u in units]) * scale,
        tanks0=np.array([ut[u.type].tanks for u in units]) * scale,
        aircraft0=np.array([ut[u.type].aircraft for u in units]) * scale,
        # the scenario's quality times the nation's fitted effectiveness in the scenario's year (effectiveness.yaml)
        quality=np.array([u.quality * params.effectiveness(s.army_of(u), s.start.year)
                          for u in units]),
        mobility=np.array([MOBILITIES.index(ut[u.type].mobility.value) for u in units], dtype=np.int64),
        march_mobility=np.array([MOBILITIES.index("mechanised" if ut[u.type].lorried else ut[u.type].mobility.value)
                                 for u in units], dtype=np.int64),
        posture0=np.array([POSTURES.index(u.posture.value) for u in units], dtype=np.int64),
        loc0=np.array([idx[u.location] for u in units], dtype=np.int64),
        role=np.array([role_code[u.role] for u in units], dtype=np.int64),
        arrives=np.array([s.unit_arrives_day(u) for u in units], dtype=np.int64),
        departs=np.array([s.unit_departs_day(u) for u in units], dtype=np.int64),
        behaviour=beh,
        insensitive=np.array([s.sides[u.side].casualty_insensitive for u in units]),
        supply_t=np.array([ut[u.type].supply_t_per_day for u in units]) * np.array([u.count for u in units]),
        stock0=np.array([s.sides[u.side].initial_stock_days if s.sides[u.side].initial_stock_days is not None
                         else params["initial_stock_days"] for u in units], dtype=float).reshape(len(units)),
        unit_op=unit_op,
        unit_ops=unit_ops,
        op_names=[op.name for op in ground_ops],
        op_side=np.array([side_keys.index(op.side) for op in ground_ops], dtype=np.int64),
        op_start=np.array([s.op_start_day(op) for op in ground_ops], dtype=np.int64),
        op_objectives=op_objectives,
        op_n_objectives=np.array([len(r) for r in objectives], dtype=np.int64),
        op_origin=np.array(origins, dtype=np.int64),
        op_main=np.array([op.main_effort for op in ground_ops]),
        op_surprise=np.array([SURPRISE.index(op.surprise) for op in ground_ops], dtype=np.int64),
        op_halt_strength=np.array([op.conditions.halt_if_strength_below for op in ground_ops]),
        op_halt_ratio=np.array([op.conditions.halt_if_ratio_below for op in ground_ops]),
        op_bypass_days=np.array([-1 if op.conditions.bypass_after_days is None else op.conditions.bypass_after_days
                                 for op in ground_ops], dtype=np.int64),
        op_after=after,
        op_after_ops=[operation_refs(s, op) for op in ground_ops],
        op_delay=np.array([op.conditions.start_delay_days for op in ground_ops], dtype=np.int64),
        doctrine_days=doctrine_by_day(s, doctrine, idx, land_km, len(dates)),
        sea_supply=np.array([s.sides[k].sea_supply for k in side_keys]),
        **edges,
        freight_ref=freight_ref,
        joint_ops=joint_ops,
        endings=[CompiledEnding(
            type=e.type, side=side_keys.index(e.side) if e.side is not None else -1,
            day=s.day_of(e.date) if e.date is not None else -1,
            places=np.array([idx[n] for n in e.places_lost], dtype=np.int64),
            min_lost=e.min_places_lost if e.min_places_lost is not None else len(e.places_lost),
            strength_below=e.strength_below if e.strength_below is not None else -1.0,
            units=_contingent(s, e, unit_index),
            hands_over=np.array([idx[n] for n in e.hands_over], dtype=np.int64)) for e in s.endings],
    )
    from .joint import make_plan

    c.plan = make_plan(c)
    return c
