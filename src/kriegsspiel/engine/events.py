"""Typed events of a campaign: what happened, where, when, to whom — recorded for single runs and reports."""

from __future__ import annotations

from dataclasses import dataclass, field

# kinds of events and what their `value` means
KINDS = {
    "offensive": "men committed",
    "ground_assault": "casualties of both sides that day",
    "counterattack": "",
    "capture": "side that lost the place",
    "withdrawal": "men falling back",
    "encircled": "men cut off",
    "objective_reached": "",
    "offensive_halted": "men left",
    "reinforcement": "men arriving",
    "reserve_moves": "men entrained",
    "reserve_arrives": "men arriving",
    "surrender": "men captured",
    "destroyed": "",
    "naval_bombardment": "", "amphibious_landing": "", "river_assault": "", "air_raid": "",
    "airborne_drop": "", "link_up": "", "siege": "", "rail_cut": "", "rail_repaired": "",
}


@dataclass
class Event:
    run: int          # row in the batch
    day: int
    kind: str
    side: int
    place: int
    value: int = 0
    unit: int = -1
    op: int = -1
    extra: dict = field(default_factory=dict)


class EventLog:
    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.events: list[Event] = []

    def add(self, run, day, kind, side, place, value=0, u=-1, op=-1, **extra) -> None:
        if self.enabled:
            self.events.append(Event(int(run), int(day), kind, int(side), int(place), int(value), int(u), int(op), extra))

    def for_run(self, row: int) -> list[Event]:
        return [e for e in self.events if e.run == row]
