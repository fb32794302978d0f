"""The public API; the CLI is a thin layer over it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .scenario.bundled import resolve
from .scenario.compile import Compiled, compile_scenario
from .scenario.load import LoadedScenario
from .scenario.load import load_scenario as _load


def load_scenario(scenario: str | Path | LoadedScenario | None = None) -> LoadedScenario:
    """Load and validate a scenario: a bundled name, a path, or an already loaded scenario."""
    if isinstance(scenario, LoadedScenario):
        return scenario
    return _load(resolve(scenario))


def compile(scenario=None, overrides: dict | None = None, settings: dict | None = None) -> Compiled:  # noqa: A001
    """Load (if needed) and compile a scenario; `overrides` replaces named model parameters, `settings` gives
    assumptions new values ({id: value}: their `applies_to` targets scaled, inside their ranges)."""
    if isinstance(scenario, Compiled) and not settings:
        return scenario
    from .params import default_params
    from .scenario.assumptions import resolve

    if overrides:
        default_params().check_overrides(overrides)
    params = default_params().with_overrides(overrides) if overrides else None
    loaded = scenario.loaded if isinstance(scenario, Compiled) else load_scenario(scenario)
    # edited assumption values (value != written_as), then `settings`, scale their targets
    loaded = resolve(loaded, {k: float(v) for k, v in settings.items()} if settings else None)
    return compile_scenario(loaded, params)


def run(scenario=None, seed: int = 0, run_index: int = 0, settings: dict | None = None):
    """One campaign with its chronology: returns a RunResult (``.to_dict()`` is the JSON of ``kriegsspiel run``).
    `settings`: assumption values for this run ({id: value}, see `compile`)."""
    from .engine.loop import simulate as _simulate
    from .results.run_result import build_run_result

    c = compile(scenario, settings=settings)
    eng = _simulate(c, np.array([run_index]), seed, record=True)
    return build_run_result(c, eng, 0)


def simulate(scenario=None, runs=1, seed: int = 0, record: bool = False, settings: dict | None = None):
    """Run campaigns `runs` (a count, or an array of run indices) of root seed `seed` in one batch.
    `settings`: assumption values for these runs ({id: value}, checked as `compile` and `run` check them: an
    unknown id is a KeyError, a value outside its range or one whose scaled inputs the schema refuses a
    ScenarioError).

    Returns the finished Engine: its ``st`` holds the final state arrays with a leading run axis."""
    from .engine.loop import simulate as _simulate

    c = compile(scenario, settings=settings)
    idx = np.arange(runs) if np.isscalar(runs) else np.asarray(runs)
    return _simulate(c, idx, seed, record=record)
