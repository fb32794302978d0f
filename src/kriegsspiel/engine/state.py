"""Dynamic state of a batch of campaigns: numpy arrays with a leading replication axis R.

One record, every field declared here with its shape and unit; the joint models' state is the nested
`JointState`. Codes (unit status, posture, operation state, drop state) are the enums of `kriegsspiel.codes`.
The static world is `scenario.compile.Compiled`; the parameters are `params.Params`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass

import numpy as np

from ..codes import Posture, UnitStatus
from ..scenario.compile import Compiled
from ..scenario.joint import Plan


@dataclass
class JointState:
    """State of the naval, air, airborne, amphibious, riverine, siege and rail models.
    J: the scenario's joint operations; Z: airborne drop zones (one per operation and zone); K: ship classes;
    B: coastal battery classes."""

    ships: np.ndarray              # (R, U, K) float ships of each class held by each unit
    batteries: np.ndarray          # (R, U, B) float coastal batteries
    aircraft: np.ndarray           # (R, U) float aircraft of each air unit
    aircraft_lost: np.ndarray      # (R, U) float cumulative
    shell_t: np.ndarray            # (R, P) t of shell whose neutralising effect lingers (decays daily)
    shell_cum_t: np.ndarray        # (R, P) t of shell fired at each place, cumulative
    bombs_t: np.ndarray            # (R, P) t of bombs, cumulative
    civilians_killed: np.ndarray   # (R, P) cumulative, reported apart from the military losses
    civilians_wounded: np.ndarray
    op_state: np.ndarray           # (R, J) int8 OpState
    op_day0: np.ndarray            # (R, J) int64 day the operation started (-1: not yet)
    op_ready_day: np.ndarray       # (R, J) int64 day its start conditions first all held (-1: not yet)
    landed_frac: np.ndarray        # (R, J) share of the troops landed, dropped or ferried across
    days: np.ndarray               # (R, J) int64 days at sea, on the river or ashore
    wins: np.ndarray               # (R, J) int64 days the assault on the objective was won
    peak_men: np.ndarray           # (R, J) most troops ashore
    lost_at_sea: np.ndarray        # (R, J) troops lost on passage
    assault_losses: np.ndarray     # (R, J, 2) assault casualties, attacker and defender
    siege_days: np.ndarray         # (R, J) int64 days the objective was besieged (blockaded and cut off)
    flotilla: np.ndarray           # (R, J, 4) today's flotilla fight: enemy broadside kg, enemy share lost,
                                   #   own share lost, t of shell fired (for the day's report)
    drop_state: np.ndarray         # (R, Z) int8 DropState
    drop_men0: np.ndarray          # (R, Z) most men landed on the zone
    seized_day: np.ndarray         # (R, Z) int64 day the zone was seized (-1: not)
    linkup_day: np.ndarray         # (R,) int64 first day ground forces reached paratroops (-1: never)
    rail_cut: np.ndarray           # (R, Er) bool the edge counts as cut
    through_t: np.ndarray          # (R, P) t/day that can run from the freight origin (recomputed on change)
    through_owner: np.ndarray      # (R, P) int8 ownership when through_t was last computed
    through_damage: np.ndarray     # (R, Er) rail damage when through_t was last computed


@dataclass
class State:
    runs: np.ndarray                 # (R,) run indices
    men: np.ndarray                  # (R, U) int64 present
    killed: np.ndarray               # (R, U) int64 cumulative
    wounded: np.ndarray
    missing: np.ndarray
    reinforced: np.ndarray           # (R, U) int64 men arrived after the start (reinforcements)
    departed: np.ndarray             # (R, U) int64 men who left the theatre with their unit
    guns: np.ndarray                 # (R, U) float
    tanks: np.ndarray
    status: np.ndarray               # (R, U) int8 UnitStatus
    loc: np.ndarray                  # (R, U) int64 place (on an edge: the place it left)
    nxt: np.ndarray                  # (R, U) int64 the place at the other end of its edge (-1: at `loc`)
    prog: np.ndarray                 # (R, U) float km made along the edge loc -> nxt
    mode: np.ndarray                 # (R, U) int8 UnitMode
    goal: np.ndarray                 # (R, U) int64 where a unit outside an operation is going (-1: nowhere)
    broken: np.ndarray               # (R, U) bool lost its breakpoint share in its present battle: no longer attacks
    battle_lost0: np.ndarray         # (R, U) int64 killed + wounded + missing when its present battle began
    idle_days: np.ndarray            # (R, U) int64 consecutive days not engaged
    eta: np.ndarray                  # (R, U) int64 days until a rail move ends (0: not moving)
    dest: np.ndarray                 # (R, U) int64
    role: np.ndarray                 # (R, U) int64 Role
    stock: np.ndarray                # (R, U) float days of combat supply
    cut: np.ndarray                  # (R, U) int64 consecutive days cut off
    joint_fed: np.ndarray            # (R, U) bool supplied today by a landing (at sea, a beach, a port) or by air
    open_weak: np.ndarray            # (R, S, P) bool the weak blocks of the last supply-through-weak-blocks computation
    open_owner: np.ndarray           # (R, S, P) int8 ownership at that computation (-1: never computed)
    open_reach: np.ndarray           # (R, S, P) bool its result (phases/supply.py _through_weak_blocks)
    fatigue: np.ndarray              # (R, U) float combat-power multiplier (QJM exhaustion)
    engaged: np.ndarray              # (R, U) bool engaged today
    weather: np.ndarray              # (R, P) int64 today's weather class at each place
    owner: np.ndarray                # (R, P) int8
    posture: np.ndarray              # (R, P) int64 Posture of the defender at each place
    held_days: np.ndarray            # (R, P) int64 days the defender has held the place (for preparation)
    combat_days: np.ndarray          # (R, P) int64 consecutive days of combat at the place
    threat: np.ndarray               # (R, P) float attacker/defender power ratio today (0: none)
    fail_days: np.ndarray            # (R, P) int64 consecutive days the defence has prevailed
    hold_power: np.ndarray           # (R, P) float attacker strength when the fight fell to holding
    capture_day: np.ndarray          # (R, P) int64 first day the place changed hands (-1: never)
    taken_day: np.ndarray            # (R, S, P) int64 first day side S took the place (-1: never)
    assault_km: np.ndarray           # (R, P) float km the attackers have advanced into the place's position
    def_loss_rate: np.ndarray        # (R, P) float the defenders' loss rate today (share of their men)
    unit_op: np.ndarray              # (R, U) int64 the operation a unit serves in now (-1: none)
    op_state: np.ndarray             # (R, O) int8 OpState
    op_obj: np.ndarray               # (R, O) int64 index of the current objective in Compiled.op_objectives
    op_men0: np.ndarray              # (R, O) float men at the start of the operation
    op_day0: np.ndarray              # (R, O) int64 day the operation started
    op_ready_day: np.ndarray         # (R, O) int64 day its start conditions first all held (-1: not yet)
    op_held_days: np.ndarray         # (R, O) int64 days the operation has stood before its objective without taking it
    route_days: np.ndarray           # (R, O, P) float32 days from each place to the current objective
    route_owner: np.ndarray          # (R, P) int8 ownership when route_days was last computed
    route_goal: np.ndarray           # (R, O) int64 the objective route_days leads to
    freight: np.ndarray              # (R, D) float t/day reaching the freight reference place
    reach: np.ndarray                # (R, S, P) bool in supply (connected to a friendly source)
    cap: np.ndarray                  # (R, S, P) float t/day by rail from the side's sources
    road_km: np.ndarray              # (R, S, P) float road km from the side's nearest railhead, port or base
    supply_owner: np.ndarray         # (R, P) int8 ownership when reach/cap were last computed
    supply_damage: np.ndarray        # (R, Er) rail damage when cap was last computed
    supply_gone: np.ndarray          # (R, P) bool bases no longer sources (exhausted) when reach was last computed
    iso_days: np.ndarray             # (R, P) int64 consecutive days each base has been invested (phases/supply.py)
    rail_damage: np.ndarray          # (R, Er) float 0..1 share of capacity lost
    end_day: np.ndarray              # (R,) int64 day the campaign ended early (-1: it ran to the end)
    ending: np.ndarray               # (R,) int64 the scenario ending that ended it (-1: none)
    endings_done: np.ndarray         # (R, N) bool the scenario's endings that have happened
    joint: JointState

    @property
    def R(self) -> int:
        return self.men.shape[0]

    def take(self, rows) -> "State":
        """The state of the runs `rows` (every array indexed on its run axis)."""
        return _take(self, np.asarray(rows))


def _take(obj, rows):
    out = {}
    for f in fields(obj):
        v = getattr(obj, f.name)
        out[f.name] = _take(v, rows) if is_dataclass(v) else v[rows]
    return type(obj)(**out)


def concat_states(parts: list, order: np.ndarray):
    """One state from the states `parts`, rows in the order given by `order` (their rows' positions)."""
    first = parts[0]
    out = {}
    for f in fields(first):
        vs = [getattr(p, f.name) for p in parts]
        out[f.name] = concat_states(vs, order) if is_dataclass(vs[0]) else np.concatenate(vs)[order]
    return type(first)(**out)


def _tile(a, R: int) -> np.ndarray:
    return np.repeat(np.asarray(a)[None, ...], R, axis=0).copy()


def initial_joint_state(c: Compiled, plan: Plan, R: int) -> JointState:
    P, J, Z, E = len(c.theatre.names), len(plan.ops), len(plan.drops), len(c.rail_cap)
    return JointState(
        ships=_tile(plan.ships0, R), batteries=_tile(plan.batteries0, R),
        aircraft=_tile(np.asarray(c.aircraft0, float), R), aircraft_lost=np.zeros((R, len(c.unit_names))),
        shell_t=np.zeros((R, P)), shell_cum_t=np.zeros((R, P)), bombs_t=np.zeros((R, P)),
        civilians_killed=np.zeros((R, P)), civilians_wounded=np.zeros((R, P)),
        op_state=np.zeros((R, J), np.int8), op_day0=np.full((R, J), -1, np.int64),
        op_ready_day=np.full((R, J), -1, np.int64), landed_frac=np.zeros((R, J)),
        days=np.zeros((R, J), np.int64), wins=np.zeros((R, J), np.int64), peak_men=np.zeros((R, J)),
        lost_at_sea=np.zeros((R, J)), assault_losses=np.zeros((R, J, 2)), siege_days=np.zeros((R, J), np.int64),
        flotilla=np.zeros((R, J, 4)),
        drop_state=np.zeros((R, Z), np.int8), drop_men0=np.zeros((R, Z)), seized_day=np.full((R, Z), -1, np.int64),
        linkup_day=np.full(R, -1, np.int64),
        rail_cut=np.zeros((R, E), bool),
        through_t=np.zeros((R, P)), through_owner=np.full((R, P), -1, np.int8), through_damage=np.zeros((R, E)),
    )


def initial_state(c: Compiled, plan: Plan, runs: np.ndarray) -> State:
    R, U, P, O, D = len(runs), len(c.unit_names), len(c.theatre.names), len(c.op_names), c.n_days
    S, E = len(c.side_keys), len(c.rail_cap)
    status = np.where(c.arrives > 0, UnitStatus.waiting, UnitStatus.active).astype(np.int8)
    # a place's defence starts in the strongest posture of the units there (hasty < prepared < fortified),
    # prepared where no unit says (forces in position for years); fortified where the place is a fortified region
    posture = np.full(P, Posture.hasty_defence, dtype=np.int64)
    defensive = (c.posture0 >= Posture.hasty_defence) & (c.posture0 <= Posture.fortified_defence)
    np.maximum.at(posture, c.loc0[defensive], c.posture0[defensive])
    posture = np.where(c.theatre.fortification >= 0.5, Posture.fortified_defence,
                       np.maximum(posture, Posture.prepared_defence))
    return State(
        runs=np.asarray(runs),
        men=_tile(np.where(c.arrives > 0, 0, c.men0), R).astype(np.int64),
        killed=np.zeros((R, U), np.int64), wounded=np.zeros((R, U), np.int64), missing=np.zeros((R, U), np.int64),
        reinforced=np.zeros((R, U), np.int64), departed=np.zeros((R, U), np.int64),
        guns=_tile(c.guns0, R).astype(float), tanks=_tile(c.tanks0, R).astype(float),
        status=_tile(status, R),
        loc=_tile(c.loc0, R), nxt=np.full((R, U), -1, np.int64), prog=np.zeros((R, U)),
        mode=np.zeros((R, U), np.int8), goal=np.full((R, U), -1, np.int64), broken=np.zeros((R, U), bool),
        battle_lost0=np.zeros((R, U), np.int64), idle_days=np.zeros((R, U), np.int64),
        eta=np.zeros((R, U), np.int64), dest=_tile(c.loc0, R), role=_tile(c.role, R),
        stock=_tile(c.stock0, R).astype(float),
        cut=np.zeros((R, U), np.int64), joint_fed=np.zeros((R, U), bool),
        open_weak=np.zeros((R, S, P), bool), open_owner=np.full((R, S, P), -1, np.int8), open_reach=np.zeros((R, S, P), bool),
        fatigue=np.ones((R, U)), engaged=np.zeros((R, U), bool),
        weather=np.zeros((R, P), np.int64),
        owner=_tile(c.theatre.owner, R).astype(np.int8),
        posture=_tile(posture, R), held_days=np.full((R, P), 30, np.int64), combat_days=np.zeros((R, P), np.int64),
        threat=np.zeros((R, P)), fail_days=np.zeros((R, P), np.int64), hold_power=np.zeros((R, P)),
        capture_day=np.full((R, P), -1, np.int64), taken_day=np.full((R, S, P), -1, np.int64),
        assault_km=np.zeros((R, P)), def_loss_rate=np.zeros((R, P)),
        unit_op=_tile(c.unit_op, R),
        op_state=np.zeros((R, O), np.int8), op_obj=np.zeros((R, O), np.int64),
        op_men0=np.zeros((R, O)), op_day0=np.zeros((R, O), np.int64), op_held_days=np.zeros((R, O), np.int64),
        op_ready_day=np.full((R, O), -1, np.int64),
        route_days=np.full((R, O, P), np.inf, np.float32), route_owner=np.full((R, P), -1, np.int8),
        route_goal=np.full((R, O), -1, np.int64),
        freight=np.zeros((R, D)),
        reach=np.zeros((R, S, P), bool), cap=np.zeros((R, S, P)), road_km=np.full((R, S, P), np.inf),
        supply_owner=np.full((R, P), -1, np.int8), supply_damage=np.zeros((R, E)),
        supply_gone=np.zeros((R, P), bool), iso_days=np.zeros((R, P), np.int64),
        rail_damage=np.zeros((R, E)),
        end_day=np.full(R, -1, np.int64), ending=np.full(R, -1, np.int64),
        endings_done=np.zeros((R, len(c.endings)), bool),
        joint=initial_joint_state(c, plan, R),
    )
