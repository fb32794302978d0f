"""Record every output of the engine for a set of scenarios and seeds, or compare two recordings.

    python tools/golden.py record DIR        # JSON of single runs (with chronology) and ensemble rows
    python tools/golden.py compare DIR1 DIR2 # byte-level comparison, file by file

Used around engine refactors: a change that must not alter results is checked by recording before and
after and comparing; a change that alters them on purpose (a new dice policy) shows which files moved.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ["operation-otsu", "lake-khasan-1938", "khalkhin-gol-1939",
             str(ROOT / "tests/scenarios/mini.yaml"), str(ROOT / "tests/joint/joint_mini.yaml")]
SEEDS = (0, 1, 2)


def _name(s: str) -> str:
    return Path(s).stem


def record(out: Path) -> None:
    from kriegsspiel.api import load_scenario, run
    from kriegsspiel.ensemble.batch import EnsembleSpec, run_columns

    out.mkdir(parents=True, exist_ok=True)
    for s in SCENARIOS:
        for seed in SEEDS:
            d = run(s, seed=seed).to_dict()
            d.pop("provenance", None)
            (out / f"{_name(s)}-run-{seed}.json").write_text(json.dumps(d, indent=1, sort_keys=True, default=str))
        loaded = load_scenario(s)
        spec = EnsembleSpec(str(loaded.path.resolve()), loaded.sha256, 3)
        for batch in (64, 7):
            parts = [run_columns(spec, np.arange(a, min(64, a + batch))) for a in range(0, 64, batch)]
            cols = {k: np.concatenate([p[k] for p in parts]).tolist() for k in parts[0]}
            (out / f"{_name(s)}-rows-b{batch}.json").write_text(json.dumps(cols, sort_keys=True, default=str))


def compare(a: Path, b: Path) -> int:
    bad = 0
    for f in sorted(a.iterdir()):
        g = b / f.name
        if not g.exists():
            print(f"missing {f.name}")
            bad += 1
            continue
        ha, hb = (hashlib.sha256(x.read_bytes()).hexdigest() for x in (f, g))
        if ha != hb:
            print(f"differs {f.name}")
            bad += 1
    print(f"{bad} of {len(list(a.iterdir()))} files differ")
    return bad


if __name__ == "__main__":
    if sys.argv[1] == "record":
        record(Path(sys.argv[2]))
    else:
        sys.exit(1 if compare(Path(sys.argv[2]), Path(sys.argv[3])) else 0)
