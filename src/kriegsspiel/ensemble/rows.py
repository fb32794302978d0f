"""Per-run result rows: the final state of a batch as flat columns, one row per run.

Columns (one row per run, ``run`` is the 0-based run index of the root seed):

- ``run`` int64; ``result`` the result label (``engine.outcome.labels``); ``winner`` side key or null
- ``{side}_killed``, ``{side}_wounded``, ``{side}_missing`` int64 men, ``{side}_tanks_lost`` int64 tanks
- for each key place (victory-condition places, operation objectives and the theatre's landmarks):
  ``control_{place}`` side key holding it at the end, ``fell_day_{place}`` int32 0-based day it first
  changed hands (null: never), ``fell_date_{place}`` the date of that day
- ``linkup_day`` int32 0-based day friendly ground forces first reached paratroops holding a drop zone
  (null: never), ``linkup_date`` its date
- ``freight_total_t`` float64 tons delivered by rail to the scenario's freight reference place over the
  campaign (null when the scenario names none)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.outcome import decisive_places, evaluate, labels, winner_of
from ..engine.state import State
from ..results.columns import slug
from ..scenario.compile import Compiled

# Landmarks of the Far East theatre reported whenever the scenario's theatre has them.
LANDMARKS = ("Vladivostok", "Khabarovsk", "Blagoveshchensk", "Birobidzhan", "Ulan Bator", "Chita", "Okha")




@dataclass(frozen=True)
class RowLayout:
    """What a row holds for one compiled scenario (names, in a fixed order)."""

    sides: tuple[str, ...]
    labels: tuple[str, ...]
    winners: tuple[str | None, ...]            # winner of each label
    key_places: tuple[str, ...]
    key_index: tuple[int, ...]                 # place index of each key place
    dates: tuple[str, ...]                     # ISO date of each day

    def columns(self) -> list[str]:
        cols = ["run", "result", "winner"]
        for s in self.sides:
            cols += [f"{slug(s)}_{k}" for k in ("killed", "wounded", "missing", "tanks_lost")]
        for p in self.key_places:
            cols += [f"control_{slug(p)}", f"fell_day_{slug(p)}", f"fell_date_{slug(p)}"]
        return cols + ["linkup_day", "linkup_date", "freight_total_t"]


def key_places(c: Compiled) -> list[str]:
    """The decisive places (engine.outcome.decisive_places), then the landmarks the theatre has; no repeats."""
    names = set(c.theatre.names)
    return list(dict.fromkeys([*decisive_places(c), *(p for p in LANDMARKS if p in names)]))


def layout(c: Compiled) -> RowLayout:
    from ..results.columns import clashes
    from ..scenario.errors import Problem, ScenarioError

    labs = labels(c)
    keys = key_places(c)
    clash = [("sides", a, b) for a, b in clashes(c.side_keys)] + [("places", a, b) for a, b in clashes(keys)]
    if clash:
        raise ScenarioError([Problem(str(c.loaded.path), None, field, f"{a!r} and {b!r}",
                                     "names that differ in more than case and punctuation (each becomes a column "
                                     f"named {slug(a)!r} of the ensemble's rows)") for field, a, b in clash])
    return RowLayout(
        sides=tuple(c.side_keys), labels=tuple(labs), winners=tuple(winner_of(c, lab) for lab in labs),
        key_places=tuple(keys), key_index=tuple(c.theatre.index[p] for p in keys),
        dates=tuple(d.isoformat() for d in c.dates),
    )


def columns(c: Compiled, st: State, lay: RowLayout | None = None) -> dict[str, np.ndarray]:
    """The rows of a finished batch as numpy columns of length R (object arrays for strings, None = null)."""
    lay = lay or layout(c)
    R = st.R
    res = evaluate(c, st)
    lab = np.array(lay.labels, dtype=object)
    win = np.array(lay.winners, dtype=object)
    out: dict[str, np.ndarray] = {"run": np.asarray(st.runs, dtype=np.int64), "result": lab[res], "winner": win[res]}
    tanks_lost = np.rint(np.maximum(c.tanks0[None, :] - st.tanks, 0.0)).astype(np.int64)
    for s, key in enumerate(lay.sides):
        mine = c.unit_side == s
        for name, arr in (("killed", st.killed), ("wounded", st.wounded), ("missing", st.missing),
                          ("tanks_lost", tanks_lost)):
            out[f"{slug(key)}_{name}"] = arr[:, mine].sum(axis=1).astype(np.int64)
    side_names = np.array(lay.sides, dtype=object)
    dates = np.array(lay.dates, dtype=object)
    for p, i in zip(lay.key_places, lay.key_index):
        day = st.capture_day[:, i]
        fell = day >= 0
        out[f"control_{slug(p)}"] = side_names[st.owner[:, i].astype(np.int64)]
        out[f"fell_day_{slug(p)}"] = np.where(fell, day, -1).astype(np.int32)
        out[f"fell_date_{slug(p)}"] = np.where(fell, dates[np.where(fell, day, 0)], None)
    link = st.joint.linkup_day
    out["linkup_day"] = link.astype(np.int32)
    out["linkup_date"] = np.where(link >= 0, dates[np.maximum(link, 0)], None)
    if c.freight_ref >= 0:
        out["freight_total_t"] = st.freight.sum(axis=1).astype(np.float64)
    else:
        out["freight_total_t"] = np.full(R, np.nan)
    assert list(out) == lay.columns()
    return out


def to_arrow(cols: dict[str, np.ndarray]):
    """Columns -> pyarrow Table (fell_day -1 and freight NaN become nulls; dates become date32)."""
    import pyarrow as pa

    arrays = {}
    for name, a in cols.items():
        if name.startswith("fell_day_") or name == "linkup_day":
            arrays[name] = pa.array(a, type=pa.int32(), mask=a < 0)
        elif name.startswith("fell_date_") or name == "linkup_date":
            arrays[name] = pa.array(a, type=pa.string()).cast(pa.date32())
        elif name == "freight_total_t":
            arrays[name] = pa.array(a, type=pa.float64(), from_pandas=True)
        elif a.dtype == object:
            arrays[name] = pa.array(a, type=pa.string())
        else:
            arrays[name] = pa.array(a)
    return pa.table(arrays)
