"""Cross-reference checks a schema cannot do: names that must exist, sides that must match, routes that must exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import Problem, short
from .schema import OperationType

if TYPE_CHECKING:
    from .load import LoadedScenario


def check_references(loaded: "LoadedScenario") -> list[Problem]:
    from ..world.theatre import build_theatre

    s, name = loaded.scenario, str(loaded.path)
    problems: list[Problem] = []

    def bad(path: tuple, value: object, expected: str) -> None:
        problems.append(Problem(name, loaded.line(*path), _fmt(path), short(value), expected))

    sides = set(s.sides)
    places = {p.name for p in loaded.places}
    seen_places: set[str] = set()
    for i, p in enumerate(loaded.places):
        if p.name in seen_places:
            bad(("extra_places", i, "name"), p.name, "a place name used once")
        seen_places.add(p.name)
        if p.owner is not None and p.owner not in sides:
            bad(("extra_places", i, "owner"), p.owner, f"one of the sides {sorted(sides)}")
    for key, ut in s.unit_types.items():
        if ut.side not in sides:
            bad(("unit_types", key, "side"), ut.side, f"one of the sides {sorted(sides)}")
    unit_names = set()
    for i, u in enumerate(s.units):
        if u.name in unit_names:
            bad(("units", i, "name"), u.name, "a unit name used once")
        unit_names.add(u.name)
        if u.side not in sides:
            bad(("units", i, "side"), u.side, f"one of the sides {sorted(sides)}")
        if u.type not in s.unit_types:
            bad(("units", i, "type"), u.type, f"one of the unit_types {sorted(s.unit_types)[:12]}")
        elif s.unit_types[u.type].side != u.side:
            bad(("units", i, "type"), u.type, f"a unit type of side {u.side!r}")
        if u.location not in places:
            bad(("units", i, "location"), u.location, "the name of a place of the scenario")
    for key in s.doctrine:
        if key not in sides:
            bad(("doctrine", key), key, f"one of the sides {sorted(sides)}")
        for j, pl in enumerate(s.doctrine[key].stand_places):
            if pl not in places:
                bad(("doctrine", key, "stand_places", j), pl, "the name of a place of the scenario")
    for i, c in enumerate([*s.victory.conditions, s.victory.default]):
        path0 = ("victory", "conditions", i) if i < len(s.victory.conditions) else ("victory", "default")
        if c.winner is not None and c.winner not in sides:
            bad((*path0, "winner"), c.winner, f"one of the sides {sorted(sides)} or null")
        for j, pl in enumerate([*c.all_of, *c.any_of]):
            if pl not in places:
                bad((*path0, "all_of" if j < len(c.all_of) else "any_of"), pl, "the name of a place of the scenario")
    from ..params import default_params

    params = default_params()
    for key in s.parameters:
        if key not in params.scalars:
            bad(("parameters", key), key, f"a model parameter name, one of {sorted(params.scalars)[:8]}... "
                "(kriegsspiel.params.default_params().scalars)")
    months = set(params.weather_climate[s.weather_region]["east"])
    import datetime as _dt

    m, d0 = set(), s.start
    while d0 <= s.end and len(m) < 13:
        m.add(d0.month)
        d0 = (d0.replace(day=1) + _dt.timedelta(days=32)).replace(day=1)
    if not m <= months:
        bad(("weather_region",), s.weather_region,
            f"a weather climatology covering the scenario's months {sorted(m)} (this one covers {sorted(months)}; "
            "data/parameters/weather.yaml)")
    day_count = (s.end - s.start).days + 1
    for i, op in enumerate(s.operations):
        if op.side not in sides:
            bad(("operations", i, "side"), op.side, f"one of the sides {sorted(sides)}")
        if op.start_day >= day_count:
            bad(("operations", i, "start_day"), op.start_day, f"a day within the scenario (0..{day_count - 1})")
        for j, f in enumerate(op.forces):
            if f not in unit_names:
                bad(("operations", i, "forces", j), f, "the name of a unit of the scenario")
            elif next(u for u in s.units if u.name == f).side != op.side:
                bad(("operations", i, "forces", j), f, f"a unit of side {op.side!r}")
        for fld in ("objective", "origin"):
            val = getattr(op, fld)
            if val is not None and val not in places:
                bad(("operations", i, fld), val, "the name of a place of the scenario")
        for j, v in enumerate([*op.via, *op.conditions.start_after_captured]):
            if v not in places:
                bad(("operations", i, "via" if j < len(op.via) else "conditions"), v, "the name of a place of the scenario")
        if op.conditions.switch_to is not None and op.conditions.switch_to not in places:
            bad(("operations", i, "conditions", "switch_to"), op.conditions.switch_to, "the name of a place of the scenario")
    if problems:
        return problems
    theatre, net_problems = build_theatre(loaded)
    problems += net_problems
    if problems:
        return problems
    for i, op in enumerate(s.operations):
        if op.type is not OperationType.ground_offensive:
            continue
        origin = op.origin or _forces_location(s, op)
        if origin is None:
            bad(("operations", i, "forces"), op.forces, "at least one unit, or an `origin`")
            continue
        if theatre.route(origin, op.objective, op.via, op.side) is None:
            bad(("operations", i, "objective"), op.objective, f"a place some land route reaches from {origin!r}")
    return problems


def _forces_location(s, op) -> str | None:
    for u in s.units:
        if u.name in op.forces:
            return u.location
    return None


def _fmt(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
