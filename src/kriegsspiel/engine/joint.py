"""The joint phases of the day (naval, air, airborne, amphibious, riverine, siege, rail), run before the ground phase.

Each joint model is an object with ``stream_shapes(c)``, ``init_state(c, state)``, ``phase(engine, day, weather)``
and ``after_supply(engine, day)``; ``build(c)`` returns those the scenario needs, in PHASE_ORDER. The arithmetic
lives in the pure functions of ``kriegsspiel.models.{naval,amphibious,riverine,air,airborne,rail}``; this module
maps the scenario's joint operations to unit and place indices once, keeps their state in
``state.extra["joint"]`` (arrays with the leading run axis R) and applies their losses through the engine's
``_apply_losses`` so killed, wounded and missing stay conserved. Every operation is a Python loop over a few
dozen operations; everything inside is vectorised over the R runs.

Random streams (engine.rng): `naval` (bombardments, sieges), `air`, `airborne`, `amphibious`, `riverine`.
Each block is (days, n_ops + units, 4): an operation's row holds its draws for the day (weather/fog, outcome,
noise); a unit's row the rounding and killed/wounded/missing split of its losses in that model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import networkx as nx
import numpy as np
import yaml
from scipy.special import ndtri

from ..models import air as airm
from ..models import airborne as abm
from ..models import amphibious as amph
from ..models import casualties as cas
from ..models import ground
from ..models import naval as nav
from ..models import rail as railm
from ..models import riverine as riv
from ..params import CIRCUMSTANCES, MOBILITIES, SURPRISE
from ..world.network import great_circle_km

PHASE_ORDER = ("naval", "air", "airborne", "amphibious", "riverine", "siege", "rail")
NORMAL, ROUT, ENCIRCLED, DESTROYED_C = (CIRCUMSTANCES.index(c) for c in ("normal", "rout", "encircled", "destroyed"))
ACTIVE = 1
HASTY, PREPARED, FORTIFIED = 1, 2, 3
# operation states (per run)
PENDING, UNDERWAY, ASHORE, WON, FAILED, DONE = 0, 1, 2, 3, 4, 5
RIVER_KM_PER_DAY = 150.0   # ASSUMPTION: river convoy of monitors and barges at 6-7 km/h for a day (docs/models/riverine.md)


@lru_cache(maxsize=None)
def joint_params() -> dict:
    """data/parameters/joint.yaml as a dict (read once)."""
    return yaml.safe_load(resources.files("kriegsspiel.data.parameters").joinpath("joint.yaml").read_text("utf-8"))


def _normal(u):
    return ndtri(np.clip(np.asarray(u, dtype=np.float64), 1e-7, 1 - 1e-7))


def _noise(u, sigma=0.4):
    """Mean-one lognormal multiplier from a uniform (sigma ASSUMPTION)."""
    return np.exp(sigma * _normal(u) - 0.5 * sigma * sigma)


# ---------------------------------------------------------------------------------------------------- plan
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


def make_plan(c) -> Plan:
    s, jp = c.scenario, joint_params()
    th = c.theatre
    idx = th.index
    ship_names = list(jp["ship_classes"])
    sc = jp["ship_classes"]
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
    battery_names = list(jp["coastal_batteries"])
    bc = jp["coastal_batteries"]
    battery = {k: np.array([float(bc[n][k]) for n in battery_names]) for k in ("guns", "shell_kg", "rof", "range_km")}
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
    lat, lon = th.lat, th.lon
    dist = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    urban = np.array(["city" in k for k in th.kinds])
    unit_index = {n: i for i, n in enumerate(c.unit_names)}
    ops = []
    for j, op in enumerate(c.joint_ops):
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
        if jo.type == "amphibious_landing":
            path, km = _sea_or_river_route(th, "sea", origin, op.objective, day)
            jo.route, jo.route_km = [idx[n] for n in (path or [])], km
        elif jo.type == "river_assault":
            path, km = _sea_or_river_route(th, "river", origin, op.objective, day)
            jo.route, jo.route_km = [idx[n] for n in (path or [])], km
        ops.append(jo)
    return Plan(ops, ship_names, ship, battery_names, battery, ships0, bat0, air_model, dist, urban)


def build(c) -> list:
    """The joint models needed by the scenario's non-ground operations, in PHASE_ORDER."""
    if not c.joint_ops and not getattr(c.scenario, "freight_origin", None):
        return []
    plan = make_plan(c)
    types = {o.type for o in plan.ops}
    models = [NavalPhase(plan)] if types & {"naval_bombardment", "amphibious_landing", "siege"} else []
    if "air_raid" in types:
        models.append(AirPhase(plan))
    if "airborne_drop" in types:
        models.append(AirbornePhase(plan))
    if "amphibious_landing" in types:
        models.append(AmphibiousPhase(plan))
    if "river_assault" in types:
        models.append(RiverinePhase(plan))
    if "siege" in types:
        models.append(SiegePhase(plan))
    models.append(RailPhase(plan))
    return models


