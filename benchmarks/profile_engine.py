"""Profile the engine at a batch size: where the time of a day goes.

    python benchmarks/profile_engine.py operation-otsu --batch 1000
    python benchmarks/profile_engine.py operation-otsu --batch 1 --repeat 100
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

import numpy as np


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", nargs="?", default="operation-otsu")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1, help="batches to run (use many at batch 1)")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    a = ap.parse_args(argv)
    from kriegsspiel.api import compile as compile_
    from kriegsspiel.engine.loop import simulate

    c = compile_(a.scenario)
    simulate(c, np.arange(2), 0)
    t = time.perf_counter()
    for i in range(a.repeat):
        simulate(c, np.arange(i * a.batch, (i + 1) * a.batch), 0)
    plain = a.repeat * a.batch / (time.perf_counter() - t)
    prof = cProfile.Profile()
    prof.enable()
    for i in range(a.repeat):
        simulate(c, np.arange(i * a.batch, (i + 1) * a.batch), 0)
    prof.disable()
    print(f"{a.scenario}: batch {a.batch} x {a.repeat}: {plain:,.1f} runs/s without the profiler")
    pstats.Stats(prof).strip_dirs().sort_stats(a.sort).print_stats(a.top)


if __name__ == "__main__":
    main()
