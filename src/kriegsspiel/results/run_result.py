"""The result of one campaign as the dictionary every view renders from (docs/design.md)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .. import __version__
from ..codes import OpState
from ..engine.events import Event, sentence
from ..engine.loop import Engine
from ..engine.outcome import decisive_places, evaluate, labels, reason, winner_of
from ..scenario.compile import Compiled

MODEL_SOURCES = [
    "Dupuy, T. N., Numbers, Predictions and War (1979/1985): QJM combat power, factor tables, advance rates",
    "Lawrence, C. A., How Attrition is Calculated in the QJM vs the TNDM, TNDM Newsletter (Dec 1996)",
    "Lawrence, C. A., The Second Test of the TNDM Battalion-Level Validations, TNDM Newsletter (Apr 1997)",
    "Krivosheev, G. F., Soviet Casualties and Combat Losses in the Twentieth Century (1997): loss categories",
    "Bracken, J., Lanchester Models of the Ardennes Campaign, Naval Research Logistics 42 (1995)",
    "CDB90, U.S. Army Concepts Analysis Agency (1991); J. B. Arnold, CDB90 (github.com/jrnold/CDB90)",
]


@dataclass
class RunResult:
    data: dict

    def to_dict(self) -> dict:
        return self.data

    def __getitem__(self, key):
        return self.data[key]


def _fmt(n: float) -> str:
    return f"{int(round(n)):,}"


def side_word(c: Compiled, s: int) -> str:
    """The side's adjective, else its short name, else its name."""
    side = c.scenario.sides[c.side_keys[s]]
    return side.adjective or side.short_name or side.name


def describe(c: Compiled, e: Event) -> str:
    """A dated, factual sentence for an event, with its figures (engine.events.SENTENCES)."""
    names = c.theatre.names
    other = 1 - e.side if e.side in (0, 1) else e.side
    return sentence(e, {
        "who": side_word(c, e.side) if 0 <= e.side < len(c.side_keys) else "",
        "enemy": side_word(c, other) if 0 <= other < len(c.side_keys) else "",
        "place": names[e.place] if 0 <= e.place < len(names) else "",
        "unit": c.unit_names[e.unit] if e.unit >= 0 else "",
        "op": c.op_names[e.op] if e.op >= 0 else "",
        "n": _fmt(e.value),
        "ratio": e.data.get("ratio", 0.0),
    })


_AIRBORNE_MEN = ("airborne_seized", "airborne_destroyed", "link_up")


def with_paratroops_landed(events: list[Event]) -> list[Event]:
    """The events of one run, those that count the paratroops at a drop zone (seized, destroyed, link-up) told
    against the men landed there: `landed` (fit to fight, summed over the operation's lifts onto that place so far),
    `lifts` and, never above `landed`, `men` and the value. The engine counts the men at the zone as the share of
    the formation dropped so far, with the landing losses spread over the whole formation, which can read more than
    landed ("561 dropped, 13 % lost, then 538 seize"); the sentences must speak of the same men. Others unchanged."""
    landed: dict[tuple, list[int]] = {}
    out = []
    for e in events:
        key = (e.args.get("jop"), e.place)
        form = e.args.get("form", e.kind.value)
        if e.kind.value == "airborne_drop" and form == "airborne_drop" and "landed" in e.args:
            tally = landed.setdefault(key, [0, 0])
            tally[0] += int(e.args["landed"])
            tally[1] += 1
        elif form in _AIRBORNE_MEN:
            total, lifts = landed.get(key, (0, 0))
            men = min(int(e.args.get("men", 0)), total) if lifts else int(e.args.get("men", 0))
            args = {**e.args, "men": men, "landed": total, "whole": bool(lifts) and men == total,
                    "part": bool(lifts) and men < total, "alone": not lifts, "lifts": lifts if lifts > 1 else 0}
            e = replace(e, args=args, value=e.value if form == "airborne_seized" else min(e.value, men))
        out.append(e)
    return out


def operation_of(c: Compiled, e: Event) -> str:
    """The name of the operation an event belongs to ("" for none): a ground offensive by index, a joint one by
    the name its phase records."""
    if 0 <= e.op < len(c.op_names):
        return c.op_names[e.op]
    return str(e.args.get("jop") or "")