# ---------------------------------------------------------------------------------------------------- shared
class JointModel:
    name = ""
    op_types: tuple = ()

    def __init__(self, plan: Plan):
        self.plan = plan
        self.ops = [o for o in plan.ops if o.type in self.op_types]
        self.jp = joint_params()

    def stream_shapes(self, c) -> dict:
        return {self.name: (c.n_days, len(self.ops) + len(c.unit_names), 4)} if self.name else {}

    def init_state(self, c, st) -> None:
        if "joint" not in st.extra:
            R, P = st.R, len(c.theatre.names)
            st.extra["joint"] = {
                "ships": np.repeat(self.plan.ships0[None], R, axis=0),
                "batteries": np.repeat(self.plan.batteries0[None], R, axis=0),
                "aircraft": np.repeat(np.asarray(c.aircraft0, float)[None], R, axis=0),
                "aircraft_lost": np.zeros((R, len(c.unit_names))),
                "shell_t": np.zeros((R, P)), "shell_cum_t": np.zeros((R, P)),
                "bombs_t": np.zeros((R, P)),
                "civilians_killed": np.zeros((R, P)), "civilians_wounded": np.zeros((R, P)),
                "op_state": np.zeros((R, len(self.plan.ops)), np.int8),
                "op_day0": np.full((R, len(self.plan.ops)), -1, np.int64),
                "landed_frac": np.zeros((R, len(self.plan.ops))),
                "days": np.zeros((R, len(self.plan.ops)), np.int64),
            }

    def phase(self, eng, d: int, wx) -> None:  # pragma: no cover - overridden
        pass

    def after_supply(self, eng, d: int) -> None:
        pass

    # helpers --------------------------------------------------------------------------------------------
    def _u(self, eng, d):
        """(R, n_ops + U, 4) today's uniforms of this model's stream."""
        return eng.rnd.day(self.name, d)

    def _start(self, eng, d, o: JOp) -> np.ndarray:
        """(R,) bool: runs where operation o starts today (its day has come and its places are held)."""
        J = eng.st.extra["joint"]
        ready = (J["op_state"][:, o.j] == PENDING) & (d >= o.start)
        if len(o.after):
            ready &= (eng.st.owner[:, o.after] == o.side).all(axis=1)
        J["op_state"][ready, o.j] = UNDERWAY
        J["op_day0"][ready, o.j] = d
        return ready

    def _lose(self, eng, d, exp, circ, u_rows) -> np.ndarray:
        """Apply expected losses exp (R, U) with circumstances circ (R, U); u_rows: (R, U, 4) uniforms."""
        if not np.any(exp > 0):
            return np.zeros(exp.shape, np.int64)
        st = eng.st
        losses = cas.allocate(np.maximum(exp, 0.0), st.men, u_rows[..., 0])
        eng._apply_losses(losses, circ, u_rows[..., 1:3])
        return losses

    def _defenders(self, eng, side_enemy: int, place) -> np.ndarray:
        """(R, U) units of `side_enemy` standing at `place` ((R,) or int)."""
        st, c = eng.st, eng.c
        place = np.broadcast_to(np.asarray(place), (st.R,))
        return (st.status == ACTIVE) & (c.unit_side[None, :] == side_enemy) & (st.loc == place[:, None]) & (st.eta == 0)

    def _capture(self, eng, d, mask_r, place: int, side: int) -> None:
        """Place `place` changes hands to `side` in the runs `mask_r` (the engine's capture: defenders fall back)."""
        st = eng.st
        if not mask_r.any():
            return
        cap = np.zeros_like(st.owner, dtype=bool)
        cap[mask_r, place] = True
        cap_side = np.zeros_like(st.owner)
        cap_side[mask_r, place] = side
        eng._capture(d, cap, cap_side, np.full((st.R, len(eng.c.op_names)), -1, np.int64), None)

    def _strength_at(self, eng, units_mask, place, wx):
        """(R,) strength and men of the units in units_mask (R, U) fighting at `place` (int)."""
        st, p = eng.st, eng.p
        s = _unit_strength(eng, place, wx)
        return (s * units_mask).sum(axis=1), (st.men * units_mask).sum(axis=1)

    def _assault(self, eng, d, o: JOp, att_mask, frac, v, u_op, u_units, power_mult=1.0, wx=None):
        """One day's assault of the units att_mask (R, U) (fraction `frac` (R,) of them engaged) on o.objective.

        Ground model (models/ground.py) with the attacker's power divided by v ** power_exponent and its casualty
        rate multiplied by the shoreline/river factor v (R,). Returns (won (R,), attacker losses (R,), defender
        losses (R,), ratio (R,))."""
        st, c, p = eng.st, eng.c, eng.p
        pl = o.objective
        enemy = 1 - o.side
        dmask = self._defenders(eng, enemy, pl)
        A, A_men = self._strength_at(eng, att_mask, pl, wx)
        A, A_men = A * frac, A_men * frac
        D, D_men = self._strength_at(eng, dmask, pl, wx)
        k = self.jp["amphibious"]["power_exponent"]
        posture = st.posture[:, pl]
        terrain = np.full(st.R, c.terrain_idx[pl])
        w = wx[:, pl]
        surprise = np.full(st.R, o.surprise if d == o.start else 0)
        ratio = ground.power_ratio(A * power_mult / v ** k, np.maximum(D, 1e-9), 1.0, 1.0, posture, terrain, w,
                                   _season(eng, pl), surprise, 1.0, 1.0, p)
        # only the runs where this assault is fought (attackers engaged); never touch the others
        active = A_men > 0
        opposed = active & (D_men > 0)
        won = (ground.attacker_prevails(np.maximum(ratio, 1e-9), _normal(u_op[:, 1]), p) | (D_men <= 0)) & active
        insens = (c.insensitive[None, :] & (att_mask | dmask)).any(axis=1)
        r_att, r_def = ground.daily_rates(np.maximum(ratio, 1e-9), A_men, D_men, posture, terrain, w, surprise, insens,
                                          won, p)
        noise = _noise(u_op[:, 2])
        L_att = np.where(opposed, np.minimum(r_att * v * noise, 0.5) * A_men, 0.0)
        L_def = np.where(opposed, r_def * noise * D_men, 0.0)
        share_a = np.where(att_mask, st.men / np.maximum(A_men / np.maximum(frac, 1e-9), 1.0)[:, None], 0.0)
        share_d = np.where(dmask, st.men / np.maximum(D_men, 1.0)[:, None], 0.0)
        exp = share_a * L_att[:, None] + share_d * L_def[:, None]
        circ = np.full(exp.shape, NORMAL)
        circ[dmask & (won & (ratio >= 3.0))[:, None]] = ROUT
        self._lose(eng, d, exp, circ, u_units)
        st.engaged |= (att_mask | dmask) & opposed[:, None]
        return won, L_att, L_def, ratio

    def _word(self, eng, s):
        side = eng.c.scenario.sides[eng.c.side_keys[s]]
        return side.adjective or side.name

    def _pname(self, eng, pl):
        return eng.c.theatre.names[pl]


def _unit_strength(eng, place: int, wx):
    """(R, U) QJM strength of every unit fighting at `place` in its terrain and today's weather there, times
    CEV, fatigue and the supply multiplier (as the engine's ground phase; models/ground.py)."""
    from ..models.supply import supply_multiplier

    st, c, p = eng.st, eng.c, eng.p
    sm = supply_multiplier(st.stock, p["power_floor"], p["full_days"])
    s = ground.strength(st.men, st.guns, st.tanks, 0.0, c.terrain_idx[place], wx[:, place][:, None], p)
    return s * c.quality[None, :] * st.fatigue * sm


def _season(eng, pl: int) -> float:
    """The engine's season attack factor at place pl (a scalar or one value per place)."""
    s = np.asarray(eng._season_attack, dtype=float)
    return float(s.reshape(-1)[pl]) if s.size > 1 else float(s)


def _fmt(x) -> str:
    return f"{int(round(float(x))):,}"


# ---------------------------------------------------------------------------------------------------- naval
class NavalPhase(JointModel):
    """Shore bombardment before the landings, coastal artillery firing back, fleet against fleet (docs/models/naval.md)."""

    name = "naval"
    op_types = ("naval_bombardment",)

    def stream_shapes(self, c) -> dict:
        # rows: bombardments, then the units' rounding and split for bombardments, then for sieges
        return {self.name: (c.n_days, len(self.ops) + 2 * len(c.unit_names), 4)}

    def phase(self, eng, d, wx):
        st, c, jp = eng.st, eng.c, self.jp
        J, pn, pl_ = st.extra["joint"], jp["naval"], self.plan
        J["shell_t"] *= pn["neutral_decay_per_day"]
        u = self._u(eng, d)
        U = len(c.unit_names)
        u_units = u[:, len(self.ops):len(self.ops) + U]
        for i, o in enumerate(self.ops):
            self._start(eng, d, o)
            dur = o.duration or 2
            on = (J["op_state"][:, o.j] == UNDERWAY) & (d - J["op_day0"][:, o.j] < dur) & (st.owner[:, o.objective] != o.side)
            done = (J["op_state"][:, o.j] == UNDERWAY) & ~on
            J["op_state"][done, o.j] = DONE
            if not on.any() or not len(o.fleet):
                continue
            pl = o.objective
            ships = J["ships"][:, o.fleet, :]                                       # (R, F, K)
            war = ships * (pl_.ship["warship"] | pl_.ship["escort"])
            hours = pn["bombardment_hours"]
            fog = amph.in_fog_belt(c.theatre.lat[pl], c.theatre.lon[pl], jp["amphibious"]) & (u[:, i, 0] < jp["amphibious"]["fog_chance"])
            observed = np.where(fog, 0.3, 1.0)        # ASSUMPTION: unobserved fire in fog is a third as effective
            shell = nav.bombardment_t(war.sum(axis=1), pl_.ship["main_guns"], pl_.ship["shell_kg"], pl_.ship["rof"], hours)
            shell = np.where(on, shell * observed, 0.0)
            J["shell_t"][:, pl] += shell
            J["shell_cum_t"][:, pl] += shell
            n = nav.neutralisation(J["shell_t"][:, pl], pn["neutral_t"])
            fortified = st.posture[:, pl] == FORTIFIED
            dmask = self._defenders(eng, 1 - o.side, pl)
            d_men = (st.men * dmask).sum(axis=1)
            cas_exp = np.minimum(nav.bombardment_casualties(shell, fortified, pn["casualties_per_t"], pn["fortified_casualty_factor"]),
                                 0.1 * d_men)
            exp = np.where(dmask, st.men / np.maximum(d_men, 1)[:, None], 0.0) * cas_exp[:, None]
            broken = on & fortified & (J["shell_cum_t"][:, pl] >= pn["destroy_t"])
            st.posture[broken, pl] = PREPARED
            # coastal artillery of the defender within range fires back
            bats = J["batteries"]                                                    # (R, U, B)
            in_range = pl_.dist_km[st.loc, pl][..., None] <= pl_.battery["range_km"][None, None, :]
            mine = ((c.unit_side[None, :] != o.side) & (st.status == ACTIVE))[..., None]
            guns = (bats * in_range * mine * pl_.battery["guns"]).sum(axis=(1, 2))
            hits = nav.coastal_hits(guns, hours, pn["coastal_hits_per_gun_hour"], n) * _noise(u[:, i, 2]) * on
            sunk = nav.ships_sunk(hits, war.sum(axis=1), pl_.ship["hits_to_sink"])   # (R, K)
            # enemy warships within the sea-control radius give battle (Lanchester on broadside)
            enemy_units = (c.unit_side != o.side)
            near = (pl_.dist_km[st.loc, pl] <= pn["sea_control_km"]) & enemy_units[None, :] & (st.status == ACTIVE)
            eships = J["ships"] * near[..., None]
            e_kg = nav.sea_power(eships.sum(axis=1), pl_.ship["broadside"], pl_.ship["warship"])
            o_kg = nav.sea_power(war.sum(axis=1), pl_.ship["broadside"], pl_.ship["warship"])
            lost_o, lost_e = riv.duel(o_kg, e_kg, self.jp["riverine"]["duel_k"] * 0.5)
            lost_o, lost_e = lost_o * on, lost_e * on
            own_total = np.maximum(war.sum(axis=1), 1e-9)
            sunk = np.minimum(war.sum(axis=1), sunk + lost_o[:, None] * war.sum(axis=1) * pl_.ship["warship"])
            share_k = np.where(own_total > 0, sunk / own_total, 0.0)                 # (R, K)
            before = J["ships"][:, o.fleet, :].copy()
            J["ships"][:, o.fleet, :] = before - war * share_k[:, None, :]
            crew_lost = ((before - J["ships"][:, o.fleet, :]) * pl_.ship["crew"]).sum(axis=2) * pn["crew_lost_per_sinking"]
            exp[:, o.fleet] += crew_lost
            e_before = J["ships"].copy()
            J["ships"] = J["ships"] - eships * (lost_e[:, None, None] * pl_.ship["warship"])
            e_crew = ((e_before - J["ships"]) * pl_.ship["crew"]).sum(axis=2) * pn["crew_lost_per_sinking"]
            exp += e_crew
            self._lose(eng, d, exp, np.full(exp.shape, NORMAL), u_units)
            if eng.record:
                for r in np.flatnonzero(on):
                    lost_ships = float((before[r] - J["ships"][r, o.fleet]).sum())
                    parts = [f"{self._word(eng, o.side)} warships bombard {self._pname(eng, pl)} ({o.name}): "
                             f"{shell[r]:,.0f} t of shell{' in fog, unobserved' if fog[r] else ''}, about "
                             f"{_fmt(cas_exp[r])} defenders hit"]
                    if broken[r]:
                        parts.append("the fortifications are broken")
                    if guns[r] > 0:
                        parts.append(f"coastal batteries ({_fmt(guns[r])} guns) score {hits[r]:.1f} hits")
                    if e_kg[r] > 0:
                        parts.append(f"the {self._word(eng, 1 - o.side)} fleet gives battle and loses "
                                     f"{float((e_before[r] - J['ships'][r]).sum()):.1f} ships")
                    parts.append(f"{lost_ships:.1f} ships lost")
                    eng.log.add(r, d, "naval_bombardment", o.side, pl, value=int(round(shell[r])), op=-1,
                                detail="; ".join(parts) + ".", shell_t=round(float(shell[r]), 1),
                                defender_casualties=int(round(cas_exp[r])), ships_lost=round(lost_ships, 2))


