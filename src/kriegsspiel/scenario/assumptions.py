"""Uncertain assumptions and what they change: the `applies_to` targets of a scenario's assumptions.

An assumption with a ``range`` may name, in ``applies_to``, the inputs it stands for. A point of a
sensitivity design gives the assumption a value ``v``; every target is then multiplied by ``v / value``
(the ratio to the declared value), so a target that *is* the assumed quantity takes the value ``v``
exactly, and one assumption can scale many inputs at once. Targets::

    parameters.NAME                 a named model parameter (kriegsspiel.params.default_params().scalars)
    units[SEL].FIELD                FIELD in count, strength, quality, arrives_day
    unit_types[TYPE].FIELD          FIELD in men, guns, mortars, tanks, aircraft, supply_t_per_day
    doctrine[SIDE].FIELD            FIELD in reserve_commit_ratio, counterattack_ratio, withdraw_ratio,
                                    surrender_after_days_cut_off
    operations[NAME].FIELD          FIELD in start_day
    rail_lines[LINE].FIELD          FIELD capacity_t_per_day: the line's entry in network.rail.capacity_t_per_day
                                    (LINE `default`: default_capacity_t_per_day)
    edges[FROM>TO].FIELD            FIELD capacity_t_per_day of the network edge(s) between FROM and TO
    sides[SIDE].FIELD               FIELD initial_stock_days (unset: the model's initial_stock_days)

SEL is a unit name, ``side=KEY``, ``type=TYPE`` or ``*``. Integer fields are rounded.

Each value must lie inside its assumption's range, and every scaled input inside the range the schema allows.
Two assumptions may scale one input (Operation Otsu: a rifle division's ``strength`` by
ussr_rifle_division_strength and every Soviet unit's by ussr_split_ground_units_men), so values each inside
their range can together push it past its bound (``strength`` <= 1.5). Such a combination is no input the
model accepts: ``apply`` raises ``OutOfBounds`` (a ScenarioError), one line per refused field naming the
assumptions, the value reached and the bound; a single run refuses it, and sensitivity designs and explain
searches leave such points out and count them (ensemble.sensitivity, ensemble.explain).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from pydantic import ValidationError

from .errors import Problem, ScenarioError
from .load import LoadedScenario
from .schema import Assumption, Scenario

FIELDS = {
    "units": {"count": float, "strength": float, "quality": float, "arrives_day": int},
    "unit_types": {"men": int, "guns": float, "mortars": float, "tanks": float, "aircraft": float,
                   "supply_t_per_day": float},
    "doctrine": {"reserve_commit_ratio": float, "counterattack_ratio": float, "withdraw_ratio": float,
                 "surrender_after_days_cut_off": int},
    "operations": {"start_day": int},
    "rail_lines": {"capacity_t_per_day": float},
    "edges": {"capacity_t_per_day": float},
    "sides": {"initial_stock_days": float},
}
_TARGET = re.compile(r"^(?:parameters\.(?P<param>[A-Za-z0-9_.]+)|(?P<coll>[a-z_]+)\[(?P<sel>[^\]]+)\]\.(?P<field>[a-z_]+))$")


@dataclass(frozen=True)
class Target:
    kind: str          # "parameters" or a collection of FIELDS
    selector: str      # parameter name, or the SEL of a collection
    field: str = ""


def parse_target(text: str) -> Target:
    m = _TARGET.match(text.strip())
    if not m:
        raise ValueError(f"`{text}` is not a target (parameters.NAME or units[SEL].FIELD, unit_types[TYPE].FIELD, "
                         "doctrine[SIDE].FIELD, operations[NAME].FIELD, rail_lines[LINE].capacity_t_per_day, "
                         "edges[FROM>TO].capacity_t_per_day, sides[SIDE].initial_stock_days)")
    if m["param"]:
        return Target("parameters", m["param"])
    coll, sel, fld = m["coll"], m["sel"].strip(), m["field"]
    if coll not in FIELDS:
        raise ValueError(f"`{coll}` in `{text}`: one of {', '.join(['parameters', *FIELDS])}")
    if fld not in FIELDS[coll]:
        raise ValueError(f"`{fld}` in `{text}`: one of {', '.join(FIELDS[coll])}")
    return Target(coll, sel, fld)


def _scalable(a: Assumption) -> bool:
    """A value its targets can be scaled by: a non-zero number."""
    return isinstance(a.value, (int, float)) and not isinstance(a.value, bool) and a.value != 0


def uncertain(s: Scenario) -> list[Assumption]:
    """The assumptions a sensitivity analysis varies: those with a range, at least one target and a number for
    a value (the targets scale by value / declared value)."""
    return [a for a in s.assumptions if a.range is not None and getattr(a, "applies_to", None) and _scalable(a)]


def unmapped(s: Scenario) -> list[Assumption]:
    """Assumptions with a range that nothing varies: no `applies_to` (declared uncertain, but no input to scale),
    or a value that is no number to scale by (a date)."""
    return [a for a in s.assumptions if a.range is not None
            and not (getattr(a, "applies_to", None) and _scalable(a))]


def _select(data: dict, t: Target) -> list[dict]:
    if t.kind == "units":
        units = data["units"]
        if t.selector == "*":
            return units
        if t.selector.startswith("side="):
            return [u for u in units if u["side"] == t.selector[5:].strip()]
        if t.selector.startswith("type="):
            return [u for u in units if u["type"] == t.selector[5:].strip()]
        return [u for u in units if u["name"] == t.selector]
    if t.kind == "operations":
        return [o for o in data["operations"] if o["name"] == t.selector]
    if t.kind == "unit_types":
        return [data["unit_types"][t.selector]] if t.selector in data["unit_types"] else []
    if t.kind == "sides":
        return [data["sides"][t.selector]] if t.selector in data["sides"] else []
    if t.kind == "doctrine":
        if t.selector not in data["sides"]:
            return []
        return [data["doctrine"].setdefault(t.selector, {})]
    if t.kind == "edges":
        a, _, b = t.selector.partition(">")
        ends = {a.strip(), b.strip()}
        return [e for e in ((data.get("network") or {}).get("edges") or [])
                if {e.get("from"), e.get("to")} == ends and e.get("capacity_t_per_day") is not None]
    if t.kind == "rail_lines":
        rail = ((data.get("network") or {}).get("rail")) or {}
        if isinstance(rail, dict) and (t.selector == "default" or t.selector in rail.get("capacity_t_per_day", {})):
            return [rail]
    return []


def _scale_rail_line(rail: dict, line: str, ratio: float) -> None:
    """rail_lines[LINE]: the line's entry in network.rail.capacity_t_per_day (LINE `default`: the default)."""
    if line == "default":
        rail["default_capacity_t_per_day"] = float(rail["default_capacity_t_per_day"]) * ratio
    else:
        rail["capacity_t_per_day"][line] = float(rail["capacity_t_per_day"][line]) * ratio


