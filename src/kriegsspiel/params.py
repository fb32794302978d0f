"""Model parameters: the bundled, cited tables of ``data/parameters/*.yaml`` as one frozen record.

This is the one home of every constant the models use: ground combat, casualties, supply and weather
(ground.yaml, casualties.yaml, supply.yaml, weather.yaml) and the joint models (joint.yaml). Every scalar has a
name in ``Params.scalars``: the flat names of the ground, casualty and supply tables (``rout_ratio``) and the
dotted names of joint.yaml (``naval.neutral_t``, ``amphibious.v_beach.undisturbed``). A scenario overrides
any of them (``parameters:`` block), as do ``--set parameters.NAME=VALUE`` and a sensitivity analysis;
``data/parameters/fitted.yaml`` (written by ``kriegsspiel.validation.calibrate``) overrides the calibrated
scalars of ground.yaml's ``engagement`` block. Structured tables (ship classes, coastal batteries, aircraft
types) are read-only mappings.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

import numpy as np
import yaml

from .codes import BEHAVIOURS, CIRCUMSTANCES, MOBILITIES, POSTURES, SURPRISE  # noqa: F401 - re-exported


def _read(name: str) -> dict:
    text = resources.files("kriegsspiel.data.parameters").joinpath(name).read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loader


@lru_cache(maxsize=None)
def terrain_map() -> MappingProxyType:
    return MappingProxyType(_read("terrain_map.yaml"))


def terrain_class_of(name: str) -> str | None:
    """A theatre terrain name or a QJM class -> QJM class (None if unknown)."""
    if name in _read_ground()["terrain"]:
        return name
    return terrain_map().get(name)


@lru_cache(maxsize=None)
def _read_ground() -> dict:
    return _read("ground.yaml")


def fitted_overrides() -> dict:
    try:
        data = _read("fitted.yaml")
    except FileNotFoundError:
        return {}
    return dict((data or {}).get("engagement", {}))


@dataclass(frozen=True)
class Params:
    """Frozen model parameters. Tables are arrays indexed by the tuples above or by ``terrain_names`` / ``weather_names``."""

    terrain_names: tuple
    terrain: np.ndarray            # (T, 9) columns of TERRAIN_COLS
    weather_names: tuple
    weather: np.ndarray            # (W, 6) columns of WEATHER_COLS
    season: dict
    posture_strength: np.ndarray   # (len(POSTURES),)
    posture_casualties: np.ndarray
    surprise_power: np.ndarray
    surprise_vuln: np.ndarray
    surpriser_vuln: np.ndarray
    size_men: np.ndarray
    size_factor: np.ndarray
    opp_ratio: np.ndarray
    opp_factor: np.ndarray
    advance_pp: np.ndarray         # (9,)
    advance: np.ndarray            # (3 postures hasty/prepared/fortified, 4 mobilities, 9)
    split: np.ndarray              # (behaviour, circumstance, 3)
    surrenders: np.ndarray         # (behaviour,) bool
    weather_climate: dict
    scalars: MappingProxyType      # every named scalar: attrition, engagement, advance, casualties, supply, joint
    ship_classes: MappingProxyType       # joint.yaml: class -> {kind, main_guns, ...}
    coastal_batteries: MappingProxyType  # joint.yaml: class -> {guns, shell_kg, ...}
    aircraft: MappingProxyType           # joint.yaml air.aircraft: type -> {role, radius_km, ...}
    frontage_class: MappingProxyType     # manoeuvre.yaml: QJM terrain class -> open / mixed / close
    # effectiveness.yaml: era -> (first, last year); nation -> the fitted nation it is read as
    eras: MappingProxyType = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    nation_aliases: MappingProxyType = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    era_years: MappingProxyType = dataclasses.field(default_factory=lambda: MappingProxyType({}))  # era_rates.yaml
    # the sections already asked for (section): prefix -> its scalars; each Params (with_overrides too) starts empty
    _sections: dict = dataclasses.field(default_factory=dict, init=False, repr=False, compare=False)

    def army_key(self, nation: str | None, year: int) -> str | None:
        """'ERA.NATION': the army of `nation` (read through the aliases: australia is uk) in `year`, by the
        effectiveness eras (effectiveness.yaml); None without a nation or outside the eras."""
        if not nation:
            return None
        nation = self.nation_aliases.get(nation, nation)
        for era, (a, b) in self.eras.items():
            if a <= year <= b:
                return f"{era}.{nation}"
        return None

    def effectiveness(self, nation: str | None, year: int) -> float:
        """Relative combat effectiveness of `nation`'s army in `year`: CDB90's fitted value (effectiveness.yaml,
        with effectiveness.enabled 1; else 1) times the army's value fitted on the campaign back-tests
        (campaign_fit.yaml `army_cev`, scalars army_cev.ERA.NATION, with army_cev.enabled 1; else 1)."""
        key = self.army_key(nation, year)
        out = 1.0
        if key and self.scalars.get("effectiveness.enabled", 0):
            out *= float(self.scalars.get(f"effectiveness.{key}", 1.0))
        if key and self.scalars.get("army_cev.enabled", 0):
            out *= float(self.scalars.get(f"army_cev.{key}", 1.0))
        return out

    def army_loss(self, nation: str | None, year: int) -> tuple[float, float]:
        """(mean, sd of its log) of the loss factor of `nation`'s army in `year`: CDB90's estimate of that army's
        own loss level where it has one (era_rates.yaml `armies`, validation.era_rates.army_effects), else 1 with
        the between-army spread `army_loss_sigma` (casualties.yaml)."""
        name = f"era_rates.army.{self.army_key(nation, year)}"
        if self.scalars.get("era_rates.armies_enabled", 0) and f"{name}.loss_factor" in self.scalars:
            return float(self.scalars[f"{name}.loss_factor"]), float(self.scalars[f"{name}.sd"])
        return 1.0, float(self.scalars["army_loss_sigma"])

    def era_casualty_factors(self, year: int) -> dict[str, float]:
        """{attacker, defender}: the era casualty factors of `year` (era_rates.yaml; 1 outside its eras or with
        era_rates.enabled 0), as overrides of era_rates.applied.*."""
        out = {"era_rates.applied.attacker": 1.0, "era_rates.applied.defender": 1.0}
        if self.scalars.get("era_rates.enabled", 0):
            for era, (a, b) in self.era_years.items():
                if a <= year <= b:
                    out = {f"era_rates.applied.{side}": float(self.scalars[f"era_rates.{era}.{side}"])
                           for side in ("attacker", "defender")}
        return out

    def __getitem__(self, key: str) -> float:
        return self.scalars[key]

    def section(self, prefix: str) -> MappingProxyType:
        """The scalars named `prefix.*`, keyed by the rest of their name: section('naval')['neutral_t']. Read-only,
        and gathered once per prefix (the joint phases ask for their sections every day)."""
        out = self._sections.get(prefix)
        if out is None:
            head = prefix + "."
            out = self._sections[prefix] = {k[len(head):]: v for k, v in self.scalars.items() if k.startswith(head)}
        return MappingProxyType(out)       # the cache holds plain dicts, so a Params still pickles (Dask workers)

    def override_problem(self, key: str, value) -> str | None:
        """What a value for parameter `key` must be, if `value` is not that; None when it is acceptable. Every
        parameter is a finite number below 1e9 in size, and one whose default is not negative (rates, shares,
        ratios, counts) may not be set negative, except logarithms (`ln_*`) and exponents (SIGNED)."""
        try:
            v = float(value)
        except (TypeError, ValueError):
            return "a number"
        if not np.isfinite(v) or abs(v) >= 1e9:
            return "a finite number of magnitude below 1e9"
        if key.startswith("army_cev.") and key != "army_cev.enabled" and v <= 0:
            return "a relative combat effectiveness > 0"
        if v < 0 <= self.scalars.get(key, 0.0) and key not in SIGNED and not key.startswith("ln_"):
            return f"a number >= 0 (the default is {self.scalars[key]:g})"
        return None

    def check_overrides(self, overrides: dict) -> None:
        """Raise ValueError naming every override a user may not give (override_problem); KeyError for unknown
        names. The scenario's `parameters` are checked by scenario.checks, the API's overrides here; the
        calibration's own trial values (a fit may cross zero on its way) go through `with_overrides` alone."""
        unknown = [k for k in overrides if not self.knows(k)]
        if unknown:
            raise KeyError(f"unknown parameter(s): {sorted(unknown)}")
        bad = {k: p for k, v in overrides.items() if (p := self.override_problem(k, v)) is not None}
        if bad:
            raise ValueError("; ".join(f"parameter {k}: expected {p}" for k, p in bad.items()))

    def knows(self, key: str) -> bool:
        """Whether `key` names a parameter: one of the scalars, or army_cev.ERA.NATION for any army (an army
        without a fitted value has 1)."""
        parts = key.split(".")
        return key in self.scalars or (len(parts) == 3 and parts[0] == "army_cev" and parts[1] in self.eras)

    def with_overrides(self, overrides: dict) -> "Params":
        unknown = [k for k in overrides if not self.knows(k)]
        if unknown:
            raise KeyError(f"unknown parameter(s): {sorted(unknown)}")
        return dataclasses.replace(self, scalars=MappingProxyType({**self.scalars, **overrides}))


