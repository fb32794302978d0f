"""The one time loop: a day is the list of phases, each ``step(ctx, state, day)``, applied to the whole batch.

Phase order (docs/models/engine.md); a phase is listed only when the scenario has what it models:
  weather      each climate zone's weather (stream `weather`)
  arrivals     reinforcements arrive; ground operations whose conditions hold start
  naval        bombardments, coastal artillery, fleet action (stream `naval`)
  air          bomber raids (stream `air`)
  airborne     drops, seizure, holding, link-up (stream `airborne`)
  amphibious   passage, landing, assault, beach supply (stream `amphibious`)
  riverine     flotilla duels, crossings, river strikes (stream `riverine`)
  siege        blockade and siege of a fortress port (stream `siege`)
  rail         repair of damaged rail
  ground       engagements wherever opposing forces meet; advance, capture, retreat (streams `combat`,
               `casualties`, `overrun`)
  supply       connectivity, rail tonnage, consumption; cut-off forces break (stream `pocket`)
  freight      through freight from the theatre's rail entry
  doctrine     rail moves end; the defender sends reserves to the most threatened place
  record       the daily timeline (single runs only)

To add a phase: write ``engine/phases/NAME.py`` with ``step(ctx, st, d)`` and list it in `phases_for`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.compile import Compiled
from .context import Ctx, make_context
from .phases import (
    air,
    airborne,
    amphibious,
    arrivals,
    doctrine,
    freight,
    ground,
    naval,
    rail,
    riverine,
    siege,
    supply,
    weather,
)
from .phases import record as record_phase
from .phases.supply import update_network
from .state import State, initial_state


def phases_for(c: Compiled, record: bool = False) -> list:
    """The day's phases for this scenario, in order."""
    types = {o.type for o in c.plan.ops}
    joint = bool(c.joint_ops) or bool(c.scenario.freight_origin)
    out = [weather.step, arrivals.step]
    out += [naval.step] if types & {"naval_bombardment", "amphibious_landing", "siege"} else []
    out += [air.step] if "air_raid" in types else []
    out += [airborne.step] if "airborne_drop" in types else []
    out += [amphibious.step] if "amphibious_landing" in types else []
    out += [riverine.step] if "river_assault" in types else []
    out += [siege.step] if "siege" in types else []
    out += [rail.step] if joint else []
    out += [ground.step, supply.step]
    out += [freight.step] if c.scenario.freight_origin and c.freight_ref >= 0 else []
    out += [doctrine.step]
    out += [record_phase.step] if record else []
    return out


@dataclass
class Engine:
    """A batch of campaigns of one compiled scenario: the context, the state and the phase list."""

    ctx: Ctx
    st: State
    phases: list

    @property
    def c(self) -> Compiled:
        return self.ctx.c

    @property
    def log(self):
        return self.ctx.log

    @property
    def timeline(self):
        return self.ctx.timeline

    @property
    def seed(self) -> int:
        return self.ctx.seed

    def step(self, d: int) -> None:
        for phase in self.phases:
            phase(self.ctx, self.st, d)

    def run(self) -> State:
        for d in range(self.ctx.c.n_days):
            self.step(d)
        return self.st


def make_engine(c: Compiled, runs, root_seed: int, record: bool = False) -> Engine:
    runs = np.asarray(runs, dtype=np.int64)
    ctx = make_context(c, runs, root_seed, record)
    st = initial_state(c, c.plan, runs)
    update_network(ctx, st)
    return Engine(ctx, st, phases_for(c, record))


def simulate(c: Compiled, runs, root_seed: int, record: bool = False) -> Engine:
    """Run the campaigns `runs` (run indices) of root seed `root_seed`; returns the finished engine."""
    eng = make_engine(c, runs, root_seed, record=record)
    eng.run()
    return eng