def _default(t: Target, params: dict) -> float:
    """The value a target has when the file leaves it unset: the schema's default, or for a side's stocks the
    model's initial_stock_days (`params`: the model's scalars with the scenario's overrides)."""
    from .schema import Doctrine, Operation, Unit, UnitType

    if t.kind == "sides":
        return params["initial_stock_days"]
    model = {"units": Unit, "unit_types": UnitType, "doctrine": Doctrine, "operations": Operation}[t.kind]
    return model.model_fields[t.field].default


def check(loaded: LoadedScenario, only=None) -> None:
    """Raise ScenarioError naming each assumption (of those in `only`, default all) whose targets are malformed
    or select nothing."""
    from ..params import default_params

    s = loaded.scenario
    data = s.model_dump(by_alias=True)
    problems = []
    for i, a in enumerate(s.assumptions):
        if only is not None and a.id not in only:
            continue
        for j, text in enumerate(getattr(a, "applies_to", None) or []):
            where = f"assumptions[{i}].applies_to[{j}]"
            line = loaded.line("assumptions", i, "applies_to", j)
            try:
                t = parse_target(text)
            except ValueError as exc:
                problems.append(Problem(str(loaded.path), line, where, repr(text), str(exc)))
                continue
            if t.kind == "parameters":
                if not default_params().knows(t.selector):
                    problems.append(Problem(str(loaded.path), line, where, repr(text),
                                            "a model parameter (kriegsspiel.params.default_params().scalars)"))
            elif not _select(data, t):
                problems.append(Problem(str(loaded.path), line, where, repr(text), f"a target that selects some {t.kind}"))
            if not isinstance(a.value, (int, float)) or isinstance(a.value, bool) or a.value == 0:
                problems.append(Problem(str(loaded.path), loaded.line("assumptions", i, "value"),
                                        f"assumptions[{i}].value", repr(a.value),
                                        "a non-zero number (targets scale by value / declared value)"))
            if a.written_as is not None and a.written_as == 0:
                problems.append(Problem(str(loaded.path), loaded.line("assumptions", i, "written_as"),
                                        f"assumptions[{i}].written_as", repr(a.written_as),
                                        "a non-zero number: the value the targets were written for"))
    if problems:
        raise ScenarioError(problems)


