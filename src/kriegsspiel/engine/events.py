"""Typed events of a campaign: what happened, where, when, to whom — and the one table of their sentences.

A phase records an `Event` with its kind, run, day, side, place (indices), an integer `value`, the fields
exported with it (`data`: numbers and words that the JSON and the reports carry) and the arguments of its
sentence (`args`). `sentence(event, namer)` renders it from `SENTENCES`, the only place where the words of an
event are written. Events are recorded for single runs only (`EventLog(enabled=False)` in ensembles).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from enum import Enum


class EventKind(str, Enum):
    offensive = "offensive"                      # value: men committed
    ground_assault = "ground_assault"            # value: casualties of both sides that day
    counterattack = "counterattack"
    capture = "capture"                          # value: side that lost the place
    withdrawal = "withdrawal"                    # value: men falling back
    encircled = "encircled"                      # value: men cut off
    objective_reached = "objective_reached"
    objective_bypassed = "objective_bypassed"
    offensive_halted = "offensive_halted"        # value: men left
    reinforcement = "reinforcement"              # value: men arriving
    reserve_moves = "reserve_moves"              # value: men entrained
    reserve_arrives = "reserve_arrives"          # value: men arriving
    retask = "retask"                            # value: men joining another operation
    surrender = "surrender"                      # value: men captured
    destroyed = "destroyed"
    naval_bombardment = "naval_bombardment"      # value: t of shell
    amphibious_landing = "amphibious_landing"    # value: men landed, or left at the end
    river_assault = "river_assault"              # value: men across, or t of shell of a strike
    air_raid = "air_raid"                        # value: t of bombs
    airborne_drop = "airborne_drop"              # value: men dropped, lost, or rail sections cut
    link_up = "link_up"                          # value: paratroops left
    siege = "siege"                              # value: casualties of the besiegers today
    rail_cut = "rail_cut"                        # value: % of capacity lost
    rail_repaired = "rail_repaired"
    capitulation = "capitulation"                # value: men who became prisoners
    ceasefire = "ceasefire"
    defection = "defection"                      # value: men who left the field with their contingent


# The sentence of each event, by kind (or by `args["form"]` where a kind has several). A sentence is a list of
# parts, concatenated: (None, text) always, (flag, text) only when args[flag] is true. Fields: who (the acting
# side's adjective), enemy (the other side's), place, unit, op, n (the event's value); the rest from `args`.
# A count takes its noun in the field: "{n|man/men}" writes "1 man" or "2,000 men", "{hits:.0f|hit}" "0 hits"
# (the number as its format writes it decides; the plural is the noun + "s" unless given after a "/"). Counts of
# whole things (ships, aircraft, hits) are written as whole numbers even where the figure is an expectation.
SENTENCES: dict[str, list[tuple[str | None, str]]] = {
    "offensive": [(None, "{op} opens from {place} with {n|man/men}.")],
    "ground_assault": [(None, "{who} assault at {place}: {n|casualty/casualties} on both sides, combat-power ratio "
                              "{ratio:.2f}; "), ("won", "the attacker prevails."), ("held", "the defence holds.")],
    "counterattack": [(None, "{who} counter-attack at {place} throws the attackers back.")],
    "capture": [(None, "{who} forces take {place} from the {loser} defenders.")],
    "withdrawal": [(None, "{who} defenders fall back on {place} with {n|man/men}"),
                   ("pursued", ", pursued: {lost:,|man/men} lost on the way"), (None, ".")],
    "encircled": [(None, "The {who} troops at {place} are cut off: {n|man/men}.")],
    "objective_reached": [(None, "{op} reaches its objective, {place}.")],
    "objective_bypassed": [(None, "{op} passes {place} by, leaving its garrison to the forces behind.")],
    "offensive_halted": [(None, "{op} halts at {place} with {n|man/men} left.")],
    "reinforcement": [(None, "{unit} ({n|man/men}) arrives at {place}.")],
    "reserve_moves": [(None, "{unit} ({n|man/men}) entrains for {place}.")],
    "reserve_arrives": [(None, "{unit} ({n|man/men}) detrains at {place}.")],
    "retask": [(None, "{unit} ({n|man/men}) joins {op} toward {place}.")],
    "surrender": [(None, "{unit} surrenders at {place}: {n|man/men} captured.")],
    "destroyed": [(None, "{unit} is destroyed at {place}.")],
    "naval_bombardment": [
        (None, "{who} warships bombard {place} ({jop}): {shell_t:,.0f} t of shell"),
        ("fog", " in fog, unobserved"),
        (None, ", about {hit:,|defender} hit"),
        ("broken", "; the fortifications are broken"),
        ("batteries", "; coastal batteries ({battery_guns:,|gun}) score {hits:,.0f|hit}"),
        ("fleet_action", "; the {enemy} fleet gives battle and loses {enemy_ships_lost:,.0f|ship}"),
        (None, "; {ships_lost:,.0f|ship} lost."),
    ],
    "air_raid": [(None, "{jop}: {who} bombers fly {sorties:,.0f|sortie} against {place} and drop {bombs_t:,.0f} t; "
                        "{bombers_lost:,.0f|bomber} lost to fighters and flak, {fighters_lost:,.0f|defending fighter} "
                        "shot down; about {military:,|military casualty/military casualties}; civilians: "
                        "{civilians_killed:,} killed, {civilians_wounded:,} wounded.")],
    "airborne_drop": [(None, "{jop}: {who} paratroops drop on {place}: {dropped:,|man/men} in today's lift, "
                             "{loss_share:.0%} of them lost in the air and on landing"),
                      ("defended", " onto alert defenders"),
                      (None, ", {landed:,} fit to fight (the operation's {sorties:,.0f|transport sortie} today, "
                             "{transports_lost:,.0f|transport} shot down).")],
    # men: the paratroops at the place now; landed: those fit to fight from the operation's lifts onto it so far
    # (results.run_result.with_paratroops_landed): whole when all of them are there, part when fewer, alone when
    # no lift was counted; lifts: their number when more than one
    "airborne_seized": [(None, "The {who} paratroops"), ("whole", ", the {landed:,} who landed"),
                        ("part", " ({men:,|man/men} of the {landed:,} who landed"), ("alone", " ({men:,|man/men}"),
                        ("lifts", " in {lifts} lifts"), ("whole", ","), ("part", ")"), ("alone", ")"),
                        (None, " seize {place}"), ("demolition", " and blow the railway there ({n|rail section} cut)"),
                        (None, ".")],
    "airborne_destroyed": [(None, "The {who} paratroops at {place} are destroyed, unrelieved"),
                           ("whole", ", with all {landed:,|man/men} who landed there"),
                           ("part", ": {men:,|man/men} lost, of the {landed:,} who landed there"),
                           ("alone", ": {men:,|man/men} lost"), ("lifts", " in {lifts} lifts"), (None, ".")],
    "link_up": [(None, "{who} ground forces link up with the paratroops holding {place}"),
                ("whole", " ({landed:,|man/men}, all who landed"), ("part", " ({men:,|man/men} left of the {landed:,} who landed"),
                ("alone", " ({men:,|man/men} left"), ("lifts", " in {lifts} lifts"), (None, ").")],
    "landing": [(None, "{jop}: {who} troops {verb} {place}"),
                ("held", ", already in {who} hands: {landed:,|man/men} on the first day, unopposed"),
                ("opposed", ": {landed:,|man/men} on the first day (shoreline factor {v:.2f}), "
                            "{attackers_hit:,|attacker} and {defenders_hit:,|defender} hit"),
                (None, "; {lost_on_passage:,} lost on passage.")],
    "landing_taken": [(None, "{jop}: {who} troops take {place} after {days|day} ashore; assault casualties "
                             "{attackers_hit:,|attacker}, {defenders_hit:,|defender}.")],
    "landing_thrown_back": [(None, "{jop} is thrown back at {place}: the survivors re-embark for {origin}; "
                                   "assault casualties {attackers_hit:,|attacker}, {defenders_hit:,|defender}.")],
    "river_strike": [(None, "{jop}: {who} river forces strike {place}: {shell_t:,.0f} t of shell, about "
                            "{hit:,|defender} hit"),
                     ("flotilla", "; the {enemy} flotilla engages and loses {enemy_share:.0%} of its craft for "
                                  "{own_share:.0%}"), (None, ".")],
    "siege": [(None, "Siege of {place}, day {day}: "),
              ("besieged", "blockaded by sea and cut off by land"), ("open", "blockade by sea, land front open"),
              ("shelled", "; {enemy} artillery ({guns:,|gun} incl. the coastal batteries) shells the {who} positions: "
                          "{casualties:,|casualty/casualties} today"),
              ("nobody", "; no {who} troops stand before the fortress for its artillery to shell"),
              (None, "; the defenders hold {stock_days:.1f|day} of supply.")],
    "rail_cut": [(None, "The railway {place}–{other} is cut: {damage:.0%} of its {capacity_t:,.0f} t/day lost.")],
    "rail_repaired": [(None, "The railway {place}–{other} is repaired.")],
    "capitulation": [(None, "The {who} "), ("contingent", "contingent "),
                     (None, "capitulates: {n|man/men} taken prisoner.")],
    "ceasefire": [(None, "A ceasefire ends the fighting.")],
    "defection": [(None, "The {who} contingent changes sides and leaves the field with {n|man/men}"),
                  ("handed", "; {handed} pass to the {enemy}"), (None, ".")],
}


@dataclass
class Event:
    run: int          # run index (of the root seed)
    day: int
    kind: EventKind
    side: int
    place: int
    value: int = 0
    unit: int = -1
    op: int = -1
    data: dict = field(default_factory=dict)      # exported with the event (JSON, reports)
    args: dict = field(default_factory=dict)      # arguments of its sentence only


class EventLog:
    """The events of a batch. Phases add them by batch row; they are kept by run index (`runs` maps the rows of
    the batch as it is now: runs that have ended leave it)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.events: list[Event] = []
        self.runs = None

    def add(self, row, day, kind: EventKind, side, place, value=0, u=-1, op=-1, args=None, **data) -> None:
        if self.enabled:
            self.events.append(Event(int(self.runs[row]), int(day), EventKind(kind), int(side), int(place), int(value),
                                     int(u), int(op), data, args or {}))

    def for_run(self, run: int) -> list[Event]:
        """The events of run index `run`."""
        return [e for e in self.events if e.run == run]


