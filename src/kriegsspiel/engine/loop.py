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
  movement     route choice and the march along the land network; contact (no dice)
  ground       engagements where formations in contact attack a place; advance, breakthrough, fall, retreat,
               overrun; operations' objectives (streams `combat`, `casualties`, `overrun`)
  supply       connectivity, rail tonnage, road distance, consumption; cut-off forces break (stream `pocket`)
  freight      through freight from the theatre's rail entry
  doctrine     reserves by rail and road; withdrawal before encirclement; adaptive withdrawal
  endings      capitulations and ceasefires end a run early
  record       the daily timeline (single runs only)

A run that has ended (a capitulation or a ceasefire) leaves the batch; its final state is kept aside and put
back in its row at the end, so the runs still going are the only ones computed.

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
    endings,
    freight,
    ground,
    movement,
    naval,
    rail,
    riverine,
    siege,
    supply,
    weather,
)
from .phases import record as record_phase
from .phases.supply import update_network
from .state import State, concat_states, initial_state


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
    out += [movement.step, ground.step, supply.step]
    out += [freight.step] if c.scenario.freight_origin and c.freight_ref >= 0 else []
    out += [doctrine.step]
    out += [endings.step] if c.endings else []
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

    def run(self, on_day=None) -> State:
        """Run every day (or until every run has ended); `on_day(days_done, n_days)` after each day, if given."""
        parts, order = [], []
        rows = np.arange(self.st.R)
        for d in range(self.ctx.c.n_days):
            self.step(d)
            if on_day is not None:
                on_day(d + 1, self.ctx.c.n_days)
            ended = self.st.end_day >= 0
            if ended.any():
                parts.append(self.st.take(np.flatnonzero(ended)))
                order.append(rows[ended])
                rows = rows[~ended]
                self._keep(~ended)
                if not len(rows):
                    break
        if parts:
            if len(rows):
                parts.append(self.st)
                order.append(rows)
            self.st = concat_states(parts, np.argsort(np.concatenate(order), kind="stable"))
            self._keep(np.ones(self.st.R, bool))
        if self.ctx.timeline is not None:
            for series in self.ctx.timeline.values():      # a run that ended early: its last day stands
                series.extend(series[-1:] * (self.ctx.c.n_days - len(series)))
        return self.st

    def _keep(self, keep) -> None:
        """Go on with the runs `keep` of the state (the dice and the event log follow)."""
        if not keep.all():
            self.st = self.st.take(np.flatnonzero(keep))
        self.ctx.dice.runs = self.st.runs.astype(np.uint64)
        self.ctx.dice.R = self.st.R
        self.ctx.log.runs = self.st.runs


def make_engine(c: Compiled, runs, root_seed: int, record: bool = False) -> Engine:
    runs = np.asarray(runs, dtype=np.int64)
    ctx = make_context(c, runs, root_seed, record)
    st = initial_state(c, c.plan, runs)
    ctx.log.runs = st.runs
    update_network(ctx, st)
    return Engine(ctx, st, phases_for(c, record))


def simulate(c: Compiled, runs, root_seed: int, record: bool = False, on_day=None) -> Engine:
    """Run the campaigns `runs` (run indices) of root seed `root_seed`; returns the finished engine. `on_day`:
    called with (days done, days in all) after each day (a progress bar)."""
    eng = make_engine(c, runs, root_seed, record=record)
    eng.run(on_day)
    return eng
