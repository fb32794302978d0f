"""What every phase reads but never writes: the compiled world, the parameters, the dice and the event log.

`Ctx` is built once per batch (`make_context`); a phase is ``step(ctx, state, day)`` and changes only the
state (and appends events to ``ctx.log``). The derived tables here are computed once from the world and the
parameters (the climate's cumulative shares by month, the season factor by place, the fighters' reach).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..codes import POSTURES, Mobility, UnitStatus
from ..params import Params
from ..scenario.compile import Compiled
from ..scenario.joint import Plan
from .events import EventLog
from .rng import Dice


@dataclass(frozen=True)
class Fighters:
    """The fighter units of the scenario and how far they reach (air superiority over each place)."""

    units: np.ndarray            # (A,) unit indices
    radius_km: np.ndarray        # (A,)
    dist_km: np.ndarray          # (P, P) great-circle
    ratio: float                 # superiority ratio (joint.yaml air.air_superiority_ratio)


@dataclass(frozen=True)
class Tables:
    """Arrays derived once per batch from the world and the parameters (manoeuvre.yaml)."""

    edge_march: np.ndarray       # (5 mobilities, E) km/day on each land edge in good weather
    edge_capacity: np.ndarray    # (E,) men a day
    edge_days: np.ndarray        # (E,) days for foot infantry: the route choice's measure of distance
    front_skip_km: np.ndarray    # (E,) km of a start-line edge an attacker does not march (movement.front_skip_km)
    frontage_km: np.ndarray      # (P,) front on which each place is attacked (from one direction)
    place_depth: np.ndarray      # (P,) km, NaN: by posture
    posture_depth: np.ndarray    # (len(Posture),) km of a defended position by posture
    category: np.ndarray         # (terrain x weather classes, 3) QJM infantry, artillery, tank factors
                                 # (models.ground.category_factors), row terrain * n_weather + weather
    march_order: np.ndarray      # (U,) the order in which formations take the road each day (movement.march_order)
    source_groups0: np.ndarray   # (S, P) each base's start reference for its isolation (supply.start_source_groups)

    def depth_km(self, places, posture):
        """Depth of the defended positions at `places` in `posture` (arrays of one shape)."""
        own = self.place_depth[places]
        return np.where(np.isnan(own), self.posture_depth[posture], own)


def make_tables(c: Compiled, p: Params) -> Tables:
    from .phases.movement import edge_capacity, edge_march_km, front_skip_km, march_order, march_table
    from .phases.supply import start_source_groups

    em = edge_march_km(c, p, march_table(p))
    fclass = [p.frontage_class.get(name, "mixed") for name in p.terrain_names]
    front_by_terrain = np.array([p[f"manoeuvre.frontage_km.{k}"] for k in fclass])
    frontage = np.where(np.isnan(c.theatre.frontage_km), front_by_terrain[c.terrain_idx], c.theatre.frontage_km)
    posture_depth = np.array([p.scalars.get(f"manoeuvre.depth_km.{name}", 0.0) for name in POSTURES])
    from ..models.ground import category_factors

    nt, nw = len(p.terrain_names), len(p.weather_names)
    cat = np.stack(category_factors(np.repeat(np.arange(nt), nw), np.tile(np.arange(nw), nt), p)[:3], axis=1)
    skip = front_skip_km(c, p)
    return Tables(edge_march=em, edge_capacity=edge_capacity(c, p, skip), category=cat,
                  edge_days=c.edge_km / np.maximum(em[Mobility.infantry], 1e-9), front_skip_km=skip,
                  frontage_km=frontage, place_depth=c.theatre.depth_km, posture_depth=posture_depth,
                  march_order=march_order(c, p), source_groups0=start_source_groups(c))


@dataclass(frozen=True)
class Ctx:
    c: Compiled
    p: Params
    plan: Plan
    dice: Dice
    log: EventLog
    seed: int
    record: bool
    climate: dict                # month -> (2 zones, classes) cumulative shares (weather.yaml)
    wx_classes: np.ndarray       # weather class index (ground.yaml) of each of the region's classes
    season_attack_by_month: dict # month -> (1, P) season factor z_u at each place
    op_mobility: np.ndarray      # (O,) slowest mobility class of each ground operation
    fighters: Fighters | None
    tables: Tables
    timeline: dict | None        # the daily record of a single run (phases.record), None in ensembles
    army_loss: np.ndarray        # (R, S) each side's loss factor in each run (army_loss_factors)

    @property
    def R(self) -> int:
        return self.dice.R

    def season_attack(self, d: int) -> np.ndarray:
        """(1, P) the QJM season factor z_u of each place on day d."""
        return self.season_attack_by_month[self.c.dates[d].month]

    def word(self, side: int) -> str:
        """The side's adjective (else its short name, else its name), for sentences."""
        s = self.c.scenario.sides[self.c.side_keys[side]]
        return s.adjective or s.short_name or s.name