class _Counted(string.Formatter):
    """`str.format` with counted nouns: a field "{x:SPEC|noun}" or "{x:SPEC|noun/nouns}" writes x as SPEC formats
    it, then the noun, singular when the number reads "1" ("1 ship", "0 ships", "1.0 days", "2 men"); "{x|noun}" without
    a SPEC writes x as it is."""

    def parse(self, format_string: str):
        for text, name, spec, conversion in super().parse(format_string):
            if name and "|" in name:              # "{n|man/men}": the noun was read as part of the field's name
                name, noun = name.split("|", 1)
                spec = "|" + noun
            yield text, name, spec, conversion

    def format_field(self, value, format_spec: str) -> str:
        spec, bar, noun = format_spec.partition("|")
        text = format(value, spec)
        if not bar:
            return text
        one, _, many = noun.partition("/")
        return f"{text} {one if text == '1' else (many or one + 's')}"


_COUNTED = _Counted()


def sentence(e: Event, names: dict) -> str:
    """The sentence of event `e`. `names` gives the words of its indices: who, enemy (side adjectives), place,
    unit, op, n (its value, formatted) and any other field the sentence uses."""
    fields = {**names, **e.args}
    parts = SENTENCES[e.args.get("form", e.kind.value)]
    return "".join(_COUNTED.vformat(text, (), fields) for flag, text in parts if flag is None or fields.get(flag))