def build_run_result(c: Compiled, eng: Engine, row: int = 0) -> RunResult:
    st, s = eng.st, c.scenario
    names = c.theatre.names
    label_names = labels(c)
    label = label_names[int(evaluate(c, st)[row])]
    sides = {}
    start_men = np.where(c.arrives == 0, c.men0, 0)
    for i, key in enumerate(c.side_keys):
        mine = c.unit_side == i
        side = s.sides[key]
        sides[key] = {
            "name": side.name,
            "adjective": side.adjective or side.name,
            "commanders": list(side.commanders),
            "strength": int(start_men[mine].sum() + st.reinforced[row, mine].sum()),
            "strength_at_start": int(start_men[mine].sum()),
            "reinforcements": int(st.reinforced[row, mine].sum()),
            "killed": int(st.killed[row, mine].sum()),
            "wounded": int(st.wounded[row, mine].sum()),
            "missing": int(st.missing[row, mine].sum()),
            "present_at_end": int(st.men[row, mine].sum()),
            "departed": int(st.departed[row, mine].sum()),
            "tanks_at_start": int(round(c.tanks0[mine].sum())),
            "tanks_lost": int(round(c.tanks0[mine].sum() - st.tanks[row, mine].sum() * 1.0)),
        }
        if side.commander_notes:
            sides[key]["commander_notes"] = side.commander_notes
    events = [
        {"date": c.dates[e.day].isoformat(), "kind": e.kind.value, "side": c.side_keys[e.side] if 0 <= e.side < 2 else "",
         "place": names[e.place] if 0 <= e.place < len(names) else "", "detail": describe(c, e),
         **({"operation": operation_of(c, e)} if operation_of(c, e) else {}),
         **({"value": e.value} if e.value else {}),
         **{k: v for k, v in e.data.items() if isinstance(v, (int, float, str, bool))}}
        for e in with_paratroops_landed(eng.log.for_run(int(st.runs[row])))
    ]
    tl = eng.timeline
    timeline = None
    if tl is not None:
        timeline = {
            "dates": [d.isoformat() for d in c.dates],
            "sides": {key: {k: [int(x[row, i]) for x in tl[k]] for k in ("men", "killed", "wounded", "missing")}
                      for i, key in enumerate(c.side_keys)},
            "control": {n: [c.side_keys[int(o[row, j])] for o in tl["owner"]] for j, n in enumerate(names)},
            "freight_east_t": [round(float(x), 1) for x in st.freight[row]],
            "freight_reference": c.scenario.freight_reference,
            # men present at each place per side, one entry per date (places never held by troops left out)
            "forces": {n: {key: [int(f[row, j, i]) for f in tl["forces"]] for i, key in enumerate(c.side_keys)}
                       for j, n in enumerate(names) if any(f[row, j].any() for f in tl["forces"])},
        }
        for key in c.side_keys:
            timeline["sides"][key]["strength"] = timeline["sides"][key].pop("men")
    key = set(decisive_places(c))        # the map labels them first
    data = {
        "scenario": s.name,
        "title": s.title,
        "seed": int(eng.seed),
        "run": int(st.runs[row]),
        "start": c.dates[0].isoformat(),
        "end": c.dates[-1].isoformat(),
        "place": s.place,
        "partof": s.partof,
        "result": {"label": label, "winner": winner_of(c, label), "reason": reason(c, st, row, label)},
        "sides": sides,
        "control": {n: c.side_keys[int(st.owner[row, j])] for j, n in enumerate(names)},
        "events": events,
        "timeline": timeline,
        "places": [{"name": n, "lat": float(c.theatre.lat[j]), "lon": float(c.theatre.lon[j]),
                    "kind": c.theatre.kinds[j], "initial_owner": c.side_keys[int(c.theatre.owner[j])],
                    "key": n in key}
                   for j, n in enumerate(names)],
        "network": [{"from": e.src, "to": e.dst, "kind": e.kind} for e in c.theatre.edges],
        "assumptions": [a.model_dump(mode="json") for a in s.assumptions],
        "provenance": {"scenario_sha256": c.loaded.sha256, "version": __version__, "seed": int(eng.seed),
                       "run": int(st.runs[row]), "sources": MODEL_SOURCES},
    }
    data["operations"] = operations(c, eng, row)
    if s.claims:
        data["claims"] = _jsonable(s.claims)
    if c.joint_ops or c.scenario.freight_origin:
        J = st.joint
        data["civilians"] = {key: {"killed": int(round(J.civilians_killed[row][c.theatre.owner == i].sum())),
                                   "wounded": int(round(J.civilians_wounded[row][c.theatre.owner == i].sum()))}
                             for i, key in enumerate(c.side_keys)}
    return RunResult(data)