# Parameters that may take either sign whatever their default: exponents of the engagement model's factors (a
# fit may turn one round) besides the logarithms named ln_*.
SIGNED = frozenset({"opposition_exponent", "size_exponent"})

TERRAIN_COLS = ("mobility", "defence_position", "infantry_weapons", "artillery", "air", "tanks", "casualties",
                "advance_infantry", "advance_armour")
WEATHER_COLS = ("mobility", "attack", "artillery", "air", "tanks", "casualties")


@lru_cache(maxsize=None)
def default_params() -> Params:
    g = _read_ground()
    cas = _read("casualties.yaml")
    sup = _read("supply.yaml")
    wx = _complete_regions(_read("weather.yaml"))
    scalars: dict = {}
    for block in ("attrition", "engagement"):
        for k, v in g[block].items():
            if isinstance(v, (int, float)):
                scalars[k] = float(v)
    scalars["attacker_standard_rate"] = g["attrition"]["standard_rate_per_day"]["attacker"]
    scalars["defender_standard_rate"] = g["attrition"]["standard_rate_per_day"]["defender"]
    scalars["rail_km_per_day"] = float(g["advance"]["rail_km_per_day"])
    for k in ("rout_threshold", "rout_ratio", "destroyed_rate_per_day", "pocket_remnant_men", "army_loss_sigma"):
        scalars[k] = float(cas[k])
    for k, v in sup.items():
        scalars[k] = float(v)
    scalars.update(_flatten(_read("manoeuvre.yaml"), "manoeuvre", skip=("terrain_frontage_class",)))
    joint = _read("joint.yaml")
    for section in JOINT_SECTIONS:
        scalars.update(_flatten(joint[section], section, skip=("aircraft",)))
    scalars.update({k: float(v) for k, v in fitted_overrides().items() if k in scalars})
    # shared parameters chosen on the campaign back-tests (validation.campaign_fit) override manoeuvre.yaml
    try:
        fit = _read("campaign_fit.yaml")
    except FileNotFoundError:
        fit = {}
    scalars.update({k: float(v) for k, v in (fit.get("chosen") or {}).items() if k in scalars})
    # each army's relative combat effectiveness fitted on the campaign back-tests (validation.campaign_fit)
    scalars["army_cev.enabled"] = float(fit.get("army_cev_enabled", 0))
    scalars.update({f"army_cev.{k}": float(v) for k, v in (fit.get("army_cev") or {}).items()})
    # era casualty factors (validation.era_rates): applied_* are set by compile_scenario for the scenario's year
    era = _read("era_rates.yaml")
    scalars["era_rates.enabled"] = float(era.get("enabled", 0))
    scalars.update({f"era_rates.{name}.{side}": float(v["factor"])
                    for name, t in era["factors"].items() for side, v in t.items()})
    scalars["era_rates.applied.attacker"] = 1.0
    scalars["era_rates.applied.defender"] = 1.0
    scalars["era_rates.armies_enabled"] = float(era.get("armies_enabled", 0))
    for army, v in (era.get("armies") or {}).items():
        scalars[f"era_rates.army.{army}.loss_factor"] = float(v["loss_factor"])
        scalars[f"era_rates.army.{army}.sd"] = float(v["sd"])
    era_years = {name: tuple(v) for name, v in era["eras"].items()}
    eff = _read("effectiveness.yaml")
    scalars["effectiveness.enabled"] = float(eff.get("enabled", 0))
    scalars.update({f"effectiveness.{era}.{nation}": float(v["cev"])
                    for era, table in eff["cev"].items() for nation, v in table.items()})
    terrain_names = tuple(g["terrain"])
    weather_names = tuple(g["weather"])
    adv = g["advance"]
    return Params(
        terrain_names=terrain_names,
        terrain=np.array([[g["terrain"][t][c] for c in TERRAIN_COLS] for t in terrain_names]),
        weather_names=weather_names,
        weather=np.array([[g["weather"][w][c] for c in WEATHER_COLS] for w in weather_names]),
        season=MappingProxyType(g["season"]),
        posture_strength=np.array([g["posture"][p]["strength"] for p in POSTURES]),
        posture_casualties=np.array([g["posture"][p]["casualties"] for p in POSTURES]),
        surprise_power=np.array([g["surprise"][s]["power"] for s in SURPRISE]),
        surprise_vuln=np.array([g["surprise"][s]["surprised_vulnerability"] for s in SURPRISE]),
        surpriser_vuln=np.array([g["surprise"][s]["surpriser_vulnerability"] for s in SURPRISE]),
        size_men=np.array(g["attrition"]["size_factor"]["men"], dtype=float),
        size_factor=np.array(g["attrition"]["size_factor"]["factor"], dtype=float),
        opp_ratio=np.array(g["attrition"]["opposition_factor"]["ratio"], dtype=float),
        opp_factor=np.array(g["attrition"]["opposition_factor"]["factor"], dtype=float),
        advance_pp=np.array(adv["pp_lower"], dtype=float),
        advance=np.array([[adv[p][m] for m in MOBILITIES[:4]] for p in ("hasty", "prepared", "fortified")], dtype=float),
        split=np.array([[cas["split"][b][c] for c in CIRCUMSTANCES] for b in BEHAVIOURS], dtype=float),
        surrenders=np.array([cas["surrenders"][b] for b in BEHAVIOURS]),
        weather_climate=MappingProxyType(wx),
        scalars=MappingProxyType(scalars),
        ship_classes=_frozen(joint["ship_classes"]),
        coastal_batteries=_frozen(joint["coastal_batteries"]),
        aircraft=_frozen(joint["air"]["aircraft"]),
        frontage_class=MappingProxyType(dict(_read("manoeuvre.yaml")["terrain_frontage_class"])),
        eras=MappingProxyType({k: tuple(v) for k, v in eff["eras"].items()}),
        nation_aliases=MappingProxyType(dict(eff["aliases"])),
        era_years=MappingProxyType(era_years),
    )


