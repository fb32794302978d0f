"""Where batches run: in this process (`local`) or on a Dask cluster (`dask`).

Both take the batches still to do and hand each finished batch's rows (a pyarrow Table) to `done`, in
whatever order they finish; the caller stores them. Only this process writes to the results store, so a
worker needs no access to it, and a lost worker only means its batch is run again elsewhere (Dask
reschedules it); rows are the same wherever a batch runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import contextmanager

import numpy as np

from .batch import EnsembleSpec, run_batch

Done = Callable[[object], None]


def run_local(spec: EnsembleSpec, batches: Sequence[np.ndarray], done: Done, partial=None) -> None:
    """Run the batches one after another in this process; Ctrl-C takes effect between batches. `partial(n)`,
    if given, hears after each simulated day how many runs' worth of the current batch are done (a float), so a
    progress bar moves within a batch."""
    with interrupts_between() as interrupted:
        for runs in batches:
            on_day = None if partial is None else (lambda d, n, k=len(runs): partial(k * d / n))
            done(run_batch(spec, runs, on_day))
            if interrupted():
                raise KeyboardInterrupt


@contextmanager
def interrupts_between():
    """While a batch is computed, Ctrl-C (SIGINT) only sets a flag that the caller checks between batches.
    Raised in the middle of a batch, the KeyboardInterrupt could be lost: numpy calls Python code while it probes
    an operand (an enum member's class on Python 3.11) and clears whatever that code raises."""
    import signal
    import threading

    hit = []
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    old = signal.signal(signal.SIGINT, lambda sig, frame: hit.append(sig))
    try:
        yield lambda: bool(hit)
    finally:
        signal.signal(signal.SIGINT, old)


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = 2):
    """A distributed Client: connected to `scheduler`, or to a LocalCluster of `workers` single-threaded
    worker processes that is started here and closed on exit."""
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        import dask

        # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536; setting it also switches off glibc's adaptive
        # mmap threshold, so every large numpy buffer is mapped and unmapped afresh. The engine allocates
        # (runs, units) arrays all day long and measured 2.4x slower per batch that way; workers here keep
        # glibc's defaults (a worker holds one batch's state at a time).
        env = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
               if not k.startswith("MALLOC_")}
        with dask.config.set({"distributed.nanny.pre-spawn-environ": env}):
            cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run_dask(spec: EnsembleSpec, batches: Sequence[np.ndarray], done: Done, client) -> None:
    """Run the batches as Dask tasks, at most two per worker in flight (memory stays flat)."""
    from dask.distributed import as_completed

    n_workers = max(1, len(client.scheduler_info().get("workers", {})) or 1)
    limit = 2 * n_workers
    todo = list(batches)[::-1]
    futures = []
    while todo and len(futures) < limit:
        runs = todo.pop()
        futures.append(client.submit(run_batch, spec, runs, pure=False))
    ac = as_completed(futures)
    try:
        for fut in ac:
            done(fut.result())
            fut.release()
            if todo:
                runs = todo.pop()
                ac.add(client.submit(run_batch, spec, runs, pure=False))
    finally:
        for f in futures:
            f.cancel()