def edited(loaded: LoadedScenario) -> dict[str, float]:
    """The assumptions whose `value` differs from the `written_as` their targets were written for: {id: value}.
    Applying them (`apply`) makes the edited value the one the run uses."""
    return {a.id: float(a.value) for a in loaded.scenario.assumptions
            if a.written_as is not None and a.applies_to and isinstance(a.value, (int, float))
            and not isinstance(a.value, bool) and float(a.value) != float(a.written_as)}


def resolve(loaded: LoadedScenario, settings: dict[str, float] | None = None,
            ranges: dict[str, tuple[float, float]] | None = None) -> LoadedScenario:
    """The scenario as a run uses it: edited assumption values (`edited`) and then `settings` applied."""
    todo = {**edited(loaded), **(settings or {})}
    if not todo:
        return loaded
    check(loaded, set(todo))
    return apply(loaded, todo, ranges)


def apply(loaded: LoadedScenario, settings: dict[str, float],
          ranges: dict[str, tuple[float, float]] | None = None) -> LoadedScenario:
    """The scenario with each assumption `id` in `settings` set to its value (its targets scaled). `ranges`: wider
    ranges that replace the assumptions' own for this call (the inverse what-if's declared "world" ranges).

    Raises ScenarioError when a value leaves its range or a scaled input the range the schema allows."""
    if not settings:
        return loaded
    from ..params import default_params

    s = loaded.scenario
    by_id = {a.id: a for a in s.assumptions}
    unknown = sorted(set(settings) - set(by_id))
    if unknown:
        raise KeyError(f"unknown assumption(s): {unknown}")
    problems = []
    for aid, value in settings.items():
        a, i = by_id[aid], [x.id for x in s.assumptions].index(aid)
        line = loaded.line("assumptions", i)
        if not getattr(a, "applies_to", None):
            problems.append(Problem(str(loaded.path), line, f"assumptions[{i}].applies_to", aid,
                                    "targets (`applies_to`) for an assumption that is set: without them its value "
                                    "changes nothing"))
        elif not isinstance(a.value, (int, float)) or isinstance(a.value, bool) or a.value == 0:
            problems.append(Problem(str(loaded.path), line, f"assumptions[{i}].value", repr(a.value),
                                    "a non-zero number (targets are scaled by the new value over it)"))
        elif (rng := (ranges or {}).get(aid, a.range)) is not None and not (rng[0] <= float(value) <= rng[1]):
            own = "declared" if aid in (ranges or {}) else "assumption's own"
            problems.append(Problem(str(loaded.path), line, f"assumptions[{i}]", f"{aid}={value:g}",
                                    f"a value inside the {own} range [{rng[0]:g}, {rng[1]:g}]"))
    if problems:
        raise ScenarioError(problems)
    data = s.model_dump(by_alias=True)
    data["parameters"] = dict(data.get("parameters") or {})
    base_params = {**default_params().scalars, **s.parameters}
    for aid, value in settings.items():
        a = by_id[aid]
        # the targets stand at written_as when the file says so (an edited value not yet applied), else at value
        ratio = float(value) / float(a.written_as if a.written_as is not None else a.value)
        for text in getattr(a, "applies_to", None) or []:
            t = parse_target(text)
            if t.kind == "parameters":
                data["parameters"][t.selector] = float(data["parameters"].get(t.selector, base_params[t.selector])) * ratio
                continue
            if t.kind == "rail_lines":
                for rail in _select(data, t):
                    _scale_rail_line(rail, t.selector, ratio)
                continue
            cast = FIELDS[t.kind][t.field]
            for obj in _select(data, t):
                base = obj.get(t.field)
                if base is None:
                    base = _default(t, base_params)
                new = float(base) * ratio
                obj[t.field] = int(round(new)) if cast is int else new
        data["assumptions"] = [{**x, "value": float(value), "written_as": float(value)} if x["id"] == aid else x
                               for x in data["assumptions"]]
    try:
        new = Scenario.model_validate(data)
    except ValidationError as exc:   # a scaled value left the range the schema allows
        raise OutOfBounds(*_bound_problems(loaded, data, settings, exc)) from None
    except (TypeError, ValueError) as exc:
        raise OutOfBounds([Problem(str(loaded.path), None, "assumptions " + ", ".join(settings),
                                   ", ".join(f"{k}={float(v):g}" for k, v in settings.items()),
                                   f"values whose scaled inputs the schema accepts ({str(exc).splitlines()[0]})")]) from None
    return dataclasses.replace(loaded, scenario=new)


