"""The kernels give the same results compiled (numba) and interpreted (plain Python): kriegsspiel.jit."""

import json
import os
import subprocess
import sys

import pytest

from kriegsspiel import jit
from kriegsspiel.scenario.bundled import list_scenarios

# the final state of every field of State and JointState, hashed per scenario (three runs, seed 7); supply_gone and
# iso_days are day-to-day bookkeeping of the supply phase, not outcomes
FINGERPRINTS = r"""
import hashlib, json, sys
from dataclasses import fields, is_dataclass
import numpy as np
from kriegsspiel import jit
from kriegsspiel.api import compile as compile_
from kriegsspiel.engine.loop import simulate

def walk(obj, h):
    for f in fields(obj):
        v = getattr(obj, f.name)
        if is_dataclass(v):
            walk(v, h)
        elif isinstance(v, np.ndarray) and f.name not in ("supply_gone", "iso_days"):
            h.update(f.name.encode())
            h.update(np.ascontiguousarray(v).tobytes())

out = {"compiled": jit.compiled()}
for name in sys.argv[1].split(","):
    h = hashlib.sha256()
    walk(simulate(compile_(name), np.arange(3), 7).st, h)
    out[name] = h.hexdigest()
print(json.dumps(out))
"""


def _run(code_or_args: list[str], compiled: bool) -> subprocess.CompletedProcess:
    env = dict(os.environ, KRIEGSSPIEL_JIT="1" if compiled else "0")
    return subprocess.run([sys.executable, *code_or_args], capture_output=True, text=True, env=env, check=True)


def test_every_bundled_scenario_ends_in_the_same_state_compiled_and_interpreted():
    names = ",".join(s["name"] for s in list_scenarios())
    assert names.count(",") >= 10
    both = [json.loads(_run(["-c", FINGERPRINTS, names], compiled).stdout) for compiled in (True, False)]
    assert both[0].pop("compiled") is True and both[1].pop("compiled") is False
    assert both[0] == both[1]


@pytest.mark.parametrize("scenario", ["operation-otsu", "khalkhin-gol-1939"])
def test_a_single_run_reports_the_same_events_compiled_and_interpreted(scenario):
    args = ["-m", "kriegsspiel.cli", "run", scenario, "--seed", "3", "--format", "json"]
    out = [_run(args, compiled).stdout for compiled in (True, False)]
    assert json.loads(out[0])["events"] and out[0] == out[1]


def test_interpreted_kernels_are_plain_python_and_wrap_integers_silently():
    code = ("from kriegsspiel import jit; jit.use_interpreted(); import numpy as np, warnings;"
            "warnings.simplefilter('error');"
            "from kriegsspiel.engine import rng; f = rng._mulhilo;"
            "print(hasattr(f, 'py_func'), type(f).__name__, *map(int, f(np.uint64(2**63 + 5), np.uint64(4))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[:2] == ["True", "function"]
    assert out[2:] == ["2", "20"]          # (2**63 + 5) x 4 = 2**65 + 20: high word 2, low word 20


def test_run_chooses_interpreted_kernels_unless_the_environment_chose():
    code = ("import os, sys; from kriegsspiel import jit; print(jit.prefer_interpreted());"
            "import kriegsspiel.engine.loop; print(jit.compiled(), jit.kernels_built())")
    env = {k: v for k, v in os.environ.items() if k != "KRIEGSSPIEL_JIT"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == ["False", "False", "True"]
    assert _run(["-c", code], True).stdout.split() == ["True", "True", "True"]
    assert _run(["-c", code], False).stdout.split() == ["False", "False", "True"]


def test_use_interpreted_refuses_once_the_engine_is_compiled():
    import kriegsspiel.engine.loop  # noqa: F401 - the engine is loaded, compiled, in the test process
    if not jit.compiled():
        pytest.skip("the test process itself runs interpreted")
    with pytest.raises(RuntimeError, match="before the engine is imported"):
        jit.use_interpreted()