# ---------------------------------------------------------------------------------------------------- amphibious
class AmphibiousPhase(JointModel):
    """Sea passage with losses, the landing (lift, fog, sea state), the assault, beach supply (docs/models/amphibious.md)."""

    name = "amphibious"
    op_types = ("amphibious_landing",)
    shore_table = "v_beach"
    params_key = "amphibious"
    kind_word = "land at"

    def _lift(self, eng, o, J):
        pl_ = self.plan
        ships = J["ships"][:, o.fleet, :].sum(axis=1) if len(o.fleet) else np.zeros((eng.st.R, len(pl_.ship_names)))
        a = self.jp
        return amph.lift_men_per_day(ships, pl_.ship["daihatsu"], pl_.ship["shohatsu"], a["daihatsu_men"],
                                     a["shohatsu_men"], a["waves_per_day"]), ships

    def _passage(self, eng, d, o, i, u, u_units, J, on):
        """One day at sea: transports and troops lost to submarines, mines (approach day) and bombers."""
        st, c, pl_, pn = eng.st, eng.c, self.plan, self.jp["naval"]
        pl = o.objective
        enemy_units = (c.unit_side != o.side)[None, :] & (st.status == ACTIVE)
        near = (pl_.dist_km[st.loc, pl] <= pn["sea_control_km"]) & enemy_units
        subs = (J["ships"] * near[..., None] * pl_.ship["submarine"]).sum(axis=(1, 2))
        _, ships = self._lift(eng, o, J)
        escorts = (ships * (pl_.ship["escort"] | pl_.ship["warship"])).sum(axis=1)
        radius = np.array([m["radius_km"] if m and m.get("role") == "bomber" else 0.0 for m in pl_.air_model])
        bombers = ((pl_.dist_km[st.loc, pl] <= radius[None, :]) & enemy_units) * J["aircraft"]
        sorties = bombers.sum(axis=1) * self.jp["air"]["serviceable"] * pn["anti_ship_sortie_rate"]
        approach = J["days"][:, o.j] + 1 >= max(1, math.ceil(o.route_km / pn["convoy_km_per_day"]))
        mined = approach & (st.owner[:, pl] != o.side) & (c.theatre.port[pl] | (c.theatre.fortification[pl] > 0))
        share = nav.transit_loss_share(1.0, subs, escorts, sorties, mined, pn) * _noise(u[:, i, 3], 0.5)
        share = np.where(on, np.minimum(share, 0.5), 0.0)
        exp = np.zeros(st.men.shape)
        exp[:, o.troops] = st.men[:, o.troops] * (share * pn["troops_lost_per_sinking"])[:, None]
        tr = pl_.ship["transport"]
        before = J["ships"][:, o.fleet, :].copy()
        J["ships"][:, o.fleet, :] = before * (1.0 - share[:, None, None] * tr)
        exp[:, o.fleet] += ((before - J["ships"][:, o.fleet, :]) * pl_.ship["crew"]).sum(axis=2) * pn["crew_lost_per_sinking"]
        lost = self._lose(eng, d, exp, np.full(exp.shape, DESTROYED_C), u_units)
        J.setdefault("lost_at_sea", np.zeros(J["op_state"].shape))[:, o.j] += lost[:, o.troops].sum(axis=1)

    def phase(self, eng, d, wx):
        st, c, jp = eng.st, eng.c, self.jp
        J, pa = st.extra["joint"], jp[self.params_key]
        u = self._u(eng, d)
        U = len(c.unit_names)
        u_units = u[:, len(self.ops):len(self.ops) + U]
        heavy = eng.p.weather_names.index("wet_heavy_temperate")
        for i, o in enumerate(self.ops):
            self._start(eng, d, o)
            if not len(o.troops):
                continue          # a strike without troops (RiverinePhase)
            state = J["op_state"][:, o.j]
            if not ((state == UNDERWAY) | (state == ASHORE) | (state == WON)).any():
                continue
            pl = o.objective
            troops = np.zeros(U, bool)
            troops[o.troops] = True
            tmask = troops[None, :] & (st.status == ACTIVE)
            sea_days = max(1, math.ceil(o.route_km / self._speed()))
            at_sea = state == UNDERWAY
            if at_sea.any():
                self._passage(eng, d, o, i, u, u_units, J, at_sea)
            arrived = at_sea & (J["days"][:, o.j] + 1 >= sea_days)
            fog_belt = bool(amph.in_fog_belt(c.theatre.lat[pl], c.theatre.lon[pl], jp["amphibious"]))
            go = amph.can_land(u[:, i, 0], fog_belt, wx[:, pl] == heavy, jp["amphibious"]["fog_chance"])
            lift, ships = self._lift(eng, o, J)
            men_total = np.maximum((st.men * tmask).sum(axis=1), 1)
            land_now = arrived & go
            ashore = (state == ASHORE) | land_now
            J["days"][:, o.j] = np.where(at_sea & ~land_now, J["days"][:, o.j] + 1, np.where(land_now, 0, J["days"][:, o.j]))
            if land_now.any():
                J["op_state"][land_now, o.j] = ASHORE
                st.loc[:, o.troops] = np.where(land_now[:, None], pl, st.loc[:, o.troops])
            add = np.where(ashore & go, lift / men_total, 0.0)
            J["landed_frac"][:, o.j] = np.minimum(1.0, J["landed_frac"][:, o.j] + add)
            frac = J["landed_frac"][:, o.j]
            if ashore.any():
                # the assault, on the runs where troops are ashore and the place is still the enemy's
                fight = ashore & (st.owner[:, pl] != o.side)
                men_before = (st.men * tmask).sum(axis=1)
                v = self._shore_v(J, pl)
                won, L_att, L_def, ratio = self._assault(eng, d, o, tmask & fight[:, None], np.where(fight, frac, 0.0),
                                                         v, u[:, i], u_units, wx=wx)
                won &= fight
                J.setdefault("assault_losses", np.zeros((st.R, len(self.plan.ops), 2)))
                J["assault_losses"][:, o.j, 0] += np.where(fight, L_att, 0.0)
                J["assault_losses"][:, o.j, 1] += np.where(fight, L_def, 0.0)
                if eng.record:
                    for r in np.flatnonzero(land_now):
                        lost = J.get("lost_at_sea", np.zeros((1, 1)))[r, o.j] if "lost_at_sea" in J else 0
                        eng.log.add(r, d, self._event, o.side, pl, value=int(frac[r] * men_before[r]),
                                    detail=(f"{o.name}: {_fmt(frac[r] * men_before[r])} {self._word(eng, o.side)} "
                                            f"troops {self.kind_word} {self._pname(eng, pl)} on the first day (shoreline factor {v[r]:.2f}), {_fmt(L_att[r])} attackers and "
                                            f"{_fmt(L_def[r])} defenders hit; {_fmt(lost)} lost on passage."),
                                    landed=int(frac[r] * men_before[r]), lost_on_passage=int(lost),
                                    attacker_casualties=int(round(L_att[r])), defender_casualties=int(round(L_def[r])))
                # a fortified place falls after 1 + round(3 x fortification) days won (ASSUMPTION, docs/models/amphibious.md)
                wins = J.setdefault("wins", np.zeros((st.R, len(self.plan.ops)), np.int64))
                wins[:, o.j] += won
                need = 1 + int(round(3 * c.theatre.fortification[pl]))
                take = won & (frac >= 0.999) & (wins[:, o.j] >= need)
                J["days"][:, o.j] = np.where(ashore & ~land_now, J["days"][:, o.j] + 1, J["days"][:, o.j])
                men_now = (st.men * tmask).sum(axis=1)
                peak = J.setdefault("peak_men", np.zeros((st.R, len(self.plan.ops))))
                peak[:, o.j] = np.maximum(peak[:, o.j], men_before * frac)
                fail = fight & ~take & ((J["days"][:, o.j] >= pa["max_assault_days"])
                                        | (men_now * frac < pa["throw_back_share"] * peak[:, o.j]))
                if take.any():
                    J["op_state"][take, o.j] = WON
                    self._capture(eng, d, take, pl, o.side)
                    st.loc[:, o.troops] = np.where(take[:, None], pl, st.loc[:, o.troops])
                    if eng.record:
                        for r in np.flatnonzero(take):
                            tot = J["assault_losses"][r, o.j]
                            eng.log.add(r, d, self._event, o.side, pl, value=int(men_now[r]),
                                        detail=(f"{o.name}: {self._word(eng, o.side)} troops take {self._pname(eng, pl)} "
                                                f"after {int(J['days'][r, o.j]) + 1} days ashore; assault casualties "
                                                f"{_fmt(tot[0])} attackers, {_fmt(tot[1])} defenders."),
                                        outcome="taken", attacker_casualties=int(round(tot[0])),
                                        defender_casualties=int(round(tot[1])))
                if fail.any():
                    exp = np.where(tmask & fail[:, None], st.men * pa["evacuation_loss"], 0.0)
                    self._lose(eng, d, exp, np.full(exp.shape, ENCIRCLED), u_units[..., ::-1])
                    J["op_state"][fail, o.j] = FAILED
                    st.loc[:, o.troops] = np.where(fail[:, None], o.origin, st.loc[:, o.troops])
                    if eng.record:
                        for r in np.flatnonzero(fail):
                            tot = J["assault_losses"][r, o.j]
                            eng.log.add(r, d, self._event, o.side, pl, value=int((st.men[r] * tmask[r]).sum()),
                                        detail=(f"{o.name} is thrown back at {self._pname(eng, pl)}: the survivors "
                                                f"re-embark for {self._pname(eng, o.origin)}; assault casualties "
                                                f"{_fmt(tot[0])} attackers, {_fmt(tot[1])} defenders."),
                                        outcome="thrown back", attacker_casualties=int(round(tot[0])),
                                        defender_casualties=int(round(tot[1])))
            self._supply(eng, o, J, tmask, ships)

    _event = "amphibious_landing"

    def _speed(self):
        return self.jp["naval"]["convoy_km_per_day"]

    def _shore_v(self, J, pl):
        n = nav.neutralisation(J["shell_t"][:, pl], self.jp["naval"]["neutral_t"])
        return amph.shoreline_factor(n, self.jp["amphibious"][self.shore_table])

    def _supply(self, eng, o, J, tmask, ships):
        """Over the beach until a port is taken, then through the port (runs ashore or won, out of land supply)."""
        st, c, pa = eng.st, eng.c, self.jp["amphibious"]
        state = J["op_state"][:, o.j]
        pl = o.objective
        sea = ((state == ASHORE) | (state == WON))
        reach = st.reach.get(o.side)
        if reach is not None:
            sea &= ~reach[:, pl]
        if not sea.any():
            return
        lcc = (ships * self.plan.ship["daihatsu"]).sum(axis=1) / 29.0
        port = (state == WON) & bool(c.theatre.port[pl])
        tonnes = amph.beach_supply_t(lcc, port, pa["beach_t_per_day"], pa["port_t_per_day"])
        m = tmask & sea[:, None]
        want = np.where(st.engaged, 1.0, eng.p["quiet_consumption_share"]) * c.supply_t[None, :]
        demand = (want * m).sum(axis=1)
        fill = np.minimum(1.0, tonnes / np.maximum(demand, 1e-9))
        use = np.where(st.engaged, 1.0, eng.p["quiet_consumption_share"])
        st.stock = np.where(m, st.stock + fill[:, None] * use, st.stock)
        st.cut = np.where(m, 0, st.cut)


