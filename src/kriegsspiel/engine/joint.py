"""The joint phases of the day (naval, air, airborne, amphibious, riverine), run before the ground phase.

Each joint model is an object with ``stream_shapes(c)``, ``init_state(c, state)`` and
``phase(engine, day, weather)``; ``build(c)`` returns those the scenario's operations need, in phase order.
"""

from __future__ import annotations

PHASE_ORDER = ("naval", "air", "airborne", "amphibious", "riverine", "siege")


def build(c) -> list:
    """The joint models needed by the scenario's non-ground operations, in PHASE_ORDER."""
    return []
