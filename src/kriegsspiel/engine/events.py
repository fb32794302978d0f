"""Typed events of a campaign: what happened, where, when, to whom — and the one table of their sentences.

A phase records an `Event` with its kind, run, day, side, place (indices), an integer `value`, the fields
exported with it (`data`: numbers and words that the JSON and the reports carry) and the arguments of its
sentence (`args`). `sentence(event, namer)` renders it from `SENTENCES`, the only place where the words of an
event are written. Events are recorded for single runs only (`EventLog(enabled=False)` in ensembles).
"""

from __future__ import annotations

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
SENTENCES: dict[str, list[tuple[str | None, str]]] = {
    "offensive": [(None, "{op} opens from {place} with {n} men.")],
    "ground_assault": [(None, "{who} assault at {place}: {n} casualties on both sides, combat-power ratio "
                              "{ratio:.2f}; "), ("won", "the attacker prevails."), ("held", "the defence holds.")],
    "counterattack": [(None, "{who} counter-attack at {place} throws the attackers back.")],
    "capture": [(None, "{who} forces take {place} from the {loser} defenders.")],
    "withdrawal": [(None, "{who} defenders fall back on {place} with {n} men"),
                   ("pursued", ", pursued: {lost:,} men lost on the way"), (None, ".")],
    "encircled": [(None, "{n} {who} troops are cut off at {place}.")],
    "objective_reached": [(None, "{op} reaches its objective, {place}.")],
    "objective_bypassed": [(None, "{op} passes {place} by, leaving its garrison to the forces behind.")],
    "offensive_halted": [(None, "{op} halts at {place} with {n} men left.")],
    "reinforcement": [(None, "{unit} ({n} men) arrives at {place}.")],
    "reserve_moves": [(None, "{unit} ({n} men) entrains for {place}.")],
    "reserve_arrives": [(None, "{unit} ({n} men) detrains at {place}.")],
    "surrender": [(None, "{unit} surrenders at {place}: {n} men captured.")],
    "destroyed": [(None, "{unit} is destroyed at {place}.")],
    "naval_bombardment": [
        (None, "{who} warships bombard {place} ({jop}): {shell_t:,.0f} t of shell"),
        ("fog", " in fog, unobserved"),
        (None, ", about {hit:,} defenders hit"),
        ("broken", "; the fortifications are broken"),
        ("batteries", "; coastal batteries ({battery_guns:,} guns) score {hits:.1f} hits"),
        ("fleet_action", "; the {enemy} fleet gives battle and loses {enemy_ships_lost:.0f} ships"),
        (None, "; {ships_lost:.0f} ships lost."),
    ],
    "air_raid": [(None, "{jop}: {sorties:,.0f} {who} bomber sorties against {place} drop {bombs_t:,.0f} t; "
                        "{bombers_lost:.0f} bombers lost to fighters and flak, {fighters_lost:.0f} defending fighters "
                        "shot down; about {military:,} military casualties; civilians: {civilians_killed:,} killed, "
                        "{civilians_wounded:,} wounded.")],
    "airborne_drop": [(None, "{jop}: {dropped:,} {who} paratroops drop on {place}, {loss_share:.0%} of them lost in the "
                             "air and on landing"), ("defended", " onto alert defenders"),
                      (None, " (the operation's {sorties:,.0f} transport sorties today, {transports_lost:.0f} "
                             "transports shot down).")],
    "airborne_seized": [(None, "The {who} paratroops ({men:,} men) seize {place}"),
                        ("demolition", " and blow the railway there ({n} rail sections cut)"), (None, ".")],
    "airborne_destroyed": [(None, "The {who} paratroops at {place} are destroyed: {men:,} men lost, unrelieved.")],
    "link_up": [(None, "{who} ground forces link up with the paratroops holding {place} ({men:,} men left).")],
    "landing": [(None, "{jop}: {landed:,} {who} troops {verb} {place} on the first day (shoreline factor {v:.2f}), "
                       "{attackers_hit:,} attackers and {defenders_hit:,} defenders hit; {lost_on_passage:,} lost "
                       "on passage.")],
    "landing_taken": [(None, "{jop}: {who} troops take {place} after {days} days ashore; assault casualties "
                             "{attackers_hit:,} attackers, {defenders_hit:,} defenders.")],
    "landing_thrown_back": [(None, "{jop} is thrown back at {place}: the survivors re-embark for {origin}; "
                                   "assault casualties {attackers_hit:,} attackers, {defenders_hit:,} defenders.")],
    "river_strike": [(None, "{jop}: {who} river forces strike {place}: {shell_t:,.0f} t of shell, about {hit:,} "
                            "defenders hit"),
                     ("flotilla", "; the {enemy} flotilla engages and loses {enemy_share:.0%} of its craft for "
                                  "{own_share:.0%}"), (None, ".")],
    "siege": [(None, "Siege of {place}, day {day}: "),
              ("besieged", "blockaded by sea and cut off by land"), ("open", "blockade by sea, land front open"),
              ("shelled", "; {enemy} artillery ({guns:,} guns incl. the coastal batteries) shells the {who} positions: "
                          "{casualties:,} casualties today"),
              ("nobody", "; no {who} troops stand before the fortress for its artillery to shell"),
              (None, "; the defenders hold {stock_days:.1f} days of supply.")],
    "rail_cut": [(None, "The railway {place}–{other} is cut: {damage:.0%} of its {capacity_t:,.0f} t/day lost.")],
    "rail_repaired": [(None, "The railway {place}–{other} is repaired.")],
    "capitulation": [(None, "The {who} "), ("contingent", "contingent "), (None, "capitulates: {n} men become prisoners.")],
    "ceasefire": [(None, "A ceasefire ends the fighting.")],
    "defection": [(None, "The {who} contingent changes sides: {n} men leave the field"),
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


def sentence(e: Event, names: dict) -> str:
    """The sentence of event `e`. `names` gives the words of its indices: who, enemy (side adjectives), place,
    unit, op, n (its value, formatted) and any other field the sentence uses."""
    fields = {**names, **e.args}
    parts = SENTENCES[e.args.get("form", e.kind.value)]
    return "".join(text.format(**fields) for flag, text in parts if flag is None or fields.get(flag))