class OutOfBounds(ScenarioError):
    """Assumption values each inside their own range whose scaled inputs leave the range the schema allows (two
    assumptions scaling one input, e.g. a division's strength and the side's men, past `strength` <= 1.5). A run
    refuses them; a sensitivity design or an explain search leaves such a point out (ensemble.sensitivity).
    `reasons`: one short line per refused field, without the values (to count refusals by)."""

    def __init__(self, problems: list[Problem], reasons: list[str] | None = None):
        super().__init__(problems)
        self.reasons = list(reasons or [p.expected for p in problems])


_BOUND_WORDS = {"le": "at most", "lt": "below", "ge": "at least", "gt": "above"}


def _bound_problems(loaded: LoadedScenario, data: dict, settings: dict[str, float],
                    exc: ValidationError) -> tuple[list[Problem], list[str]]:
    """One line per input field the schema refused: the assumptions that scale it, the value reached and the bound;
    and a short reason per field (the field, the bound and the assumptions, no values)."""
    groups: dict[tuple, dict] = {}
    for err in exc.errors():
        loc = tuple(err.get("loc") or ())
        ctx = err.get("ctx") or {}
        bound = next(((k, ctx[k]) for k in _BOUND_WORDS if k in ctx), None)
        coll = str(loc[0]) if loc else ""
        fld = str(loc[-1]) if loc and isinstance(loc[-1], str) else ""
        key = (coll, fld, bound, None if bound else err.get("msg"))
        g = groups.setdefault(key, {"n": 0, "inputs": [], "first": loc, "locs": []})
        g["n"] += 1
        g["locs"].append(loc)
        if isinstance(err.get("input"), (int, float)):
            g["inputs"].append(float(err["input"]))
    set_ = ", ".join(f"{k}={float(v):g}" for k, v in settings.items())
    by_id = {a.id: a for a in loaded.scenario.assumptions}
    out, reasons = [], []
    for (coll, fld, bound, msg), g in groups.items():
        who = [aid for aid in settings
               if any(_hits(data, text, loc, fld) for text in (by_id[aid].applies_to or []) for loc in g["locs"])]
        who = who or list(settings)
        what = _describe(data, g["first"], coll, fld, g["n"])
        if bound is not None:
            word, limit = _BOUND_WORDS[bound[0]], bound[1]
            reached = (max if bound[0] in ("le", "lt") else min)(g["inputs"]) if g["inputs"] else None
            they = "together they put" if len(who) > 1 else "it puts"
            at = f" at {reached:.4g}" if reached is not None else " out of bounds"
            expected = (f"values that keep every scaled input within the schema's bounds: {they} {what}{at}, "
                        f"but the schema allows {word} {limit:g}")
        else:
            expected = f"values whose scaled inputs the schema accepts: {what}: {msg}"
        out.append(Problem(str(loaded.path), None, "assumptions " + ", ".join(who), set_, expected))
        limit_text = f"past the schema's bound ({_BOUND_WORDS[bound[0]]} {bound[1]:g})" if bound is not None else msg
        reasons.append(f"{coll}.{fld} {limit_text}: {' with '.join(who)}")
    return out, reasons


def _hits(data: dict, text: str, loc: tuple, fld: str) -> bool:
    """Whether target `text` scales the input a validation error's location `loc` (field `fld`) names."""
    try:
        t = parse_target(text)
    except ValueError:
        return False
    coll = str(loc[0]) if loc else ""
    if t.kind == "parameters":
        return coll == "parameters" and fld == t.selector
    if t.kind in ("rail_lines", "edges"):
        return coll == "network" and fld.endswith("capacity_t_per_day")
    if t.kind != coll or t.field != fld:
        return False
    if len(loc) < 2:
        return True
    if isinstance(loc[1], int):            # units, operations: the object at that index
        try:
            obj = data[coll][loc[1]]
        except (KeyError, IndexError, TypeError):
            return True
        return any(o is obj for o in _select(data, t))
    return str(loc[1]) == t.selector       # unit_types, sides, doctrine: the key


def _describe(data: dict, loc: tuple, coll: str, fld: str, n: int) -> str:
    """`units[NAME].strength` (and how many more), for the first refused input."""
    name = None
    if coll in ("units", "operations") and len(loc) > 1 and isinstance(loc[1], int):
        try:
            name = data[coll][loc[1]].get("name")
        except (KeyError, IndexError, AttributeError):
            name = None
    elif coll in ("unit_types", "sides", "doctrine") and len(loc) > 1:
        name = str(loc[1])
    head = f"{coll}[{name}].{fld}" if name is not None else ".".join(str(x) for x in loc)
    return head + (f" (and {n - 1} more {coll})" if n > 1 else "")
