"""Day-by-day positions of chosen formations in one run: where each is, on which edge, how far, in what mode.

    python tools/trace.py SCENARIO --seed 1 --units "5th Division" "1st Tank" --days 30
"""

from __future__ import annotations

import argparse

import numpy as np

from kriegsspiel.api import compile as compile_
from kriegsspiel.codes import UnitMode, UnitStatus
from kriegsspiel.engine.loop import make_engine


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--run", type=int, default=0)
    ap.add_argument("--units", nargs="*", default=[])
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE", help="model parameter overrides")
    ap.add_argument("--events", action="store_true", help="print each day's events (kind, side, place, men, data)")
    a = ap.parse_args()
    c = compile_(a.scenario, {k: float(v) for k, v in (x.split("=", 1) for x in a.set)} or None)
    eng = make_engine(c, np.array([a.run]), a.seed, record=a.events)
    names = c.theatre.names
    pick = [i for i, n in enumerate(c.unit_names) if any(s.lower() in n.lower() for s in a.units)] or \
        list(np.flatnonzero(c.unit_op >= 0))
    for d in range(min(a.days, c.n_days)):
        eng.step(d)
        st = eng.st
        print(c.dates[d].isoformat())
        if a.events:
            for e in eng.log.events:
                if e.day == d:
                    extra = " ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}" for k, v in e.data.items())
                    unit = c.unit_names[e.unit] if e.unit >= 0 else ""
                    print(f"   * {e.kind.value:18s} {c.side_keys[e.side] if e.side >= 0 else '':10s} "
                          f"{names[e.place] if e.place >= 0 else '':18s} {e.value:8d} {unit} {extra}")
        for u in pick:
            nxt = st.nxt[0, u]
            where = names[st.loc[0, u]] + (f" -> {names[nxt]} {st.prog[0, u]:.0f} km" if nxt >= 0 else "")
            print(f"   {c.unit_names[u][:34]:34s} {UnitStatus(st.status[0, u]).name:9s} "
                  f"{UnitMode(st.mode[0, u]).name:8s} {where:55s} men {st.men[0, u]:6d} stock {st.stock[0, u]:4.1f}"
                  f"{' broken' if st.broken[0, u] else ''}")


if __name__ == "__main__":
    main()