_STATE_WORDS = {OpState.pending: "not started", OpState.running: "under way", OpState.ashore: "fighting ashore",
                OpState.won: "objective taken", OpState.failed: "thrown back", OpState.halted: "halted",
                OpState.done: "done"}


_LANDED_FORMS = ("landing", "airborne_drop")                  # troops ashore, or the first lift on the ground
_ENDED_FORMS = ("objective_reached", "offensive_halted", "landing_taken", "landing_thrown_back")


def operation_days(c: Compiled, events: list[Event]) -> dict[str, dict]:
    """{operation name: {"landed": day, "ended": day, "ended_at": place index}} from a run's events: the day its
    troops first landed (a landing, a river crossing or an airdrop; not the day it set out) and the first event
    that ended it (objective reached, halted, place taken, thrown back) with the place that event names (an
    offensive reaches the objective it switched to, which may not be the one it was given)."""
    out: dict[str, dict] = {}
    for e in events:
        name, form = operation_of(c, e), e.args.get("form", e.kind.value)
        if not name:
            continue
        days = out.setdefault(name, {})
        if form in _LANDED_FORMS and "landed" not in days:
            days["landed"] = e.day
        if form in _ENDED_FORMS and "ended" not in days:
            days["ended"], days["ended_at"] = e.day, e.place
    return out


def operations(c: Compiled, eng: Engine, row: int = 0) -> list[dict]:
    """Every operation of the scenario, in its order, with what became of it in this run: its state at the end,
    the day it started, the day its troops landed (landings, river crossings, airdrops) and the day it ended
    (objective reached, halted, taken or thrown back: the first event of the operation that says so) with the
    place where (`ended_at`), whether its objective is held by its side at the end, and, for one that never
    started, the places its start waited for that its side did not take."""
    st, s = eng.st, c.scenario
    ground = {n: o for o, n in enumerate(c.op_names)}
    joint = {o.name: o.j for o in c.plan.ops} if c.plan is not None else {}
    run = int(st.runs[row])
    told = operation_days(c, eng.log.for_run(run))

    def date(day):
        return c.dates[day].isoformat() if day is not None and 0 <= day < len(c.dates) else None

    out = []
    for op in s.operations:
        side = c.side_keys.index(op.side)
        obj = c.theatre.index[op.objective]
        if op.name in ground:
            o = ground[op.name]
            state = OpState(int(st.op_state[row, o]))
            day0 = int(st.op_day0[row, o]) if state != OpState.pending else -1
        else:
            j = joint[op.name]
            state = OpState(int(st.joint.op_state[row, j]))
            day0 = int(st.joint.op_day0[row, j])
        days = told.get(op.name, {})
        waited = [p for p in op.conditions.start_after_captured if st.owner[row, c.theatre.index[p]] != side]
        cancelled = c.plan.ops[joint[op.name]].cancelled if op.name in joint else None
        out.append({
            "name": op.name, "side": op.side, "type": op.type.value, "objective": op.objective,
            "state": "cancelled" if cancelled else _STATE_WORDS[state],
            "cancelled": cancelled,
            "started": date(day0),
            "landed": date(days.get("landed")),
            "ended": date(days.get("ended")),
            "ended_at": c.theatre.names[days["ended_at"]] if "ended_at" in days else None,
            "objective_held": bool(st.owner[row, obj] == side),
            "waited_for": waited if state == OpState.pending else [],
            "start_date": (op.start_date.isoformat() if op.start_date else
                           c.dates[min(op.start_day, len(c.dates) - 1)].isoformat()),
        })
    return out


def _jsonable(x):
    """Scenario data as JSON values (dates as ISO strings)."""
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return x