def _op_mobility(c: Compiled) -> np.ndarray:
    """Per operation: the slowest mobility class among its units (infantry unless all are motorised)."""
    order = np.array([0, 2, 3, 1, 0])      # infantry < horse cavalry < mechanised < armoured (speed rank)
    mob = []
    for o in range(len(c.op_names)):
        ms = c.mobility[(c.unit_ops == o).any(axis=1)]
        mob.append(int(ms[np.argmin(order[ms])]) if len(ms) else int(Mobility.infantry))
    return np.array(mob, dtype=np.int64)


def _fighters(c: Compiled, plan: Plan, p: Params) -> Fighters | None:
    """Fighter units of the joint plan; None when the scenario has no fighters or no joint phases."""
    if not c.joint_ops and not c.scenario.freight_origin:
        return None
    fu = [u for u, m in enumerate(plan.air_model) if m and m.get("role") == "fighter" and c.aircraft0[u] > 0]
    if not fu:
        return None
    return Fighters(np.array(fu), np.array([plan.air_model[u]["radius_km"] for u in fu]), plan.dist_km,
                    p["air.air_superiority_ratio"])


def army_loss_factors(dice: Dice, mean, sigma) -> np.ndarray:
    """(R, S) how much more or less each side loses than the engagement model says, the same in all its battles of
    one run: a lognormal of mean `mean` (S,) and log-sd `sigma` (S,), mean x exp(sigma z - sigma^2 / 2), z drawn
    once per run and side (stream `army`, day 0, item the side). CDB90 shows the residual of an army's losses to be
    shared across its battles; where it shows an army's own level, the side's mean is that level and sigma its
    uncertainty, else the mean is 1 and sigma the spread between armies (Params.army_loss, casualties.yaml
    `army_loss_sigma`, validation.era_rates); the engagement noise of each day does not carry it."""
    from .phases.common import lognormal_noise

    mean, sigma = np.asarray(mean, float), np.asarray(sigma, float)
    return mean[None, :] * lognormal_noise(dice.draw("army", 0, np.arange(len(mean)))[:, :, 0], sigma[None, :])


def side_army_loss(c: Compiled, p) -> tuple[np.ndarray, np.ndarray]:
    """(mean, sigma) (S,) of each side's army loss factor: its nation's in the scenario's start year."""
    year = c.dates[0].year
    ms = [p.army_loss(c.scenario.sides[k].nation, year) for k in c.side_keys]
    return np.array([m for m, _ in ms]), np.array([s for _, s in ms])


def make_context(c: Compiled, runs: np.ndarray, seed: int, record: bool) -> Ctx:
    p = c.params
    dice = Dice(seed, runs)
    region = p.weather_climate["regions"][c.scenario.weather_region]
    zones = region["zones"]
    east, west = (zones["east"], zones["west"]) if "east" in zones else (zones["all"], zones["all"])
    months = sorted(east["months"])
    return Ctx(
        c=c, p=p, plan=c.plan, dice=dice, log=EventLog(enabled=record), seed=int(seed),
        record=record,
        climate={m: np.cumsum(np.array([east["months"][m], west["months"][m]]), axis=1) for m in months},
        wx_classes=np.array([p.weather_names.index(w) for w in region["classes"]]),
        season_attack_by_month={m: np.array([p.season[east["season"][m]]["attack"],
                                             p.season[west["season"][m]]["attack"]])[c.zone][None, :] for m in months},
        op_mobility=_op_mobility(c),
        fighters=_fighters(c, c.plan, p),
        tables=make_tables(c, p),
        timeline={"men": [], "killed": [], "wounded": [], "missing": [], "owner": [], "forces": []} if record else None,
        army_loss=army_loss_factors(dice, *side_army_loss(c, p)),
    )


def active(st) -> np.ndarray:
    """(R, U) the units that are active (not waiting, in a pocket, surrendered or destroyed)."""
    return st.status == UnitStatus.active
