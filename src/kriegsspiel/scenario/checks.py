"""Cross-reference checks a schema cannot do: names that must exist, sides that must match, routes that must exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import Problem, short
from .schema import OperationType

if TYPE_CHECKING:
    from .load import LoadedScenario


def check_references(loaded: "LoadedScenario") -> list[Problem]:
    from .theatre import build_theatre

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
        if u.arrives_date is not None and not s.start <= u.arrives_date <= s.end:
            bad(("units", i, "arrives_date"), str(u.arrives_date), f"a date from {s.start} to {s.end}")
        if u.departs_date is not None and not s.start < u.departs_date <= s.end:
            bad(("units", i, "departs_date"), str(u.departs_date), f"a date after {s.start}, up to {s.end}")
    for key in s.doctrine:
        if key not in sides:
            bad(("doctrine", key), key, f"one of the sides {sorted(sides)}")
        for fld in ("stand_places", "withdraw_to"):
            for j, pl in enumerate(getattr(s.doctrine[key], fld)):
                if pl not in places:
                    bad(("doctrine", key, fld, j), pl, "the name of a place of the scenario")
        for k, ch in enumerate(s.doctrine[key].changes):
            if not s.start <= ch.date <= s.end:
                bad(("doctrine", key, "changes", k, "date"), str(ch.date), f"a date from {s.start} to {s.end}")
            for fld in ("stand_places", "withdraw_to"):
                for j, pl in enumerate(getattr(ch, fld) or []):
                    if pl not in places:
                        bad(("doctrine", key, "changes", k, fld, j), pl, "the name of a place of the scenario")
    for i, c in enumerate([*s.victory.conditions, s.victory.default]):
        path0 = ("victory", "conditions", i) if i < len(s.victory.conditions) else ("victory", "default")
        if c.winner is not None and c.winner not in sides:
            bad((*path0, "winner"), c.winner, f"one of the sides {sorted(sides)} or null")
        for j, pl in enumerate([*c.all_of, *c.any_of]):
            if pl not in places:
                bad((*path0, "all_of" if j < len(c.all_of) else "any_of"), pl, "the name of a place of the scenario")
    from ..params import default_params

    params = default_params()
    for key, value in s.parameters.items():
        if not params.knows(key):
            bad(("parameters", key), key, f"a model parameter name, one of {sorted(params.scalars)[:8]}... "
                "(kriegsspiel.params.default_params().scalars)")
        elif (problem := params.override_problem(key, value)) is not None:
            bad(("parameters", key), value, problem)
    regions = params.weather_climate["regions"]
    if s.weather_region not in regions:
        bad(("weather_region",), s.weather_region, f"a climate region of data/parameters/weather.yaml {sorted(regions)}")
        return problems
    zones = regions[s.weather_region]["zones"]
    months = set(next(iter(zones.values()))["months"])
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
        if op.start_date is not None and not s.start <= op.start_date <= s.end:
            bad(("operations", i, "start_date"), str(op.start_date), f"a date from {s.start} to {s.end}")
        for j, v in enumerate(op.objectives):
            if v not in places:
                bad(("operations", i, "objectives", j), v, "the name of a place of the scenario")
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
        op_names = [o.name for o in s.operations]
        for j, n in enumerate(op.conditions.start_after_started):
            if n not in op_names or n == op.name:
                bad(("operations", i, "conditions", "start_after_started", j), n,
                    "the name of another operation of the scenario")
        if op.conditions.switch_to is not None and op.conditions.switch_to not in places:
            bad(("operations", i, "conditions", "switch_to"), op.conditions.switch_to, "the name of a place of the scenario")
    problems += _check_endings_and_record(loaded, sides, places, bad)
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
    # every side with troops needs somewhere its supply comes from (else all its units are cut off from day 1)
    side_keys = list(s.sides)
    for k, side in s.sides.items():
        if not any(u.side == k for u in s.units):
            continue
        mine = theatre.owner == side_keys.index(k)
        if not (mine & theatre.supply_source).any() and not (side.sea_supply and (mine & theatre.port).any()):
            bad(("sides", k), k, "a place the side holds with `supply_source: true` (or `sea_supply: true` and a "
                "port it holds): without one, every unit of the side is cut off from the first day")
    problems += check_joint(loaded, theatre)
    return problems


def _check_endings_and_record(loaded, sides, places, bad) -> list:
    s = loaded.scenario
    for i, e in enumerate(s.endings):
        if e.type == "capitulation" and e.side not in sides:
            bad(("endings", i, "side"), e.side, f"the side that capitulates, one of {sorted(sides)}")
        if e.type == "defection" and e.side not in sides:
            bad(("endings", i, "side"), e.side, f"the side the contingent leaves, one of {sorted(sides)}")
        if e.type == "defection" and not (e.units or e.nations):
            bad(("endings", i), e.type, "the contingent that defects: `units` or `nations`")
        if e.type != "defection" and e.hands_over:
            bad(("endings", i, "hands_over"), e.hands_over, "only with type: defection")
        if e.type == "ceasefire" and (e.units or e.nations):
            bad(("endings", i, "units"), e.units or e.nations, "no contingent for a ceasefire (it ends the fighting)")
        for j, pl in enumerate(e.hands_over):
            if pl not in places:
                bad(("endings", i, "hands_over", j), pl, "the name of a place of the scenario")
        armies = {s.army_of(u) for u in s.units if u.side == e.side}
        for j, nat in enumerate(e.nations):
            if nat not in armies:
                bad(("endings", i, "nations", j), nat, f"the army of some unit of side {e.side!r}: one of {sorted(armies)}")
        if e.side is not None and e.side not in sides:
            bad(("endings", i, "side"), e.side, f"one of the sides {sorted(sides)}")
        if e.date is None and not e.places_lost and e.strength_below is None:
            bad(("endings", i), e.type, "a `date`, `places_lost` or `strength_below` saying when it happens")
        if e.date is not None and not s.start <= e.date <= s.end:
            bad(("endings", i, "date"), str(e.date), f"a date from {s.start} to {s.end}")
        for j, pl in enumerate(e.places_lost):
            if pl not in places:
                bad(("endings", i, "places_lost", j), pl, "the name of a place of the scenario")
        unit_side = {u.name: u.side for u in s.units}
        for j, un in enumerate(e.units):
            if unit_side.get(un, e.side) != e.side or un not in unit_side:
                bad(("endings", i, "units", j), un, f"the name of a unit of side {e.side!r}")
        if (e.places_lost or e.strength_below is not None) and e.side is None:
            bad(("endings", i, "side"), None, "the side whose losses trigger it")
        if e.min_places_lost is not None and not 1 <= e.min_places_lost <= len(e.places_lost):
            bad(("endings", i, "min_places_lost"), e.min_places_lost, f"1..{len(e.places_lost)} (the places listed)")
    r = s.record
    if r is not None:
        if r.winner is not None and r.winner not in sides:
            bad(("record", "winner"), r.winner, f"one of the sides {sorted(sides)} or null")
        for key in r.losses:
            if key not in sides:
                bad(("record", "losses", key), key, f"one of the sides {sorted(sides)}")
        for i, cap in enumerate(r.captures):
            if cap.place not in places:
                bad(("record", "captures", i, "place"), cap.place, "the name of a place of the scenario")
            if cap.by not in sides:
                bad(("record", "captures", i, "by"), cap.by, f"one of the sides {sorted(sides)}")
    return []


def check_joint(loaded: "LoadedScenario", theatre) -> list[Problem]:
    """Joint operations: ships, batteries and aircraft that exist; landings at a coast reached by sea; river
    operations on a navigable river in season; raids and drops within the aircraft's radius (docs/models/*.md)."""

    from ..params import default_params
    from ..world.network import great_circle_km, water_route

    s, name = loaded.scenario, str(loaded.path)
    params = default_params()
    problems: list[Problem] = []

    def bad(path: tuple, value: object, expected: str) -> None:
        problems.append(Problem(name, loaded.line(*path), _fmt(path), short(value), expected))

    ships, bats, craft = params.ship_classes, params.coastal_batteries, params.aircraft
    for key, ut in s.unit_types.items():
        for cls in ut.ships:
            if cls not in ships:
                bad(("unit_types", key, "ships", cls), cls, f"a ship class of data/parameters/joint.yaml {sorted(ships)[:8]}...")
        for cls in ut.batteries:
            if cls not in bats:
                bad(("unit_types", key, "batteries", cls), cls, f"a coastal battery class of joint.yaml {sorted(bats)}")
        if ut.aircraft_model is not None and ut.aircraft_model not in craft:
            bad(("unit_types", key, "aircraft_model"), ut.aircraft_model, f"an aircraft of joint.yaml {sorted(craft)}")
    places = {p.name for p in loaded.places}
    units = {u.name: u for u in s.units}
    idx = theatre.index
    for i, op in enumerate(s.operations):
        t = op.type.value
        if t == "ground_offensive":
            continue
        for fld in ("targets", "drop_zones"):
            for j, pl in enumerate(getattr(op, fld)):
                if pl not in places:
                    bad(("operations", i, fld, j), pl, "the name of a place of the scenario")
        if any(pl not in places for pl in [*op.targets, *op.drop_zones]):
            continue
        forces = [units[f] for f in op.forces if f in units]
        types = [s.unit_types[u.type] for u in forces if u.type in s.unit_types]
        origin = op.origin or (forces[0].location if forces else None)
        has_ships = any(ut.ships for ut in types)
        if t in ("naval_bombardment", "amphibious_landing") and not has_ships:
            bad(("operations", i, "forces"), op.forces, f"a {t} needs a unit with `ships` (a fleet or lift)")
        if t == "amphibious_landing":
            o = idx[op.objective]
            if not (theatre.coastal[o] or theatre.port[o]):
                bad(("operations", i, "objective"), op.objective,
                    f"a place with a coast for the landing of {op.name!r} ({op.objective!r} is neither coastal nor a port)")
            elif origin is not None and water_route(theatre.edges, "sea", origin, op.objective, None)[0] is None:
                # closed in every season; closed only on the day (ice) cancels it in the run (scenario.joint)
                bad(("operations", i, "origin"), origin,
                    f"a port joined to {op.objective!r} by sea lanes in some season, for {op.name!r}")
        if t == "river_assault" and origin is not None:
            # a river frozen on the day cancels the operation in the run (scenario.joint); one never joined is refused
            if water_route(theatre.edges, "river", origin, op.objective, None)[0] is None:
                bad(("operations", i, "objective"), op.objective, f"a place reached by river from {origin!r} on the "
                    f"navigable river network (no river edge joins them), for {op.name!r}")
        if t in ("air_raid", "airborne_drop"):
            role = "bomber" if t == "air_raid" else "transport"
            models = [ut.aircraft_model for ut in types if ut.aircraft_model in craft and craft[ut.aircraft_model]["role"] == role]
            if not models:
                bad(("operations", i, "forces"), op.forces, f"an {t} needs a unit with `aircraft_model` of role {role}")
                continue
            radius = min(craft[m]["radius_km"] for m in models)
            fld = "targets" if t == "air_raid" else "drop_zones"
            names = getattr(op, fld) or [op.objective]
            o = idx[origin]
            for j, pl in enumerate(names):
                km = float(great_circle_km(theatre.lat[o], theatre.lon[o], theatre.lat[idx[pl]], theatre.lon[idx[pl]]))
                path = ("operations", i, fld, j) if getattr(op, fld) else ("operations", i, "objective")
                if km > radius:
                    bad(path, pl, f"a {'target' if role == 'bomber' else 'drop zone'} within the {role}s' radius: "
                                  f"{pl!r} is {km:,.0f} km from {origin!r}, {min(models, key=lambda m: craft[m]['radius_km'])} "
                                  f"reaches {radius:,.0f} km ({op.name!r})")
                elif km > params["air.edge_of_radius_share"] * radius and not op.reach_note:
                    bad(("operations", i, "reach_note"), None,
                        f"a `reach_note` saying how {pl!r} ({km:,.0f} km, at the edge of the {radius:,.0f} km radius) is reached")
            if t == "airborne_drop":
                troops = [u for u, ut in zip(forces, types) if not ut.ships and not ut.aircraft_model]
                if len(troops) < len(names):
                    bad(("operations", i, "forces"), op.forces, f"at least one troop unit per drop zone ({len(names)})")
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