# ---------------------------------------------------------------------------------------------------- riverine
class RiverinePhase(AmphibiousPhase):
    """River forces up the Amur and opposed crossings: flotilla duel, crossing lift, river factor (docs/models/riverine.md)."""

    name = "riverine"
    op_types = ("river_assault",)
    shore_table = "v_river"
    params_key = "riverine"
    kind_word = "cross to"
    _event = "river_assault"

    def _speed(self):
        return RIVER_KM_PER_DAY

    def _shore_v(self, J, pl):
        n = nav.neutralisation(J["shell_t"][:, pl], self.jp["naval"]["neutral_t"])
        return riv.river_factor(n, self.jp["riverine"]["v_river"])

    def _lift(self, eng, o, J):
        pl_, pr = self.plan, self.jp["riverine"]
        ships = J["ships"][:, o.fleet, :].sum(axis=1) if len(o.fleet) else np.zeros((eng.st.R, len(pl_.ship_names)))
        craft = (ships * pl_.ship["river"]).sum(axis=1)
        tl = ships @ (pl_.ship["lift_men"] * pl_.ship["river_transport"])
        return riv.crossing_men_per_day(craft, tl, pr["men_per_craft_day"], pr["transport_trips_per_day"]), ships

    def _passage(self, eng, d, o, i, u, u_units, J, on):
        """A day on the river: the flotilla meets the enemy's river craft on its route and at the objective."""
        self._duel(eng, d, o, i, u, u_units, J, on)

    def _duel(self, eng, d, o, i, u, u_units, J, on):
        st, c, pl_, pn = eng.st, eng.c, self.plan, self.jp["naval"]
        route = np.zeros(len(c.theatre.names), bool)
        route[o.route or [o.objective]] = True
        enemy = (c.unit_side != o.side)[None, :] & (st.status == ACTIVE) & route[st.loc]
        eships = J["ships"] * enemy[..., None] * pl_.ship["river"]
        own = J["ships"][:, o.fleet, :] * pl_.ship["river"]
        e_kg = nav.sea_power(eships.sum(axis=1), pl_.ship["broadside"], pl_.ship["river"])
        o_kg = nav.sea_power(own.sum(axis=1), pl_.ship["broadside"], pl_.ship["river"])
        lo, le = riv.duel(o_kg, e_kg, self.jp["riverine"]["duel_k"])
        lo, le = lo * on * _noise(u[:, i, 3], 0.3), le * on * _noise(u[:, i, 3], 0.3)
        lo, le = np.minimum(lo, 0.6), np.minimum(le, 0.6)
        b_own, b_all = J["ships"][:, o.fleet, :].copy(), J["ships"].copy()
        J["ships"][:, o.fleet, :] -= own * lo[:, None, None]
        J["ships"] -= eships * le[:, None, None]
        exp = ((b_all - J["ships"]) * pl_.ship["crew"]).sum(axis=2) * pn["crew_lost_per_sinking"]
        exp[:, o.fleet] += ((b_own - J["ships"][:, o.fleet, :]) * pl_.ship["crew"]).sum(axis=2) * pn["crew_lost_per_sinking"] * 0
        self._lose(eng, d, exp, np.full(exp.shape, NORMAL), u_units)
        # the flotilla's guns suppress the far bank
        shell = nav.bombardment_t(J["ships"][:, o.fleet, :].sum(axis=1) * pl_.ship["river"], pl_.ship["main_guns"],
                                  pl_.ship["shell_kg"], pl_.ship["rof"], self.jp["riverine"]["bombardment_hours"]) * on
        J["shell_t"][:, o.objective] += shell
        J.setdefault("flotilla", {})[o.j] = (e_kg * on, le * on, lo * on, shell)
        return shell

    def phase(self, eng, d, wx):
        st, c = eng.st, eng.c
        J = st.extra["joint"]
        super().phase(eng, d, wx)
        u = self._u(eng, d)
        U = len(c.unit_names)
        u_units = u[:, len(self.ops):len(self.ops) + U]
        for i, o in enumerate(self.ops):
            state = J["op_state"][:, o.j]
            # at the objective the flotilla fights every day of the assault
            fighting = state == ASHORE
            if fighting.any():
                self._duel(eng, d, o, i, u, u_units, J, fighting)
            if len(o.troops):
                continue
            # a strike without troops: up the river (meeting the enemy's craft), then shell the objective
            dur = o.duration or 1
            days = J["days"][:, o.j]
            travel = (state == UNDERWAY) & (days < sea_days_for(o) - 1)
            if travel.any():
                self._duel(eng, d, o, i, u, u_units, J, travel)
            strike = (state == UNDERWAY) & ~travel & (st.owner[:, o.objective] != o.side)
            if strike.any():
                shell = self._duel(eng, d, o, i, u, u_units, J, strike)
                pl = o.objective
                dmask = self._defenders(eng, 1 - o.side, pl)
                d_men = (st.men * dmask).sum(axis=1)
                pn = self.jp["naval"]
                cas_exp = np.minimum(nav.bombardment_casualties(shell, st.posture[:, pl] == FORTIFIED, pn["casualties_per_t"],
                                                                pn["fortified_casualty_factor"]), 0.1 * d_men) * strike
                exp = np.where(dmask, st.men / np.maximum(d_men, 1)[:, None], 0.0) * cas_exp[:, None]
                self._lose(eng, d, exp, np.full(exp.shape, NORMAL), u_units[..., ::-1])
                if eng.record:
                    e_kg, le, lo, _ = J["flotilla"][o.j]
                    for r in np.flatnonzero(strike):
                        fl = (f"; the {self._word(eng, 1 - o.side)} flotilla engages and loses {le[r]:.0%} of its craft "
                              f"for {lo[r]:.0%}" if e_kg[r] > 0 else "")
                        eng.log.add(r, d, "river_assault", o.side, pl, value=int(round(shell[r])),
                                    detail=(f"{o.name}: {self._word(eng, o.side)} river forces strike "
                                            f"{self._pname(eng, pl)}: {shell[r]:,.0f} t of shell, about "
                                            f"{_fmt(cas_exp[r])} defenders hit{fl}."),
                                    shell_t=round(float(shell[r]), 1), defender_casualties=int(round(cas_exp[r])))
            J["days"][:, o.j] = np.where(state == UNDERWAY, days + 1, days)
            over = (state == UNDERWAY) & ((J["days"][:, o.j] >= sea_days_for(o) - 1 + dur)
                                          | (st.owner[:, o.objective] == o.side))
            J["op_state"][over, o.j] = DONE


