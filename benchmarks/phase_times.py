"""Wall time of each daily phase of the engine over one batch (set-up, weather, arrivals, each joint model,
ground, supply, doctrine, record): which phase to work on next.

    python benchmarks/phase_times.py operation-otsu --batch 1000
"""

from __future__ import annotations

import argparse
import collections
import time

import numpy as np


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", nargs="?", default="operation-otsu")
    ap.add_argument("--batch", type=int, default=1000)
    a = ap.parse_args(argv)
    from kriegsspiel.api import compile as compile_
    from kriegsspiel.engine import loop

    c = compile_(a.scenario)
    loop.simulate(c, np.arange(2), 0)
    T: collections.Counter = collections.Counter()

    def tm(name, f, *args):
        t = time.perf_counter()
        r = f(*args)
        T[name] += time.perf_counter() - t
        return r

    eng = tm("set-up (dice, state)", loop.make_engine, c, np.arange(a.batch), 0)
    for d in range(c.n_days):       # Engine.step, phase by phase
        for phase in eng.phases:
            tm(phase.__module__.rsplit(".", 1)[-1], phase, eng.ctx, eng.st, d)
    total = sum(T.values())
    for k, v in T.most_common():
        if v >= 0.0005:
            print(f"{k:32s} {v:7.3f} s {100 * v / total:5.1f} %")
    print(f"{a.scenario}: batch {a.batch}: {total:.2f} s, {a.batch / total:,.1f} runs/s")


if __name__ == "__main__":
    main()
