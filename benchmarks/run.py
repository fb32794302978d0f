"""Ensemble benchmarks, measured side by side in one run; prints a table and writes JSON.

    python benchmarks/run.py                      # operation-otsu, full sizes
    python benchmarks/run.py --scenario tests/scenarios/mini.yaml --quick

Figures: engine throughput at a large batch vs batch size 1 (goal >= 50x); ensemble throughput with storage
(goal >= 1,000 runs/s on 2 cores); Dask 2 workers vs 1 (goal >= 1.8x); peak memory of a 10,000-run
ensemble in a fresh process (goal <= 2 GiB); `kriegsspiel run` latency; `import kriegsspiel` time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import kriegsspiel

    return {"cpu": cpu or platform.processor(), "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "platform": platform.platform(), "kriegsspiel": kriegsspiel.__version__,
            "load_average_at_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}


def engine_throughput(scenario: str, big: int, n_big: int, n_small: int) -> dict:
    """runs/s of engine + rows (no storage) at batch `big` and at batch 1, same process, best of 2."""
    from kriegsspiel.api import load_scenario
    from kriegsspiel.ensemble.batch import EnsembleSpec, run_columns

    loaded = load_scenario(scenario)
    spec = EnsembleSpec(str(loaded.path.resolve()), loaded.sha256, 0)
    run_columns(spec, np.arange(2))                     # compile and warm up

    def rate(batch: int, n: int) -> float:
        best = 0.0
        for _ in range(2):
            t = time.perf_counter()
            for start in range(0, n, batch):
                run_columns(spec, np.arange(start, min(n, start + batch)))
            best = max(best, n / (time.perf_counter() - t))
        return best

    r1 = rate(1, n_small)
    rb = rate(big, n_big)
    return {"batch_1_runs_per_s": r1, f"batch_{big}_runs_per_s": rb, "big_batch": big, "speedup": rb / r1}


def ensemble_throughput(scenario: str, n: int, batch: int) -> dict:
    """runs/s of a whole local ensemble written to Parquet/DuckDB (compile excluded: it happens once)."""
    from kriegsspiel import run_ensemble
    from kriegsspiel.api import compile as compile_

    c = compile_(scenario)
    out = Path(tempfile.mkdtemp()) / "e"
    t = time.perf_counter()
    run_ensemble(c, n, 0, out, batch_size=batch)
    dt = time.perf_counter() - t
    shutil.rmtree(out.parent)
    return {"runs": n, "batch_size": batch, "seconds": dt, "runs_per_s": n / dt}


def dask_scaling(scenario: str, n: int, batch: int) -> dict:
    """runs/s with a LocalCluster of 1 and of 2 worker processes (cluster start-up timed apart)."""
    from kriegsspiel import run_ensemble
    from kriegsspiel.ensemble.backends import dask_client

    out: dict = {}
    for k in (1, 2):
        t0 = time.perf_counter()
        with dask_client(None, k) as client:
            up = time.perf_counter() - t0
            warm = Path(tempfile.mkdtemp())
            run_ensemble(scenario, k * 2, 99, warm / "w", batch_size=1, backend="dask", client=client)  # compile on workers
            t = time.perf_counter()
            run_ensemble(scenario, n, 0, warm / "e", batch_size=batch, backend="dask", client=client)
            dt = time.perf_counter() - t
            shutil.rmtree(warm)
        out[f"workers_{k}_runs_per_s"] = n / dt
        out[f"workers_{k}_startup_s"] = up
    out["speedup_2_vs_1"] = out["workers_2_runs_per_s"] / out["workers_1_runs_per_s"]
    out.update(runs=n, batch_size=batch)
    return out


_MEM = """
import resource, sys, tempfile, time
from kriegsspiel import run_ensemble
t = time.perf_counter()
run_ensemble(sys.argv[1], int(sys.argv[2]), 0, tempfile.mkdtemp() + "/e", batch_size=int(sys.argv[3]))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter() - t)
"""


def peak_memory(scenario: str, n: int, batch: int) -> dict:
    """Peak resident memory (ru_maxrss) of a fresh process running an n-run local ensemble."""
    r = subprocess.run([sys.executable, "-c", _MEM, scenario, str(n), str(batch)], capture_output=True, text=True,
                       check=True)
    kb, secs = r.stdout.split()
    return {"runs": n, "batch_size": batch, "peak_rss_mib": int(kb) / 1024, "seconds": float(secs),
            "runs_per_s": n / float(secs)}


def startup(scenario: str) -> dict:
    """`import kriegsspiel` (minus bare interpreter start) and `kriegsspiel run` wall times, best of 3; `run` both
    as it runs (its kernels interpreted, kriegsspiel.jit) and with them compiled (KRIEGSSPIEL_JIT=1), alternating."""
    def best(cmd: list[str], **env) -> float:
        times = []
        for _ in range(3):
            t = time.perf_counter()
            r = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, **env))
            if r.returncode:
                raise RuntimeError(f"{' '.join(cmd[1:])}: exit {r.returncode}: {r.stderr[-300:]}")
            times.append(time.perf_counter() - t)
        return min(times)

    bare = best([sys.executable, "-c", "pass"])
    imp = best([sys.executable, "-c", "import kriegsspiel"])
    cmd = [sys.executable, "-m", "kriegsspiel.cli", "run", scenario]
    run, run_compiled = [], []
    for _ in range(2):
        run.append(best(cmd))
        run_compiled.append(best(cmd, KRIEGSSPIEL_JIT="1"))
    helps = best([sys.executable, "-m", "kriegsspiel.cli", "--help"])
    return {"import_s": imp - bare, "interpreter_s": bare, "run_latency_s": min(run),
            "run_latency_compiled_s": min(run_compiled), "help_s": helps}


# The printed table: per section of the results, (measure, its key, its format, the goal).
TABLE = [
    ("engine", [("engine, batch 1 (runs/s)", "batch_1_runs_per_s", "{:,.1f}", ""),
                ("engine, batch {big_batch} (runs/s)", "big_rate", "{:,.0f}", ""),
                ("  large batch / batch 1", "speedup", "{:,.0f}x", ">= 50x")]),
    ("ensemble", [("ensemble, local, {runs:,} runs stored (runs/s)", "runs_per_s", "{:,.0f}", ">= 1,000")]),
    ("dask", [("ensemble, Dask 1 worker (runs/s)", "workers_1_runs_per_s", "{:,.0f}", ""),
              ("ensemble, Dask 2 workers (runs/s)", "workers_2_runs_per_s", "{:,.0f}", ">= 1,000"),
              ("  2 workers / 1 worker", "speedup_2_vs_1", "{:.2f}x", ">= 1.8x"),
              ("  LocalCluster start-up (2 workers, s)", "workers_2_startup_s", "{:.1f}", "")]),
    ("memory", [("peak memory, {runs:,}-run ensemble (MiB)", "peak_rss_mib", "{:,.0f}", "<= 2,048"),
                ("  its wall time (s)", "seconds", "{:.1f}", "<= 10")]),
    ("startup", [("import kriegsspiel (s)", "import_s", "{:.3f}", ""),
                 ("kriegsspiel run, wall (s)", "run_latency_s", "{:.2f}", "<= 1"),
                 ("  the same with compiled kernels (s)", "run_latency_compiled_s", "{:.2f}", ""),
                 ("kriegsspiel --help, wall (s)", "help_s", "{:.2f}", "")]),
]


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", default="operation-otsu")
    ap.add_argument("--quick", action="store_true", help="smaller sizes (a minute or so)")
    ap.add_argument("--json", default=str(ROOT / "benchmarks" / "results.json"), help="where to write the figures")
    ap.add_argument("--skip", nargs="*", default=[], choices=["engine", "ensemble", "dask", "memory", "startup"])
    a = ap.parse_args(argv)
    q = a.quick
    res: dict = {"scenario": a.scenario, "machine": machine()}
    steps = {
        "engine": lambda: engine_throughput(a.scenario, 1000, 1000 if q else 2000, 20 if q else 50),
        "ensemble": lambda: ensemble_throughput(a.scenario, 1000 if q else 4000, 500),
        "dask": lambda: dask_scaling(a.scenario, 1000 if q else 4000, 250),
        "memory": lambda: peak_memory(a.scenario, 2000 if q else 10000, 500),
        "startup": lambda: startup(a.scenario),
    }
    for name, fn in steps.items():
        if name not in a.skip:
            print(f"measuring {name} ...", file=sys.stderr, flush=True)
            try:
                res[name] = fn()
            except Exception as exc:     # one failing measure must not lose the others
                res.setdefault("errors", {})[name] = repr(exc)[:500]
                print(f"  {name} failed: {exc!r}"[:500], file=sys.stderr)
            Path(a.json).write_text(json.dumps(res, indent=2) + "\n")
    res["machine"]["load_average_at_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    Path(a.json).write_text(json.dumps(res, indent=2) + "\n")
    print_table(res)
    print(f"wrote {a.json}", file=sys.stderr)
    return res


def print_table(res: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"kriegsspiel benchmarks: {res['scenario']} on {res['machine']['cpu']} "
                    f"({res['machine']['cores']} cores)")
    for col in ("measure", "value", "goal"):
        t.add_column(col, justify="left" if col == "measure" else "right")
    rows = []                                   # (measure, value, goal)
    for section, spec in TABLE:
        x = res.get(section)
        if x:
            x = dict(x, big_rate=x.get(f"batch_{x.get('big_batch')}_runs_per_s", 0.0))
            rows += [(label.format(**x), fmt.format(x[key]), goal) for label, key, fmt, goal in spec]
    for row in rows:
        t.add_row(*row)
    Console().print(t)


if __name__ == "__main__":
    main()
