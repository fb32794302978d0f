"""Dynamic state of a batch of campaigns: numpy arrays with a leading replication axis R."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..scenario.compile import Compiled

# unit status codes
WAITING, ACTIVE, POCKET, SURRENDERED, DESTROYED = 0, 1, 2, 3, 4
# operation state codes
PENDING, RUNNING, HALTED, DONE = 0, 1, 2, 3
# place posture codes are params.POSTURES indices
HASTY, PREPARED, FORTIFIED, DELAY = 1, 2, 3, 4


@dataclass
class State:
    runs: np.ndarray                 # (R,) run indices
    men: np.ndarray                  # (R, U) int64 present
    killed: np.ndarray               # (R, U) int64 cumulative
    wounded: np.ndarray
    missing: np.ndarray
    reinforced: np.ndarray           # (R, U) int64 men arrived after the start (reinforcements)
    guns: np.ndarray                 # (R, U) float
    tanks: np.ndarray
    status: np.ndarray               # (R, U) int8
    loc: np.ndarray                  # (R, U) int64 place
    eta: np.ndarray                  # (R, U) int64 days until a rail move ends (0: not moving)
    dest: np.ndarray                 # (R, U) int64
    role: np.ndarray                 # (R, U) int64 0 front 1 reserve 2 garrison
    stock: np.ndarray                # (R, U) float days of combat supply
    cut: np.ndarray                  # (R, U) int64 consecutive days cut off
    fatigue: np.ndarray              # (R, U) float combat-power multiplier (QJM exhaustion)
    engaged: np.ndarray              # (R, U) bool engaged today
    owner: np.ndarray                # (R, P) int8
    posture: np.ndarray              # (R, P) int64 defender's posture at each place
    held_days: np.ndarray            # (R, P) int64 days the defender has held the place (for preparation)
    combat_days: np.ndarray          # (R, P) int64 consecutive days of combat at the place
    threat: np.ndarray               # (R, P) float attacker/defender power ratio today (0: none)
    fail_days: np.ndarray            # (R, P) int64 consecutive days the defence has prevailed
    hold_power: np.ndarray           # (R, P) float attacker strength when the fight fell to holding
    capture_day: np.ndarray          # (R, P) int64 first day the place changed hands (-1: never)
    unit_op: np.ndarray              # (R, U) int64 the operation a unit serves in now (-1: none)
    op_state: np.ndarray             # (R, O) int8
    op_pos: np.ndarray               # (R, O) int64 index in the route of the forces' place
    op_prog: np.ndarray              # (R, O) float km made good toward the next place
    op_men0: np.ndarray              # (R, O) float men at the start of the operation
    op_day0: np.ndarray              # (R, O) int64 day the operation started
    freight: np.ndarray              # (R, D) float t/day reaching the freight reference place
    reach: dict = field(default_factory=dict)       # side -> (R, P) bool, in supply
    cap: dict = field(default_factory=dict)         # side -> (R, P) float, t/day by rail from the sources
    rail_damage: np.ndarray | None = None           # (R, Er) float 0..1 share of capacity lost
    extra: dict = field(default_factory=dict)       # state of the joint models, by model name

    @property
    def R(self) -> int:
        return self.men.shape[0]


def initial_state(c: Compiled, runs: np.ndarray) -> State:
    R, U, P, O, D = len(runs), len(c.unit_names), len(c.theatre.names), len(c.op_names), c.n_days
    p = c.params
    tile = lambda a: np.repeat(np.asarray(a)[None, :], R, axis=0).copy()  # noqa: E731
    status = np.where(c.arrives > 0, WAITING, ACTIVE).astype(np.int8)
    # a place's defence starts in the strongest posture of the units there (hasty < prepared < fortified),
    # prepared where no unit says (forces in position for years); fortified where the place is a fortified region
    posture = np.full(len(c.theatre.names), HASTY, dtype=np.int64)
    defensive = (c.posture0 >= HASTY) & (c.posture0 <= FORTIFIED)
    np.maximum.at(posture, c.loc0[defensive], c.posture0[defensive])
    posture = np.where(c.theatre.fortification >= 0.5, FORTIFIED, np.maximum(posture, PREPARED))
    return State(
        runs=np.asarray(runs),
        men=tile(np.where(c.arrives > 0, 0, c.men0)).astype(np.int64),
        killed=np.zeros((R, U), np.int64), wounded=np.zeros((R, U), np.int64), missing=np.zeros((R, U), np.int64),
        reinforced=np.zeros((R, U), np.int64),
        guns=tile(c.guns0).astype(float), tanks=tile(c.tanks0).astype(float),
        status=tile(status),
        loc=tile(c.loc0), eta=np.zeros((R, U), np.int64), dest=tile(c.loc0), role=tile(c.role),
        stock=np.full((R, U), p["initial_stock_days"]),
        cut=np.zeros((R, U), np.int64), fatigue=np.ones((R, U)), engaged=np.zeros((R, U), bool),
        owner=tile(c.theatre.owner).astype(np.int8),
        posture=tile(posture), held_days=np.full((R, P), 30, np.int64), combat_days=np.zeros((R, P), np.int64),
        threat=np.zeros((R, P)), fail_days=np.zeros((R, P), np.int64), hold_power=np.zeros((R, P)), capture_day=np.full((R, P), -1, np.int64),
        unit_op=tile(c.unit_op),
        op_state=np.zeros((R, O), np.int8), op_pos=np.zeros((R, O), np.int64), op_prog=np.zeros((R, O)),
        op_men0=np.zeros((R, O)), op_day0=np.zeros((R, O), np.int64),
        freight=np.zeros((R, D)),
        rail_damage=np.zeros((R, len(c.rail_cap))),
    )