def sea_days_for(o: JOp) -> int:
    return max(1, math.ceil(o.route_km / RIVER_KM_PER_DAY))


# ---------------------------------------------------------------------------------------------------- air
class AirPhase(JointModel):
    """Massed bomber raids: sorties, losses to fighters and flak, damage to rail, depots, troops; civilians (docs/models/air.md)."""

    name = "air"
    op_types = ("air_raid",)

    def phase(self, eng, d, wx):
        st, c, pl_, pa = eng.st, eng.c, self.plan, self.jp["air"]
        J = st.extra["joint"]
        u = self._u(eng, d)
        U = len(c.unit_names)
        u_units = u[:, len(self.ops):len(self.ops) + U]
        role = np.array([m.get("role") if m else "" for m in pl_.air_model])
        radius = np.array([m["radius_km"] if m else 0.0 for m in pl_.air_model])
        bomb_t = np.array([m.get("bomb_t", 0.0) if m else 0.0 for m in pl_.air_model])
        crew = np.array([m.get("crew", 1) if m else 0 for m in pl_.air_model], dtype=float)
        from ..params import WEATHER_COLS

        air_col = WEATHER_COLS.index("air")
        for i, o in enumerate(self.ops):
            self._start(eng, d, o)
            dur = o.duration or 1
            on = (J["op_state"][:, o.j] == UNDERWAY) & (d - J["op_day0"][:, o.j] < dur)
            J["op_state"][(J["op_state"][:, o.j] == UNDERWAY) & ~on, o.j] = DONE
            if not on.any():
                continue
            bombers = o.air[role[o.air] == "bomber"]
            escorts = o.air[role[o.air] == "fighter"]
            alive = (st.status[:, o.air] == ACTIVE).any(axis=1) if len(o.air) else on
            on &= alive
            nT = len(o.targets)
            rate_b = o.sorties if o.sorties is not None else pa["bomber_sorties_per_day"]
            for t_i, pl in enumerate(o.targets):
                w_air = eng.p.weather[wx[:, pl], air_col]
                sb_u = airm.sorties(J["aircraft"][:, bombers], rate_b, pa["serviceable"], w_air[:, None]) / nT * on[:, None]
                se = airm.sorties(J["aircraft"][:, escorts], pa["fighter_sorties_per_day"], pa["serviceable"], w_air[:, None]).sum(axis=1) / nT * on
                enemy = (c.unit_side != o.side)[None, :] & (st.status == ACTIVE)
                dfu = enemy & (role == "fighter")[None, :] & (pl_.dist_km[st.loc, pl] <= radius[None, :])
                dfs = airm.sorties(J["aircraft"] * dfu, pa["fighter_sorties_per_day"], pa["serviceable"], w_air[:, None])
                defended = st.owner[:, pl] != o.side
                p_loss = airm.loss_per_sortie(dfs.sum(axis=1), se, defended, pa) * _noise(u[:, i, (t_i % 3) + 1], 0.4)
                lost_u = np.minimum(sb_u * p_loss[:, None], J["aircraft"][:, bombers])
                sb = sb_u.sum(axis=1)
                bombs = (np.maximum(sb_u - lost_u, 0.0) * bomb_t[bombers]).sum(axis=1)
                J["aircraft"][:, bombers] -= lost_u
                J["aircraft_lost"][:, bombers] += lost_u
                x = dfs.sum(axis=1) / (se + 1.0)
                d_lost_tot = np.minimum(pa["fighter_loss_per_engagement"] * (sb + se) * x / (1 + x) * (1 + se / np.maximum(sb, 1)),
                                        (J["aircraft"] * dfu).sum(axis=1))
                d_share = np.where(dfu, J["aircraft"], 0.0) / np.maximum((J["aircraft"] * dfu).sum(axis=1), 1e-9)[:, None]
                d_lost = d_share * d_lost_tot[:, None]
                J["aircraft"] -= d_lost
                J["aircraft_lost"] += d_lost
                exp = np.zeros(st.men.shape)
                exp[:, bombers] += lost_u * crew[bombers] * 0.8      # ASSUMPTION: 80 % of a downed crew lost
                exp += d_lost * crew[None, :] * 0.5                   # ASSUMPTION: half of downed defending pilots lost
                # effects on the target
                J["bombs_t"][:, pl] += bombs
                if defended.any():
                    edges = (c.rail_src == pl) | (c.rail_dst == pl)
                    if edges.any():
                        share = airm.halving_share(bombs, pa["rail_t_half"])
                        st.rail_damage[:, edges] = railm.add_damage(st.rail_damage[:, edges], share[:, None] * defended[:, None])
                    dmask = self._defenders(eng, 1 - o.side, pl) & defended[:, None]
                    st.stock = np.where(dmask, st.stock * (1.0 - 0.5 * airm.halving_share(bombs, pa["depot_t_half"]))[:, None], st.stock)
                    d_men = (st.men * dmask).sum(axis=1)
                    mil = np.minimum(bombs * pa["military_casualties_per_t"], 0.05 * d_men)
                    exp += np.where(dmask, st.men / np.maximum(d_men, 1)[:, None], 0.0) * mil[:, None]
                    ck, cw = airm.civilian_losses(bombs * defended, pl_.urban[pl], pa)
                    J["civilians_killed"][:, pl] += ck
                    J["civilians_wounded"][:, pl] += cw
                else:
                    mil = ck = cw = np.zeros(st.R)
                self._lose(eng, d, exp, np.full(exp.shape, NORMAL), u_units if t_i % 2 == 0 else u_units[..., ::-1])
                if eng.record:
                    for r in np.flatnonzero(on):
                        eng.log.add(r, d, "air_raid", o.side, pl, value=int(round(bombs[r])),
                                    detail=(f"{o.name}: {sb[r]:,.0f} {self._word(eng, o.side)} bomber sorties "
                                            f"against {self._pname(eng, pl)} drop {bombs[r]:,.0f} t; "
                                            f"{lost_u[r].sum():.1f} bombers lost to fighters and flak, "
                                            f"{d_lost_tot[r]:.1f} defending fighters shot down; about "
                                            f"{_fmt(mil[r])} military casualties; civilians: {_fmt(ck[r])} killed, "
                                            f"{_fmt(cw[r])} wounded."),
                                    bombs_t=round(float(bombs[r]), 1), sorties=round(float(sb[r]), 1),
                                    bombers_lost=round(float(lost_u[r].sum()), 2),
                                    fighters_lost=round(float(d_lost_tot[r]), 2),
                                    military_casualties=int(round(mil[r])),
                                    civilians_killed=int(round(ck[r])), civilians_wounded=int(round(cw[r])))


