"""The joint phases of the day (naval, air, airborne, amphibious, riverine, siege, rail), run before the ground phase.

Each joint model is an object with ``stream_shapes(c)``, ``init_state(c, state)``, ``phase(engine, day, weather)``
and ``after_supply(engine, day)``; ``build(c)`` returns those the scenario needs, in PHASE_ORDER. The arithmetic
lives in the pure functions of ``kriegsspiel.models.{naval,amphibious,riverine,air,airborne,rail}``; this package
maps the scenario's joint operations to unit and place indices once (``plan``), keeps their state in
``state.extra["joint"]`` (arrays with the leading run axis R) and applies their losses through the engine's
``_apply_losses`` so killed, wounded and missing stay conserved (``base``). Every operation is a Python loop over
a few dozen operations; everything inside is vectorised over the R runs.

One module per phase: ``naval`` (bombardment, coastal artillery, fleet action), ``amphibious`` (passage,
landing, assault, beach supply), ``riverine`` (flotilla duel, crossings, river strikes), ``air`` (raids),
``airborne`` (drop, seizure, holding, link-up), ``siege`` (blockade), ``rail`` (repair, through freight).

Random streams (engine.rng): `naval` (bombardments, sieges), `air`, `airborne`, `amphibious`, `riverine`.
Each block is (days, n_ops + units, 4): an operation's row holds its draws for the day (weather/fog, outcome,
noise); a unit's row the rounding and killed/wounded/missing split of its losses in that model.
"""

from __future__ import annotations

from .air import AirPhase
from .airborne import AirbornePhase
from .amphibious import AmphibiousPhase
from .base import JointModel
from .naval import NavalPhase
from .plan import JOp, Plan, _sea_or_river_route, joint_params, make_plan
from .rail import RailPhase
from .riverine import RiverinePhase
from .siege import SiegePhase

__all__ = ["PHASE_ORDER", "build", "joint_params", "make_plan", "JOp", "Plan", "JointModel", "NavalPhase",
           "AirPhase", "AirbornePhase", "AmphibiousPhase", "RiverinePhase", "SiegePhase", "RailPhase",
           "_sea_or_river_route"]

PHASE_ORDER = ("naval", "air", "airborne", "amphibious", "riverine", "siege", "rail")


def build(c) -> list:
    """The joint models needed by the scenario's non-ground operations, in PHASE_ORDER."""
    if not c.joint_ops and not getattr(c.scenario, "freight_origin", None):
        return []
    plan = make_plan(c)
    types = {o.type for o in plan.ops}
    models = [NavalPhase(plan)] if types & {"naval_bombardment", "amphibious_landing", "siege"} else []
    if "air_raid" in types:
        models.append(AirPhase(plan))
    if "airborne_drop" in types:
        models.append(AirbornePhase(plan))
    if "amphibious_landing" in types:
        models.append(AmphibiousPhase(plan))
    if "river_assault" in types:
        models.append(RiverinePhase(plan))
    if "siege" in types:
        models.append(SiegePhase(plan))
    models.append(RailPhase(plan))
    return models
