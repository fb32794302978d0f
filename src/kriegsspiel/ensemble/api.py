"""Public API of ensembles: ``run_ensemble`` and ``open_results`` (exported by ``kriegsspiel``)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..results.store import Manifest, ResultStore, StoreMismatch, engine_fingerprint
from ..results.stored import EnsembleResult, open_results

# The largest ensemble one command may ask for: its run indices are held in memory (8 bytes each) and its rows
# in Parquet (about 1 KB each); ten million runs is some 10 GB of results and hours of work on one machine.
MAX_RUNS = 10_000_000

__all__ = ["run_ensemble", "open_results", "EnsembleResult", "StoreMismatch"]

Progress = Callable[[int, int], None]


def _batches(runs: np.ndarray, batch_size: int) -> list[np.ndarray]:
    b = max(1, int(batch_size))
    return [runs[i:i + b] for i in range(0, len(runs), b)]


def run_ensemble(scenario=None, runs: int = 1000, seed: int = 0, out: str | Path | None = None, *,
                 batch_size: int = 500, backend: str = "local", scheduler: str | None = None, workers: int = 2,
                 settings: dict[str, float] | None = None, progress: Progress | None = None,
                 client=None) -> EnsembleResult:
    """Run campaigns 0..runs-1 of root seed `seed` and store their rows in `out` (a new temporary directory
    when None). An existing `out` of the same ensemble is resumed: only the runs it lacks are run.

    scenario: a bundled name, a path, a LoadedScenario or a Compiled scenario (default operation-otsu)
    batch_size: runs simulated together (memory grows with it: state and dice are (batch, ...) arrays)
    backend: "local" (this process) or "dask" (`scheduler` address, or a LocalCluster of `workers`
             processes started and closed here; or an existing distributed `client`)
    settings: assumption id -> value (a sensitivity point; see kriegsspiel.scenario.assumptions)
    progress: called (runs stored, runs in all) once the store is open and after each stored batch, and on the
              local backend after each simulated day with a fractional count (runs stored + the batch's share done)

    Raises StoreMismatch if `out` holds another ensemble, ScenarioError for a bad scenario.
    """
    from .. import __version__
    from ..api import load_scenario
    from ..scenario.assumptions import resolve
    from ..scenario.compile import Compiled
    from .batch import EnsembleSpec, compiled, register_compiled
    from .rows import layout

    if backend not in ("local", "dask"):
        raise ValueError(f"backend must be 'local' or 'dask', not {backend!r}")
    if not 0 <= runs <= MAX_RUNS:
        raise ValueError(f"runs must be between 0 and {MAX_RUNS:,} (got {runs:,})")
    given = scenario if isinstance(scenario, Compiled) else None
    loaded = given.loaded if given is not None else load_scenario(scenario)
    settings = {k: float(v) for k, v in (settings or {}).items()}
    resolve(loaded, settings)            # fail early on values the schema or the ranges refuse
    spec = EnsembleSpec(str(Path(loaded.path).resolve()), loaded.sha256, int(seed), tuple(sorted(settings.items())))
    if given is not None and not settings:
        register_compiled(spec, given)
    c = compiled(spec)
    lay = layout(c)
    out = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix=f"kriegsspiel-{loaded.scenario.name}-"))
    manifest = Manifest(scenario=loaded.scenario.name, scenario_path=spec.scenario_path,
                        scenario_sha256=loaded.sha256, seed=int(seed), runs=int(runs), version=__version__,
                        labels=list(lay.labels), sides=list(lay.sides), key_places=list(lay.key_places),
                        settings=settings, engine_sha256=engine_fingerprint())
    store = ResultStore.open_or_create(out, manifest)
    try:
        _fill(store, runs, spec, batch_size, backend, client, scheduler, workers, progress)
    finally:
        store.release()
    return EnsembleResult(store)


def _fill(store, runs, spec, batch_size, backend, client, scheduler, workers, progress) -> None:
    """Simulate the runs `store` lacks, batch by batch, storing each batch as it comes; then build its database."""
    from .backends import dask_client, run_dask, run_local

    missing = store.missing_runs()
    batches = _batches(missing, batch_size)
    stored = int(runs) - len(missing)
    if progress is not None:
        progress(stored, int(runs))

    def done(table) -> None:
        nonlocal stored
        store.write_part(table)
        stored += table.num_rows
        if progress is not None:
            progress(stored, int(runs))

    def partial(k: float) -> None:             # the batch in hand, day by day (local backend)
        progress(stored + k, int(runs))

    if batches:
        if backend == "local":
            run_local(spec, batches, done, partial if progress is not None else None)
        elif client is not None:
            run_dask(spec, batches, done, client)
        else:
            with dask_client(scheduler, workers) as cl:
                run_dask(spec, batches, done, cl)
    store.finalize()