# ---------------------------------------------------------------------------------------------------- airborne
class AirbornePhase(JointModel):
    """Mass drop on rail points: lift, transport and landing losses, seizure, demolition, holding, link-up or
    destruction (docs/models/airborne.md)."""

    name = "airborne"
    op_types = ("airborne_drop",)

    def __init__(self, plan):
        super().__init__(plan)
        # one drop per (operation, drop zone); troop unit k of the op goes to drop zone k mod Z
        self.drops = []
        for o in self.ops:
            Z = len(o.targets)
            for z, dz in enumerate(o.targets):
                self.drops.append((o, dz, o.troops[z::Z]))

    def init_state(self, c, st):
        super().init_state(c, st)
        st.extra["joint"]["drop_state"] = np.zeros((st.R, len(self.drops)), np.int8)
        st.extra["joint"]["drop_men0"] = np.zeros((st.R, len(self.drops)))

    def phase(self, eng, d, wx):
        st, c, pl_, pb = eng.st, eng.c, self.plan, self.jp["airborne"]
        J = st.extra["joint"]
        u = self._u(eng, d)
        U = len(c.unit_names)
        u_units = u[:, len(self.ops):len(self.ops) + U]
        pax = np.array([m.get("paratroops", 0) if m else 0 for m in pl_.air_model], dtype=float)
        cargo = np.array([m.get("cargo_t", 0.0) if m else 0.0 for m in pl_.air_model])
        crew = np.array([m.get("crew", 1) if m else 0 for m in pl_.air_model], dtype=float)
        for i, o in enumerate(self.ops):
            first = self._start(eng, d, o)
            underway = J["op_state"][:, o.j] == UNDERWAY
            if not underway.any():
                continue
            troops = np.zeros(U, bool)
            troops[o.troops] = True
            tmask = troops[None, :] & (st.status == ACTIVE)
            men_total = np.maximum((st.men * tmask).sum(axis=1), 1)
            frac0 = J["landed_frac"][:, o.j].copy()
            dropping = underway & (frac0 < 0.999)
            exp = np.zeros(st.men.shape)
            if dropping.any():
                tr = J["aircraft"][:, o.air]
                sorties = tr * self.jp["air"]["serviceable"] * pb["transport_sorties_per_day"] * dropping[:, None]
                # surprise on the first lift; later lifts meet alerted flak unless every drop zone is held
                held = np.ones(st.R, bool)
                for k in self.drops_of(o):
                    held &= J["drop_state"][:, k] >= 2
                p_loss = np.where(first | held, pb["transport_loss_first_day"], pb["transport_loss_alerted"])
                lost = abm.transports_lost(sorties, p_loss[:, None]) * _noise(u[:, i, 3], 0.4)[:, None]
                lost = np.minimum(lost, tr)
                J["aircraft"][:, o.air] -= lost
                J["aircraft_lost"][:, o.air] += lost
                exp[:, o.air] += lost * crew[o.air]
                lift = abm.lift_men(np.maximum(sorties - lost, 0.0), pax[o.air], 1.0).sum(axis=1)
                add = np.minimum(lift / men_total, 1.0 - frac0)
                aboard_lost = (lost * pax[o.air]).sum(axis=1) * pb["aboard_lost"]
                J["landed_frac"][:, o.j] = np.where(dropping, frac0 + add, frac0)
                self._lose(eng, d, exp, np.full(exp.shape, DESTROYED_C), u_units)
                exp = np.zeros(st.men.shape)
                for k, (oo, dz, units) in enumerate(self.drops):
                    if oo is not o:
                        continue
                    into = dropping & (J["drop_state"][:, k] < 3)
                    st.loc[:, units] = np.where(into[:, None], dz, st.loc[:, units])
                    defended = (st.men * self._defenders(eng, 1 - o.side, dz)).sum(axis=1) > pb["defended_men"]
                    share = abm.landing_loss_share(u_units[:, units[0], 3] if len(units) else u[:, i, 0], defended,
                                                   tuple(pb["landing_loss_away"]), tuple(pb["landing_loss_defended"]))
                    dropped_u = st.men[:, units] * (add * into)[:, None]
                    aboard_u = aboard_lost[:, None] * st.men[:, units] / men_total[:, None]
                    exp[:, units] += dropped_u * share[:, None] + aboard_u
                    # stock carried: a few days
                    st.stock[:, units] = np.where(first[:, None], pb["stock_days_dropped"], st.stock[:, units])
                    if eng.record:
                        for r in np.flatnonzero(into & (dropped_u.sum(axis=1) >= 1)):
                            eng.log.add(r, d, "airborne_drop", o.side, dz, value=int(dropped_u[r].sum()),
                                        detail=(f"{o.name}: {_fmt(dropped_u[r].sum())} {self._word(eng, o.side)} "
                                                f"paratroops drop on {self._pname(eng, dz)} from "
                                                f"{sorties[r].sum() / len(self.drops_of(o)):,.0f} transport sorties; "
                                                f"{lost[r].sum() / len(self.drops_of(o)):.1f} transports shot down, "
                                                f"{share[r]:.0%} lost in the air and on landing"
                                                f"{' onto alert defenders' if defended[r] else ''}."),
                                        dropped=int(dropped_u[r].sum()), landing_loss_share=round(float(share[r]), 3),
                                        transports_lost=round(float(lost[r].sum()), 2))
                self._lose(eng, d, exp, np.full(exp.shape, DESTROYED_C), u_units[..., ::-1])
        self._fight(eng, d, wx, u, u_units)

    def drops_of(self, o):
        return [k for k, (oo, _, _) in enumerate(self.drops) if oo is o]

    def _fight(self, eng, d, wx, u, u_units):
        """Seize the drop zones, hold them against counter-attack, link up or be destroyed."""
        st, c, pb = eng.st, eng.c, self.jp["airborne"]
        J = st.extra["joint"]
        U = len(c.unit_names)
        for k, (o, dz, units) in enumerate(self.drops):
            if not len(units):
                continue
            ds = J["drop_state"][:, k]
            live = (J["op_state"][:, o.j] == UNDERWAY) & (ds < 3)
            if not live.any():
                continue
            pmask = np.zeros((st.R, U), bool)
            pmask[:, units] = True
            pmask &= (st.status == ACTIVE) & (st.loc == dz)
            men = (st.men * pmask).sum(axis=1)
            J["drop_men0"][:, k] = np.maximum(J["drop_men0"][:, k], men * J["landed_frac"][:, o.j])
            frac = J["landed_frac"][:, o.j]
            # link-up: friendly ground forces (not of this drop) stand at the drop zone
            others = np.ones(U, bool)
            others[units] = False
            others &= (c.unit_side == o.side)
            relief = ((st.loc == dz) & (st.status == ACTIVE) & others[None, :] & (st.men > 0)).any(axis=1)
            linked = live & (ds >= 1) & (ds <= 2) & relief & (st.owner[:, dz] == o.side) & (men > 0)
            if linked.any():
                J["drop_state"][linked, k] = 3
                if eng.record:
                    for r in np.flatnonzero(linked):
                        eng.log.add(r, d, "link_up", o.side, dz, value=int(men[r]),
                                    detail=(f"{self._word(eng, o.side)} ground forces link up with the paratroops "
                                            f"holding {self._pname(eng, dz)} ({_fmt(men[r])} men left)."))
            # the seizure: dropped troops assault the garrison of the drop zone
            attack = live & (ds <= 1) & (st.owner[:, dz] != o.side) & (men > 0)
            if attack.any():
                oo = JOp(**{**o.__dict__, "objective": dz, "surprise": o.surprise})
                won, _, _, _ = self._assault(eng, d, oo, pmask & attack[:, None], np.where(attack, frac, 0.0),
                                             np.ones(st.R), u[:, self.ops.index(o)], u_units,
                                             power_mult=pb["light_factor"], wx=wx)
                won &= attack
                J["drop_state"][attack & ~won, k] = 1
                if won.any():
                    J["drop_state"][won, k] = 2
                    J.setdefault("seized_day", np.full((st.R, len(self.drops)), -1, np.int64))[won, k] = d
                    self._capture(eng, d, won, dz, o.side)
                    st.loc[:, units] = np.where(won[:, None], dz, st.loc[:, units])
                    self._demolish(eng, d, won, dz, o, (st.men * pmask).sum(axis=1))
            # the hold: the enemy counter-attacks from the neighbouring places
            # (the enemy needs a day to organise the counter-attack: ASSUMPTION)
            seized = J.get("seized_day", np.full((st.R, len(self.drops)), -1))[:, k]
            hold = live & (J["drop_state"][:, k] == 2) & (st.owner[:, dz] == o.side) & ~linked & (seized < d)
            retaken = np.zeros(st.R, bool)
            if hold.any():
                retaken = self._hold(eng, d, wx, k, o, dz, units, pmask, hold, u, u_units)
            # destroyed: the zone retaken, too few left, or the zone lost in the ground battle
            men = (st.men * pmask).sum(axis=1)
            lost_zone = live & (J["drop_state"][:, k] == 2) & ((st.owner[:, dz] != o.side) | retaken)
            spent = live & (J["drop_state"][:, k] <= 1) & (frac >= 0.999) & (men < 0.3 * J["drop_men0"][:, k])
            gone = lost_zone | spent
            if gone.any():
                exp = np.where(pmask & gone[:, None], st.men, 0.0)
                self._lose(eng, d, exp, np.full(exp.shape, DESTROYED_C), u_units[..., ::-1])
                J["drop_state"][gone, k] = 4
                retake = retaken & (st.owner[:, dz] == o.side)
                self._capture(eng, d, retake, dz, 1 - o.side)
                if eng.record:
                    for r in np.flatnonzero(gone):
                        eng.log.add(r, d, "airborne_drop", o.side, dz, value=int(men[r]),
                                    detail=(f"The {self._word(eng, o.side)} paratroops at {self._pname(eng, dz)} are "
                                            f"destroyed: {_fmt(men[r])} men lost, unrelieved."),
                                    outcome="destroyed")
            # air supply of the holders
            air_fed = (J["drop_state"][:, k] <= 2) & live
            if air_fed.any():
                tr = J["aircraft"][:, o.air]
                cargo = np.array([(self.plan.air_model[a] or {}).get("cargo_t", 0.0) for a in o.air])
                want = np.where(st.engaged, 1.0, eng.p["quiet_consumption_share"])
                demand = (want * c.supply_t[None, :] * pmask).sum(axis=1)
                fill = abm.air_supply_fill((tr * cargo).sum(axis=1) * self.jp["air"]["serviceable"], 1.0,
                                           pb["air_supply_share"] / max(1, len(self.drops_of(o))), demand)
                m = pmask & air_fed[:, None]
                st.stock = np.where(m, st.stock + fill[:, None] * want, st.stock)
                st.cut = np.where(m, 0, st.cut)

    def _demolish(self, eng, d, won, dz, o, men):
        st, c, pb = eng.st, eng.c, self.jp["airborne"]
        edges = (c.rail_src == dz) | (c.rail_dst == dz)
        if edges.any():
            st.rail_damage[:, edges] = np.where(won[:, None], railm.add_damage(st.rail_damage[:, edges], pb["demolition"]),
                                                st.rail_damage[:, edges])
        if eng.record:
            for r in np.flatnonzero(won):
                eng.log.add(r, d, "airborne_drop", o.side, dz, value=int(edges.sum()),
                            detail=(f"The {self._word(eng, o.side)} paratroops ({_fmt(men[r])} men) seize {self._pname(eng, dz)}"
                                    f"{' and blow the railway there (' + str(int(edges.sum())) + ' rail sections cut)' if edges.any() else ''}."),
                            outcome="seized")

    def _hold(self, eng, d, wx, k, o, dz, units, pmask, hold, u, u_units):
        st, c, p, pb = eng.st, eng.c, eng.p, self.jp["airborne"]
        enemy = 1 - o.side
        nb = c.neighbours[dz]
        nb = nb[nb >= 0]
        static = c.mobility == MOBILITIES.index("static")
        # units engaged in the ground battle and fortified-region garrisons do not turn on the paratroops
        near = np.isin(st.loc, nb) & (c.unit_side[None, :] == enemy) & (st.status == ACTIVE) & (st.eta == 0) \
            & ~st.engaged & ~static[None, :]
        near &= (c.land_km[dz][st.loc] <= pb["counter_km"])
        if not near.any():
            return np.zeros(st.R, bool)
        s = _unit_strength(eng, dz, wx)
        A = (s * near).sum(axis=1) * pb["counter_share"]
        A_men = (st.men * near).sum(axis=1) * pb["counter_share"]
        D = (s * pmask).sum(axis=1) * pb["light_factor"]
        D_men = (st.men * pmask).sum(axis=1)
        posture = np.full(st.R, HASTY)
        terrain = np.full(st.R, c.terrain_idx[dz])
        ratio = ground.power_ratio(A, np.maximum(D, 1e-9), 1.0, 1.0, posture, terrain, wx[:, dz], _season(eng, dz),
                                   np.zeros(st.R, np.int64), 1.0, 1.0, p)
        act = hold & (A_men > 0)
        z = _normal(u_units[:, units[0], 3]) if len(units) else _normal(u[:, 0, 1])
        won = ground.attacker_prevails(np.maximum(ratio, 1e-9), z, p) & act
        insens = (c.insensitive[None, :] & (near | pmask)).any(axis=1)
        r_att, r_def = ground.daily_rates(np.maximum(ratio, 1e-9), A_men, D_men, posture, terrain, wx[:, dz],
                                          np.zeros(st.R, np.int64), insens, won, p)
        exp = np.where(near, st.men * pb["counter_share"], 0.0) * (r_att * act)[:, None] \
            + np.where(pmask, st.men, 0.0) * (r_def * act)[:, None]
        self._lose(eng, d, exp, np.full(exp.shape, NORMAL), u_units)
        st.engaged |= (near | pmask) & act[:, None]
        return won


