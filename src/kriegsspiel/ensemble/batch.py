"""One batch of an ensemble: what a worker needs to know (a small, picklable spec) and the work itself.

A worker compiles the scenario once per spec (cached per process), checks that the file it reads is the
one the ensemble was started with (sha256), runs the batch through the engine and returns its rows.
Run k's rows depend only on (scenario, settings, root seed, k): not on the batch, worker or backend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..scenario.compile import Compiled


@dataclass(frozen=True)
class EnsembleSpec:
    """The identity of an ensemble's runs.

    scenario_path: the scenario file (workers load it; on a cluster it must be readable there too)
    scenario_sha256: its hash; a worker that reads other bytes refuses to run
    seed: the root seed
    settings: (assumption id, value) pairs of a sensitivity point; () for the scenario as written
    ranges: (assumption id, low, high) wider "world" ranges the settings may reach (the inverse what-if)
    """

    scenario_path: str
    scenario_sha256: str
    seed: int
    settings: tuple[tuple[str, float], ...] = field(default=())
    ranges: tuple[tuple[str, float, float], ...] = field(default=())


_LOCAL: dict[EnsembleSpec, Compiled] = {}


def register_compiled(spec: EnsembleSpec, c: Compiled) -> None:
    """Use this already compiled scenario for `spec` in this process (the local backend's shortcut)."""
    _LOCAL[spec] = c


@lru_cache(maxsize=8)
def _compile(spec: EnsembleSpec) -> Compiled:
    from ..api import compile as compile_
    from ..api import load_scenario
    from ..scenario.assumptions import resolve

    loaded = load_scenario(spec.scenario_path)
    if loaded.sha256 != spec.scenario_sha256:
        raise RuntimeError(f"{spec.scenario_path} has changed since the ensemble started "
                           f"(sha256 {loaded.sha256[:12]}, expected {spec.scenario_sha256[:12]})")
    return compile_(resolve(loaded, dict(spec.settings), {k: (lo, hi) for k, lo, hi in spec.ranges}))


def compiled(spec: EnsembleSpec) -> Compiled:
    return _LOCAL.get(spec) or _compile(spec)


def run_columns(spec: EnsembleSpec, runs: np.ndarray, on_day=None) -> dict[str, np.ndarray]:
    """Simulate runs `runs` (R,) and return their rows as numpy columns (see ensemble.rows); `on_day` as in
    engine.loop.simulate."""
    from ..engine.loop import simulate
    from .rows import columns, layout

    c = compiled(spec)
    eng = simulate(c, np.asarray(runs, dtype=np.int64), spec.seed, record=False, on_day=on_day)
    return columns(c, eng.st, _layout(spec, c, layout))


_LAYOUTS: dict[EnsembleSpec, object] = {}


def _layout(spec, c, make):
    if spec not in _LAYOUTS:
        _LAYOUTS[spec] = make(c)
    return _LAYOUTS[spec]


def run_batch(spec: EnsembleSpec, runs: np.ndarray, on_day=None):
    """Simulate runs `runs` and return their rows as a pyarrow Table (the task a Dask worker runs)."""
    from .rows import to_arrow

    return to_arrow(run_columns(spec, runs, on_day))
