"""The one time loop: a day is an explicit list of phases applied to the whole batch.

Phase order (docs/models/engine.md):
  1. weather         draw each climate zone's weather (stream `weather`)
  2. arrivals        reinforcements arrive; operations whose conditions hold start
  3. joint phases    naval, air, airborne, amphibious, riverine (kriegsspiel.engine.joint)
  4. ground          engagements wherever opposing forces meet; advance, capture, retreat (streams `combat`,
                     `casualties`, `rounding`, `split`)
  5. supply          connectivity to sources, rail tonnage, consumption; encircled forces break
  6. doctrine        the defender moves reserves by rail to the most threatened place
  7. record          timeline and events

Each phase lives in a module of its own (weather_phase, arrivals_phase, ground_phase, supply_phase, doctrine,
record), as a mixin that `Engine` inherits; this module keeps the loop and the helpers the phases share.
"""

from __future__ import annotations

import numpy as np

from ..models import casualties as cas
from ..scenario.compile import Compiled
from .arrivals_phase import ArrivalsPhase
from .doctrine import DoctrinePhase
from .events import EventLog
from .ground_phase import GroundPhase
from .record import RecordPhase
from .rng import Streams
from .state import ACTIVE, DESTROYED, POCKET, SURRENDERED, State, initial_state
from .supply_phase import SupplyPhase
from .weather_phase import WeatherPhase


def stream_shapes(c: Compiled) -> dict[str, tuple[int, ...]]:
    D, P, U = c.n_days, len(c.theatre.names), len(c.unit_names)
    return {"weather": (D, 2), "combat": (D, P), "casualties": (D, P, 2), "rounding": (D, U), "split": (D, U, 2),
            "pocket": (D, U, 3)}


class Engine(WeatherPhase, ArrivalsPhase, GroundPhase, SupplyPhase, DoctrinePhase, RecordPhase):
    """Runs a batch of campaigns of one compiled scenario."""

    def __init__(self, c: Compiled, runs, root_seed: int, record: bool = False):
        from . import joint

        self.c, self.p = c, c.params
        self.runs = np.asarray(runs, dtype=np.int64)
        self.seed = int(root_seed)
        self.record = record
        self.joint = joint.build(c)
        shapes = stream_shapes(c)
        for model in self.joint:
            shapes.update(model.stream_shapes(c))
        self.rnd = Streams(self.seed, self.runs, shapes)
        self.st = initial_state(c, self.runs)
        for model in self.joint:
            model.init_state(c, self.st)
        self.log = EventLog(enabled=record)
        self.timeline = {"men": [], "killed": [], "wounded": [], "missing": [], "owner": [], "forces": []} if record else None
        self._wx_classes = [self.p.weather_names.index(w) for w in self.p.weather_climate["classes"]]
        climate = self.p.weather_climate[c.scenario.weather_region]
        self._climate = {m: np.cumsum(np.array([climate["east"][m], climate["west"][m]]), axis=1) for m in climate["east"]}
        # season factor z_u per climate zone: summer, temperate east and steppe/desert west (qjm_tndm.yaml note)
        zone_season = np.array([self.p.season["summer_temperate"]["attack"], self.p.season["summer_desert"]["attack"]])
        self._season_attack = zone_season[c.zone][None, :]
        self._op_mob = self._op_mobility()
        self._fighters = self._fighter_units()
        self._update_supply(force=True)

    # ------------------------------------------------------------------ phases
    def run(self) -> State:
        for d in range(self.c.n_days):
            self.step(d)
        return self.st

    def step(self, d: int) -> None:
        wx = self._weather(d)
        self._arrivals(d)
        for model in self.joint:
            model.phase(self, d, wx)
        self._ground(d, wx)
        self._supply(d)
        for model in self.joint:
            model.after_supply(self, d)
        self._doctrine(d)
        self._record(d)

    # ------------------------------------------------------------------ shared by the phases and the joint models
    def _men_by_op(self) -> np.ndarray:
        """(R, O) men present in each operation's active units."""
        st = self.st
        R, O = st.op_state.shape
        mask = (st.unit_op >= 0) & (st.status == ACTIVE)
        flat = (np.arange(R)[:, None] * O + np.where(mask, st.unit_op, 0)).ravel()
        return np.bincount(flat, weights=np.where(mask, st.men, 0).ravel(), minlength=R * O).reshape(R, O)

    def _apply_losses(self, losses, circ, u2) -> None:
        """Take integer `losses` (R, U) from the units, split by circumstance `circ` (R, U or scalar) with
        uniforms `u2` (R, U, 2). Only the units that lose men are touched (most days, a few columns)."""
        st, c, p = self.st, self.c, self.p
        cols = np.flatnonzero((losses != 0).any(axis=0))
        if not len(cols):
            return
        lost = losses[:, cols]
        circ = circ[:, cols] if np.ndim(circ) == 2 else circ
        shares = p.split[c.behaviour[cols][None, :], circ]                 # (R, u, 3)
        k, w, m = cas.split(lost, shares, u2[:, cols])
        st.killed[:, cols] += k
        st.wounded[:, cols] += w
        st.missing[:, cols] += m
        st.men[:, cols] -= lost
        status = st.status[:, cols]
        gone = (st.men[:, cols] <= 0) & ((status == ACTIVE) | (status == POCKET))
        status[gone] = DESTROYED
        st.status[:, cols] = status

    def _surrender(self, mask) -> np.ndarray:
        """Units in `mask` (R, U) surrender: all their men pass to missing (captured). Returns the men (R, U)."""
        st = self.st
        men = np.where(mask, st.men, 0)
        if mask.any():
            st.missing += men
            st.men -= men
            st.status[mask] = SURRENDERED
        return men


def simulate(c: Compiled, runs, root_seed: int, record: bool = False) -> Engine:
    """Run the campaigns `runs` (run indices) of root seed `root_seed`; returns the finished engine."""
    eng = Engine(c, runs, root_seed, record=record)
    eng.run()
    return eng