# ---------------------------------------------------------------------------------------------------- siege
class SiegePhase(JointModel):
    """Blockade and siege of a fortress port: stocks run down, Soviet artillery shells the besiegers (docs/models/naval.md)."""

    name = "naval"   # draws from the naval stream, rows after the bombardments' (see stream_shapes)
    op_types = ("siege",)

    def stream_shapes(self, c) -> dict:
        return {}

    def phase(self, eng, d, wx):
        st, c, ps, pl_ = eng.st, eng.c, self.jp["siege"], self.plan
        J = st.extra["joint"]
        U = len(c.unit_names)
        n_naval = len([o for o in pl_.ops if o.type == "naval_bombardment"])
        u = eng.rnd.day("naval", d)
        u_units = u[:, n_naval + U:n_naval + 2 * U]
        from ..params import WEATHER_COLS

        for o in self.ops:
            self._start(eng, d, o)
            pl = o.objective
            on = (J["op_state"][:, o.j] == UNDERWAY) & (st.owner[:, pl] != o.side)
            J["op_state"][(J["op_state"][:, o.j] == UNDERWAY) & ~on, o.j] = DONE
            if not on.any():
                continue
            enemy = 1 - o.side
            dmask = self._defenders(eng, enemy, pl) & on[:, None]
            nb = c.neighbours[pl]
            nb = nb[nb >= 0]
            land_cut = (st.owner[:, nb] == o.side).all(axis=1) if len(nb) else np.ones(st.R, bool)
            fleet = J["ships"][:, o.fleet, :].sum(axis=1) if len(o.fleet) else np.zeros((st.R, len(pl_.ship_names)))
            blockade = (fleet * (pl_.ship["warship"] | pl_.ship["escort"] | pl_.ship["submarine"])).sum(axis=1) > 0
            besieged = on & land_cut & blockade
            # the fortress's own depots do not refill: cancel the engine's refill of a source (docs/models/naval.md)
            use = np.where(st.engaged, 1.0, eng.p["quiet_consumption_share"])
            want = use + np.maximum(eng.p["initial_stock_days"] - st.stock, 0.0) * 0.1
            st.stock = np.where(dmask & besieged[:, None], np.maximum(st.stock - want, 0.0), st.stock)
            starving = dmask & besieged[:, None] & (st.stock <= 0)
            exp = np.where(starving, st.men * ps["starvation_rate_per_day"], 0.0)
            # Soviet artillery shells the besiegers at the neighbouring places
            guns = (st.guns * dmask).sum(axis=1)
            bats = J["batteries"] * ((pl_.dist_km[st.loc, pl] <= 40.0) & (c.unit_side[None, :] == enemy))[..., None]
            guns = guns + (bats * pl_.battery["guns"]).sum(axis=(1, 2)) * ps["coastal_guns_landward"]
            w_art = eng.p.weather[wx[:, pl], WEATHER_COLS.index("artillery")]
            targets = (np.isin(st.loc, nb) | (st.loc == pl)) & (c.unit_side[None, :] == o.side) & (st.status == ACTIVE)
            t_men = (st.men * targets).sum(axis=1)
            shell_cas = np.minimum(guns * ps["shelling_casualties_per_gun_day"] * w_art, 0.02 * t_men) * on
            exp += np.where(targets, st.men / np.maximum(t_men, 1)[:, None], 0.0) * shell_cas[:, None]
            self._lose(eng, d, exp, np.full(exp.shape, NORMAL), u_units)
            J.setdefault("siege_days", np.zeros((st.R, len(pl_.ops)), np.int64))[:, o.j] += besieged
            day_n = d - J["op_day0"][:, o.j]
            if eng.record:
                for r in np.flatnonzero(on & ((day_n % 7 == 0) | (shell_cas > 0) & (day_n % 7 == 0))):
                    stock = float((st.stock[r] * dmask[r]).sum() / max(1, dmask[r].sum()))
                    eng.log.add(r, d, "siege", o.side, pl, value=int(shell_cas[r]),
                                detail=(f"Siege of {self._pname(eng, pl)}, day {int(day_n[r]) + 1}: "
                                        f"{'blockaded by sea and cut off by land' if besieged[r] else 'blockade by sea, land front open'}; "
                                        f"{self._word(eng, enemy)} artillery ({_fmt(guns[r])} guns incl. the coastal "
                                        f"batteries) shells the {self._word(eng, o.side)} positions: {_fmt(shell_cas[r])} "
                                        f"casualties today; the defenders hold {stock:.1f} days of supply."),
                                besieged=bool(besieged[r]), shelling_casualties=int(round(shell_cas[r])))


