"""Victory conditions: the result label of each campaign at the end, in the scenario's (the article's) terms."""

from __future__ import annotations

import numpy as np

from ..scenario.compile import Compiled
from .state import State


def labels(c: Compiled) -> list[str]:
    v = c.scenario.victory
    out = []
    for cond in [*v.conditions, v.default]:
        if cond.label not in out:
            out.append(cond.label)
    return out


def ends_run(e) -> bool:
    """Whether an ending (CompiledEnding) ends the run: a ceasefire, or a whole side's capitulation (not a
    contingent's capitulation or defection)."""
    return e.type == "ceasefire" or (e.type == "capitulation" and not len(e.units))


def capitulated(c: Compiled, st: State) -> np.ndarray:
    """(R,) the side whose capitulation ended each run (-1: none; a contingent's capitulation does not end it)."""
    side = np.array([e.side if ends_run(e) and e.type == "capitulation" else -1 for e in c.endings] + [-1],
                    dtype=np.int64)
    return side[np.where(st.ending >= 0, st.ending, len(c.endings))]


def evaluate(c: Compiled, st: State) -> np.ndarray:
    """(R,) index into `labels(c)`: the first condition that holds, else the default. A side whose capitulation
    ended the run wins under none of its conditions, whatever places it still holds."""
    v = c.scenario.victory
    idx = c.theatre.index
    names = labels(c)
    result = np.full(st.R, names.index(v.default.label), dtype=np.int64)
    decided = np.zeros(st.R, dtype=bool)
    lost = st.killed + st.wounded + st.missing
    gave_up = capitulated(c, st)
    for cond in v.conditions:
        if cond.winner is None:
            continue
        w = c.side_keys.index(cond.winner)
        ok = gave_up != w
        if cond.all_of:
            ok &= (st.owner[:, [idx[n] for n in cond.all_of]] == w).all(axis=1)
        if cond.any_of:
            ok &= (st.owner[:, [idx[n] for n in cond.any_of]] == w).sum(axis=1) >= cond.min_of_any
        if cond.loss_ratio_above is not None:
            mine = lost[:, c.unit_side == w].sum(axis=1)
            theirs = lost[:, c.unit_side != w].sum(axis=1)
            ok &= theirs > cond.loss_ratio_above * np.maximum(mine, 1)
        hit = ok & ~decided
        result[hit] = names.index(cond.label)
        decided |= ok
    return result


def decisive_places(c: Compiled) -> list[str]:
    """The places the result and the plan turn on: victory-condition places, then operation objectives (and their
    switch_to), in that order, no repeats, only places of the theatre."""
    names = set(c.theatre.names)
    v = c.scenario.victory
    out: list[str] = []
    for cond in [*v.conditions, v.default]:
        out += [*cond.all_of, *cond.any_of]
    for op in c.scenario.operations:
        out.append(op.objective)
        if op.conditions.switch_to:
            out.append(op.conditions.switch_to)
    return list(dict.fromkeys(p for p in out if p in names))


def winner_of(c: Compiled, label: str) -> str | None:
    v = c.scenario.victory
    for cond in [*v.conditions, v.default]:
        if cond.label == label:
            return cond.winner
    return None


def reason(c: Compiled, st: State, row: int, label: str) -> str:
    """Why a run got its label, in words."""
    v = c.scenario.victory
    idx = c.theatre.index
    for cond in v.conditions:
        if cond.label != label or cond.winner is None:
            continue
        w = c.side_keys.index(cond.winner)
        who = c.scenario.sides[cond.winner].name
        parts = []
        if cond.all_of:
            parts.append(f"{who} holds all of {', '.join(cond.all_of)}")
        if cond.any_of:
            held = [n for n in cond.any_of if st.owner[row, idx[n]] == w]
            parts.append(f"{who} holds {len(held)} of {', '.join(cond.any_of)} ({', '.join(held) or 'none'})")
        if cond.loss_ratio_above is not None:
            parts.append(f"the enemy lost over {cond.loss_ratio_above:g} times as many men")
        return "; ".join(parts) or f"{who} meets its victory condition"
    gave_up = int(capitulated(c, st)[row])
    if gave_up >= 0:
        return f"{c.scenario.sides[c.side_keys[gave_up]].name} capitulated; no other side met its victory conditions"
    return "no side met its victory conditions"
