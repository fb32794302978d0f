"""The scenario file format, as pydantic models.

A scenario is data only: it is parsed with a safe YAML loader, validated against these models
(unknown fields are errors), then cross-checked (``scenario.checks``) and compiled to arrays
(``scenario.compile``). ``kriegsspiel schema`` prints the JSON Schema of :class:`Scenario`.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Every number of a scenario is finite (no .inf or .nan: `allow_inf_nan` below) and bounded, so that no count
# wraps round in the engine's 64-bit arrays (a men figure of 2**62 did) and no product overflows.
# The longest campaign a scenario may describe (days from start to end): every phase keeps a day axis.
MAX_DAYS = 3660
NonNeg = Annotated[float, Field(ge=0, le=1e9)]
NonNegInt = Annotated[int, Field(ge=0, le=2**31 - 1)]
Fraction = Annotated[float, Field(ge=0, le=1)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Posture(str, Enum):
    """QJM postures (Dupuy, Numbers, Predictions and War, posture table; see data/parameters/ground.yaml)."""

    attack = "attack"
    hasty_defence = "hasty_defence"
    prepared_defence = "prepared_defence"
    fortified_defence = "fortified_defence"
    delay = "delay"
    withdrawal = "withdrawal"


class Mobility(str, Enum):
    """Force type columns of the QJM advance-rate table."""

    infantry = "infantry"
    mechanised = "mechanised"
    armoured = "armoured"
    horse_cavalry = "horse_cavalry"
    static = "static"  # fortified-region garrisons, coastal artillery: never move


class Basis(str, Enum):
    historical = "historical"
    assumption = "assumption"


class EdgeKind(str, Enum):
    rail = "rail"
    road = "road"
    track = "track"
    river = "river"
    sea = "sea"


class OperationType(str, Enum):
    ground_offensive = "ground_offensive"
    # joint operations; their models live in kriegsspiel.models.{naval,amphibious,riverine,air,airborne}
    naval_bombardment = "naval_bombardment"
    amphibious_landing = "amphibious_landing"
    river_assault = "river_assault"
    air_raid = "air_raid"
    airborne_drop = "airborne_drop"
    siege = "siege"


class Side(Strict):
    name: Name
    short_name: Name | None = None
    adjective: Name | None = None
    commanders: list[Name] = Field(default_factory=list)
    commander_notes: str | None = None
    countries: list[Name] = Field(
        default_factory=list,
        description="places whose `country` is one of these start owned by this side",
    )
    casualty_insensitive: bool = Field(
        False,
        description="fights to the death (TNDM x2.5 casualty multiplier applies to fights against it; "
        "Lawrence, TNDM Newsletter Apr 1997)",
    )
    surrender_behaviour: Literal["soviet", "japanese", "western"] = "western"
    nation: Name | None = Field(None, description="the army most of its units belong to (e.g. 'italy'), for the "
                                "effectiveness tables; units of other nations say so themselves")
    theatre_strength: NonNegInt | None = Field(
        None, description="all the side's personnel in the theatre (ground, air, sea, rear), for plausibility checks")
    theatre_strength_source: str | None = None
    sea_supply: bool = Field(False, description="supplied by sea: the ports it holds (places with `port`) are supply "
                             "sources, captured ones included")
    initial_stock_days: NonNeg | None = Field(
        None, description="days of combat supply the side's formations hold at the start and are refilled toward "
        "(default: supply.yaml initial_stock_days, 30)")


class PlacesFile(Strict):
    file: Name = Field(description="CSV with columns name, lat, lon, country_1944, kind, terrain")


class Place(Strict):
    name: Name
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    kind: str = ""
    terrain: Name = "flat_mixed"
    country: str | None = None
    owner: str | None = Field(None, description="side key; default from `country` and the sides' countries")
    fortification: Fraction = Field(0.0, description="0 none .. 1 fully fortified region")
    supply_source: bool = Field(False, description="a depot or railhead that supplies its side")
    port: bool | None = None
    coastal: bool | None = None
    frontage_km: Annotated[float, Field(gt=0, le=200)] | None = Field(
        None, description="width of the front on which the place is attacked or held, km (default: by terrain, "
        "data/parameters/movement.yaml)")
    depth_km: Annotated[float, Field(ge=0, le=100)] | None = Field(
        None, description="depth of its defended position, km, that an attacker must advance through to take it "
        "(default: by posture, movement.yaml)")


class PlaceProperties(Strict):
    """Properties of a place given by file (places.csv) that the scenario sets: owner, fortification, supply."""

    owner: str | None = None
    fortification: Fraction | None = None
    supply_source: bool | None = None
    port: bool | None = None
    coastal: bool | None = None
    frontage_km: Annotated[float, Field(gt=0, le=200)] | None = None
    depth_km: Annotated[float, Field(ge=0, le=100)] | None = None


class RailFile(Strict):
    file: Name = Field(description="CSV with columns line_id, seq, station, km_from_line_start, status_1944, ...")
    station_aliases: dict[str, Name] = Field(default_factory=dict, description="rail.csv station -> place name")
    capacity_t_per_day: dict[str, NonNeg] = Field(
        default_factory=dict, description="line_id -> net tons per day; lines not listed use `default_capacity_t_per_day`"
    )
    default_capacity_t_per_day: NonNeg = 6000.0
    include_status: list[str] = Field(default_factory=lambda: ["operational"])


class Edge(Strict):
    from_: Name = Field(alias="from")
    to: Name
    kind: EdgeKind
    km: NonNeg | None = Field(None, description="length; computed from coordinates when omitted")
    terrain: Name | None = Field(None, description="terrain along the edge (default: the rougher of its two ends)")
    capacity_t_per_day: NonNeg | None = None
    quality: Literal["good", "mediocre", "poor"] = "mediocre"
    routes: Annotated[int, Field(ge=1, le=50)] = Field(
        1, description="parallel roads or tracks of this class the edge stands for (a broad front, a bridgehead's "
        "exits): the men who may start along it each day are that many times its class's capacity")
    season: tuple[dt.date, dt.date] | None = Field(None, description="navigable/usable between these dates")
    source: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


class Network(Strict):
    rail: RailFile | None = None
    edges: list[Edge] = Field(default_factory=list)


class UnitType(Strict):
    side: str
    men: NonNegInt
    guns: NonNeg = 0
    mortars: NonNeg = 0
    tanks: NonNeg = 0
    aircraft: NonNeg = 0
    mobility: Mobility = Mobility.infantry
    lorried: bool = Field(
        False, description="foot infantry that marches in lorries (its own or attached transport): it marches at the "
        "mechanised rates and burns fuel on the march; it fights and advances under fire as infantry")
    supply_t_per_day: NonNeg = Field(
        200.0, description="consumption in combat (tons/day); default: a Japanese infantry division in combat, "
        "far-east-1944/environment.yaml (estimate)")
    # joint forces (kriegsspiel.models.naval/air/airborne): classes are keys of data/parameters/joint.yaml
    ships: dict[str, NonNeg] = Field(default_factory=dict, description="ship class -> number (fleets, flotillas, lift)")
    batteries: dict[str, NonNeg] = Field(default_factory=dict, description="coastal battery class -> number")
    aircraft_model: Name | None = Field(None, description="aircraft type of an air unit (radius, load, crew)")
    source: Name

    @model_validator(mode="after")
    def _lorried_infantry(self) -> "UnitType":
        if self.lorried and self.mobility is not Mobility.infantry:
            raise ValueError(f"`lorried` is for infantry (this type's mobility is {self.mobility.value})")
        return self


class Unit(Strict):
    name: Name
    type: Name
    side: str
    count: Annotated[float, Field(gt=0, le=10000)] = 1.0
    strength: Annotated[float, Field(gt=0, le=1.5)] = Field(1.0, description="fraction of establishment")
    quality: Annotated[float, Field(gt=0, le=3)] = Field(1.0, description="relative combat effectiveness (CEV)")
    location: Name
    posture: Posture = Posture.hasty_defence
    role: Literal["front", "reserve", "garrison"] = "front"
    nation: Name | None = Field(None, description="the unit's army when it differs from its side's `nation`")
    arrives_day: NonNegInt = 0
    arrives_date: dt.date | None = Field(None, description="arrival date (instead of `arrives_day`)")
    departs_date: dt.date | None = Field(None, description="the day it leaves the theatre (sent elsewhere)")
    source: str | None = None


class Conditions(Strict):
    halt_if_strength_below: Fraction = Field(0.35, description="halt when the force falls below this share of its start")
    halt_if_ratio_below: NonNeg = Field(0.0, description="halt when the combat-power ratio at the front falls below this")
    start_after_captured: list[Name] = Field(default_factory=list, description="start only once these places are held")
    start_after_started: list[Name] = Field(
        default_factory=list, description="start only once these operations (by name) have started")
    start_delay_days: NonNegInt = Field(
        0, description="start this many days after its start conditions (its day, the places held, the operations "
        "started) first all hold: a timing relative to a named event (\"two days after Okha falls\")")
    switch_to: Name | None = Field(None, description="objective to take next once the objective falls")
    bypass_after_days: NonNegInt | None = Field(
        None, description="pass an objective before the last by, leaving its garrison to follow-on forces, once the "
        "operation has stood before it this many days without taking it (0: never; default: manoeuvre.yaml "
        "`bypass_objective_days` for an operation of mobile formations only, never for one with foot infantry)")


class Operation(Strict):
    name: Name
    side: str
    type: OperationType = OperationType.ground_offensive
    start_day: NonNegInt = 0
    start_date: dt.date | None = Field(None, description="start date (instead of `start_day`)")
    forces: list[Name] = Field(default_factory=list, description="unit names")
    origin: Name | None = Field(None, description="start place; default: the forces' location")
    objectives: list[Name] = Field(
        default_factory=list, description="places to take in this order before `objective`; the route between them "
        "is chosen each day on the network (shortest time, around strongpoints)")
    objective: Name
    via: list[Name] = Field(default_factory=list, description="places the route must pass, in order")
    main_effort: bool = False
    surprise: Literal["none", "minor", "substantial", "complete"] = "none"
    conditions: Conditions = Field(default_factory=Conditions)
    quote: str | None = Field(None, description="the sentence of the source text this operation plays")
    # joint operations (types other than ground_offensive)
    targets: list[Name] = Field(default_factory=list, description="air_raid: places raided (default: the objective)")
    drop_zones: list[Name] = Field(default_factory=list, description="airborne_drop: places seized (default: the objective)")
    sorties_per_day: NonNeg | None = Field(None, description="sorties per aircraft per day (default: joint.yaml)")
    duration_days: NonNegInt | None = Field(None, description="days the raid, bombardment or siege lasts (default: 1 / to the end)")
    reach_note: str | None = Field(None, description="how a target near the edge of the aircraft's radius is reached")


class Doctrine(Strict):
    """How a side behaves when it is not following a plan (the defender's rules; all thresholds data)."""

    hold_fortified: bool = True
    reserves_by_rail: bool = True
    reserve_commit_ratio: NonNeg = Field(1.5, description="send reserves when the attacker's power ratio at a place exceeds this")
    counterattack_ratio: NonNeg = Field(1.5, description="counter-attack a penetration when own/enemy power exceeds this")
    withdraw_ratio: NonNeg = Field(3.0, description="withdraw before encirclement when the enemy ratio exceeds this")
    stand_places: list[Name] = Field(default_factory=list, description="places held to the last, whatever the odds")
    surrender_after_days_cut_off: NonNegInt = Field(10, description="an encircled force with no supply breaks after this")
    withdraw_to: list[Name] = Field(
        default_factory=list, description="a named line: beaten defenders fall back toward the nearest of these places")
    trade_space: bool = Field(
        False, description="adaptive withdrawal (Epstein 1985): give ground when daily losses pass the side's tolerance")
    lateral_reserves: bool = Field(True, description="reserves also move by road to threatened places")
    changes: list["DoctrineChange"] = Field(
        default_factory=list, description="orders that change this doctrine from a date on (a hold order lifted, a "
        "withdrawal ordered): each sets the fields it names, in date order")


class DoctrineChange(Strict):
    """From `date` on, the side's doctrine takes the fields given here (the others stay as they were)."""

    date: dt.date
    hold_fortified: bool | None = None
    reserves_by_rail: bool | None = None
    reserve_commit_ratio: NonNeg | None = None
    counterattack_ratio: NonNeg | None = None
    withdraw_ratio: NonNeg | None = None
    stand_places: list[Name] | None = None
    surrender_after_days_cut_off: NonNegInt | None = None
    withdraw_to: list[Name] | None = None
    trade_space: bool | None = None
    lateral_reserves: bool | None = None
    source: str | None = None
    note: str | None = None


Doctrine.model_rebuild()


class Ending(Strict):
    """An event that ends the campaign early: a side's capitulation (its men still in the field become prisoners)
    or a ceasefire; or a contingent's capitulation or defection, after which the campaign goes on. It happens on
    `date`, or when its condition holds (any one of those given)."""

    type: Literal["capitulation", "ceasefire", "defection"] = Field(
        description="capitulation (the side, or with `units`/`nations` a contingent, gives up: prisoners); "
        "ceasefire (the fighting stops); defection (a contingent leaves its side: its formations leave the field, "
        "neither lost nor captured, and the places in `hands_over` pass to the other side)")
    side: str | None = Field(None, description="the side that capitulates, or that the defecting contingent leaves")
    date: dt.date | None = None
    places_lost: list[Name] = Field(default_factory=list, description="places whose loss (by `side`) triggers it")
    min_places_lost: NonNegInt | None = Field(None, description="how many of `places_lost` (default: all)")
    strength_below: Fraction | None = Field(
        None, description="when `side`'s men in the field and in supply fall below this share of its start")
    units: list[Name] = Field(
        default_factory=list, description="capitulation or defection of these units only (a national contingent): "
        "the campaign goes on")
    nations: list[Name] = Field(
        default_factory=list, description="the contingent as armies: the side's units whose `nation` (else the "
        "side's) is one of these, besides any in `units`")
    hands_over: list[Name] = Field(
        default_factory=list, description="defection: places that pass to the other side, each only where none of "
        "the remaining troops of `side` stand")
    source: str | None = None
    note: str | None = None


class RecordedLosses(Strict):
    killed: NonNegInt | None = None
    wounded: NonNegInt | None = None
    missing: NonNegInt | None = Field(None, description="missing and captured")
    total: NonNegInt | None = Field(None, description="killed + wounded + missing when only the total is known")
    total_range: tuple[NonNegInt, NonNegInt] | None = Field(None, description="[low, high] where sources disagree")
    source: str | None = None
    note: str | None = None


class RecordedCapture(Strict):
    place: Name
    date: dt.date
    by: str = Field(description="side key that took it")
    source: str | None = None
    basis: Literal["recorded", "estimate", "recalled"] = "recorded"


class Record(Strict):
    """What happened historically: the back-test (`kriegsspiel validate --campaigns`) compares runs with it."""

    winner: str | None = Field(None, description="side key of the winner (null: no side won)")
    result: str = ""
    end: dt.date | None = Field(None, description="date the campaign ended (a capitulation or ceasefire)")
    losses: dict[str, RecordedLosses] = Field(default_factory=dict, description="side key -> losses")
    captures: list[RecordedCapture] = Field(default_factory=list)
    source: str | None = None
    notes: str | None = None


class VictoryCondition(Strict):
    label: Name
    winner: str | None = None
    all_of: list[Name] = Field(default_factory=list, description="the winner holds all these places at the end")
    any_of: list[Name] = Field(default_factory=list)
    min_of_any: NonNegInt = 1
    loss_ratio_above: NonNeg | None = Field(None, description="the loser's personnel losses / winner's exceed this")


class Victory(Strict):
    conditions: list[VictoryCondition]
    default: VictoryCondition


class Assumption(Strict):
    id: Name
    value: float | int | str | bool
    basis: Basis
    source: str | None = None
    note: str | None = None
    range: tuple[float, float] | None = Field(None, description="uncertainty range for sensitivity analysis")
    written_as: float | None = Field(
        None, description="the value the file's `applies_to` inputs were written for: when `value` differs (an "
        "edited assumption), every target is scaled by value / written_as at load (docs/ensembles.md)")
    applies_to: list[Name] = Field(
        default_factory=list,
        description="inputs this assumption stands for, each scaled by value / declared value in a sensitivity "
        "analysis: parameters.NAME, units[NAME|side=KEY|type=TYPE|*].count|strength|quality|arrives_day, "
        "unit_types[TYPE].FIELD, doctrine[SIDE].FIELD, operations[NAME].start_day, "
        "rail_lines[LINE|default].capacity_t_per_day, edges[FROM>TO].capacity_t_per_day, "
        "sides[SIDE].initial_stock_days (docs/ensembles.md)",
    )

    @model_validator(mode="after")
    def _sourced(self) -> "Assumption":
        if self.basis is Basis.historical and not self.source:
            raise ValueError("a historical value needs a `source`")
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError("range must be [low, high]")
        return self


class Scenario(Strict):
    name: Name = Field(description="short identifier, e.g. operation-otsu")
    title: Name
    description: str = ""
    place: str = Field("", description="where, in words, for the infobox")
    partof: str | None = None
    start: dt.date
    end: dt.date
    time_step_days: Literal[1] = 1
    sides: dict[str, Side]
    weather_region: Name = Field("far_east_summer", description="a climate region of data/parameters/weather.yaml")
    theatre: Name | None = Field(None, description="a bundled theatre (`kriegsspiel scenarios` lists them): the "
                                 "places and rail files this scenario names are read from it when they are not "
                                 "found beside the scenario, so a copy runs from anywhere")
    places: list[Place] | PlacesFile
    extra_places: list[Place] = Field(default_factory=list)
    place_properties: dict[str, PlaceProperties] = Field(
        default_factory=dict, description="place name -> owner, fortification, supply_source, port, coastal"
    )
    freight_reference: Name | None = Field(
        None, description="place whose rail tonnage from the supply sources is reported day by day (e.g. Khabarovsk)"
    )
    freight_origin: Name | None = Field(
        None, description="place where through freight enters the theatre (e.g. Krasnoyarsk): `freight_east_t` counts only "
        "tonnage from here, so a cut of the line shows"
    )
    network: Network = Field(default_factory=Network)
    unit_types: dict[str, UnitType]
    units: list[Unit]
    operations: list[Operation] = Field(default_factory=list)
    doctrine: dict[str, Doctrine] = Field(default_factory=dict)
    victory: Victory
    assumptions: list[Assumption] = Field(default_factory=list)
    parameters: dict[str, float] = Field(default_factory=dict, description="overrides of named model parameters")
    claims: dict | None = Field(None, description="figures claimed by the source text, for the plausibility check")
    endings: list[Ending] = Field(default_factory=list, description="capitulations and ceasefires that end the run")
    record: Record | None = Field(None, description="the historical outcome, for back-tests")

    @model_validator(mode="after")
    def _dates(self) -> "Scenario":
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        if (self.end - self.start).days > MAX_DAYS:
            raise ValueError(f"a campaign of at most {MAX_DAYS} days (got {(self.end - self.start).days} days from "
                             f"{self.start} to {self.end})")
        if len(self.sides) != 2:
            raise ValueError("a scenario has exactly two sides")
        return self

    def army_of(self, u: "Unit") -> str | None:
        """A unit's army: its own `nation`, else its side's (None for a side not in the scenario)."""
        side = self.sides.get(u.side)
        return u.nation or (side.nation if side is not None else None)

    def day_of(self, date: dt.date) -> int:
        """Day index (0 = `start`) of a date."""
        return (date - self.start).days

    def op_start_day(self, op: "Operation") -> int:
        return self.day_of(op.start_date) if op.start_date is not None else op.start_day

    def unit_departs_day(self, u: "Unit") -> int:
        return self.day_of(u.departs_date) if u.departs_date is not None else -1

    def unit_arrives_day(self, u: "Unit") -> int:
        return self.day_of(u.arrives_date) if u.arrives_date is not None else u.arrives_day
