"""Every closed set of the model, declared once as an integer enum.

The engine stores these codes in integer arrays (a unit's status, a place's posture, an operation's state);
the parameter tables are indexed by them (posture rows of ground.yaml, behaviour rows of casualties.yaml);
names appear only at the edges (scenario files, results, reports). The name tuples below are derived from
the enums, never written twice.
"""

from __future__ import annotations

from enum import IntEnum


class Posture(IntEnum):
    """QJM postures (Dupuy, Numbers, Predictions and War, posture table; data/parameters/ground.yaml)."""

    attack = 0
    hasty_defence = 1
    prepared_defence = 2
    fortified_defence = 3
    delay = 4
    withdrawal = 5


class Mobility(IntEnum):
    """Force types: the columns of the QJM advance-rate table, and static forces that never move."""

    infantry = 0
    mechanised = 1
    armoured = 2
    horse_cavalry = 3
    static = 4


class Surprise(IntEnum):
    """QJM surprise levels (NPW surprise table; ground.yaml `surprise`)."""

    none = 0
    minor = 1          # power x1.15 (ASSUMPTION, ground.yaml)
    substantial = 2    # x1.6
    complete = 3       # x2.2: Dupuy's "more than double"


class Behaviour(IntEnum):
    """How a side's men are lost: the rows of casualties.yaml `split` and `surrenders`."""

    soviet = 0
    japanese = 1
    western = 2


class Circumstance(IntEnum):
    """Under what circumstances men are lost: the columns of casualties.yaml `split`."""

    normal = 0         # in an engagement that holds together
    rout = 1           # beaten and breaking: more missing
    encircled = 2      # cut off: most losses are prisoners
    destroyed = 3      # overrun or reduced in a pocket


class UnitStatus(IntEnum):
    """A unit's status in one run."""

    waiting = 0        # not yet arrived (reinforcement)
    active = 1
    pocket = 2         # cut off and fighting on where it stands
    surrendered = 3
    destroyed = 4
    departed = 5       # left the theatre (Unit.departs_date): its men are neither present nor lost


class OpState(IntEnum):
    """An operation's state in one run, ground and joint operations alike."""

    pending = 0        # waiting for its day or its conditions
    running = 1        # a ground offensive advancing; a joint operation under way (at sea, dropping, striking)
    ashore = 2         # a landing or river crossing fighting on the far shore
    won = 3            # the landing took its objective
    failed = 4         # thrown back
    halted = 5         # a ground offensive too weak to go on
    done = 6           # over: objective reached, or its days are spent


class DropState(IntEnum):
    """One airborne drop zone's state in one run."""

    none = 0
    dropped = 1
    seized = 2
    linked = 3
    destroyed = 4


class UnitMode(IntEnum):
    """What a unit is doing on the network today."""

    idle = 0           # at a place: holding it, or waiting
    march = 1          # moving along an edge toward its goal
    contact = 2        # at the end of an edge, in contact with the enemy-held place it attacks
    withdraw = 3       # falling back along an edge
    rail = 4           # moving by train (State.eta days left)


class Role(IntEnum):
    """A unit's role when it is not serving in an operation."""

    front = 0
    reserve = 1
    garrison = 2


def names(enum: type[IntEnum]) -> tuple[str, ...]:
    """The members' names in code order (the row order of the parameter tables)."""
    return tuple(m.name for m in enum)


POSTURES = names(Posture)
MOBILITIES = names(Mobility)
SURPRISE = names(Surprise)
BEHAVIOURS = names(Behaviour)
CIRCUMSTANCES = names(Circumstance)