def _complete_regions(wx: dict) -> dict:
    """weather.yaml with each region that names `complete_from` completed by that region's months: its class list
    becomes the union (its own classes first), its own months' probabilities padded with zeros for the added
    classes, the other region's months (and seasons) added where it has none, zone by zone."""
    regions = dict(wx["regions"])
    for name, reg in list(regions.items()):
        other = reg.get("complete_from")
        if not other:
            continue
        src = regions[other]
        classes = list(reg["classes"]) + [k for k in src["classes"] if k not in reg["classes"]]
        zones = {}
        for zname, zone in reg["zones"].items():
            szone = src["zones"].get(zname) or next(iter(src["zones"].values()))
            own = {int(m): list(v) + [0.0] * (len(classes) - len(v)) for m, v in zone["months"].items()}
            theirs = {int(m): [v[src["classes"].index(k)] if k in src["classes"] else 0.0 for k in classes]
                      for m, v in szone["months"].items() if int(m) not in own}
            season = {**{int(m): v for m, v in szone["season"].items()}, **{int(m): v for m, v in zone["season"].items()}}
            zones[zname] = {**zone, "months": {**own, **theirs}, "season": season}
        regions[name] = {**reg, "classes": classes, "zones": zones}
    return {**wx, "regions": regions}


JOINT_SECTIONS = ("assault", "naval", "amphibious", "riverine", "air", "airborne", "rail", "siege")


def _flatten(block: dict, prefix: str, skip=()) -> dict[str, float]:
    """Numeric leaves of a nested mapping under dotted names: {'v_beach': {'undisturbed': 2.0}} under prefix
    'amphibious' -> {'amphibious.v_beach.undisturbed': 2.0}."""
    out: dict[str, float] = {}
    for k, v in block.items():
        if k in skip:
            continue
        name = f"{prefix}.{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, name))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out[name] = float(v)
    return out


def _frozen(table: dict) -> MappingProxyType:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in table.items()})