# ---------------------------------------------------------------------------------------------------- rail
class RailPhase(JointModel):
    """Repair of damaged rail at a stated rate, cut and repaired events, and the through tonnage from the western
    entry of the line reported as `freight` (docs/models/rail.md)."""

    name = ""

    def init_state(self, c, st):
        super().init_state(c, st)
        st.extra["joint"]["rail_cut"] = np.zeros(st.rail_damage.shape, bool)

    def phase(self, eng, d, wx):
        st, c, pr = eng.st, eng.c, self.jp["rail"]
        J = st.extra["joint"]
        a, b = c.rail_src, c.rail_dst
        same = st.owner[:, a] == st.owner[:, b]
        fresh = st.rail_damage >= pr["cut_at"]
        new_cut = fresh & ~J["rail_cut"]
        st.rail_damage = railm.repair(st.rail_damage, same & ~new_cut, pr["repair_per_day"])
        fixed = J["rail_cut"] & (st.rail_damage < pr["repaired_below"])
        J["rail_cut"] = (J["rail_cut"] | new_cut) & ~fixed
        if eng.record and (new_cut.any() or fixed.any()):
            names = c.theatre.names
            for r, e in zip(*np.nonzero(new_cut)):
                eng.log.add(r, d, "rail_cut", int(st.owner[r, a[e]]), int(a[e]), value=int(round(st.rail_damage[r, e] * 100)),
                            detail=(f"The railway {names[a[e]]}–{names[b[e]]} is cut: {st.rail_damage[r, e]:.0%} of its "
                                    f"{c.rail_cap[e]:,.0f} t/day lost."))
            for r, e in zip(*np.nonzero(fixed)):
                eng.log.add(r, d, "rail_repaired", int(st.owner[r, a[e]]), int(a[e]),
                            detail=f"The railway {names[a[e]]}–{names[b[e]]} is repaired.")

    def after_supply(self, eng, d):
        """Report as `freight` the tonnage that can run from the scenario's `freight_origin` to its
        `freight_reference` place: the Trans-Siberian's through traffic, which a cut anywhere on it stops."""
        c, st = eng.c, eng.st
        origin = getattr(c.scenario, "freight_origin", None)
        if not origin or c.freight_ref < 0:
            return
        o = c.theatre.index[origin]
        side = int(c.theatre.owner[o])
        cap = c.rail_cap[None, :] * (1.0 - st.rail_damage)
        through = railm.through_tonnage(o, st.owner == side, c.rail_src, c.rail_dst, cap, 1.0e6)
        st.freight[:, d] = np.where(st.owner[:, o] == side, through[:, c.freight_ref], 0.0)
