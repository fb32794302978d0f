"""Compiled kernels: numba's `njit`, or the same Python functions run as they are.

The engine's hot loops are small functions over arrays decorated with `njit`. Compiled (the default), numba turns
them into machine code, cached on disk; a batch of runs spends most of its time in them. A process that simulates
one campaign and exits (`kriegsspiel run`) spends more on numba's start -- importing it and loading its cache,
about 0.45 s -- than the kernels save on one run, so it asks for the kernels as plain Python before any of them is
imported (`prefer_interpreted`, `use_interpreted`). The environment variable KRIEGSSPIEL_JIT=1 or 0 fixes the
choice for a whole process. The Python is the same source, run by the interpreter with numpy scalars, so the
results are the same bit for bit: tests/test_jit.py compares the final state of every bundled scenario both ways
(docs/performance.md).
"""

from __future__ import annotations

import functools
import os

import numpy as np

_ENV = "KRIEGSSPIEL_JIT"
# compiled: how kernels are built in this process (the environment's default, or use_interpreted); built: whether
# any kernel has been built yet (after that the choice is fixed: compiled kernels call the kernels they use)
_state = {"compiled": os.environ.get(_ENV, "1") != "0", "built": False}


def compiled() -> bool:
    """Whether kernels are compiled with numba in this process."""
    return _state["compiled"]


def kernels_built() -> bool:
    """Whether a kernel module has been imported yet (the choice can no longer change)."""
    return _state["built"]


def use_interpreted() -> None:
    """Run the kernels as plain Python in this process. Call it before the engine is imported; once a kernel has
    been built compiled, it refuses (a compiled kernel cannot call a Python one)."""
    if _state["built"] and _state["compiled"]:
        raise RuntimeError("use_interpreted() must be called before the engine is imported")
    _state["compiled"] = False


def prefer_interpreted() -> bool:
    """Interpreted kernels for this process unless the environment chose (KRIEGSSPIEL_JIT set) or a kernel is
    already built; returns whether kernels will be compiled."""
    if _ENV not in os.environ and not _state["built"]:
        _state["compiled"] = False
    return _state["compiled"]


_depth = [0]


def _interpreted(fn):
    """The Python function as it is; integer arithmetic on numpy scalars wraps round as numba's does, silently
    (numpy would warn of it: the outermost kernel call sets the error state for the calls inside it)."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        if _depth[0]:
            return fn(*args, **kwargs)
        _depth[0] += 1
        try:
            with np.errstate(over="ignore"):
                return fn(*args, **kwargs)
        finally:
            _depth[0] -= 1
    run.py_func = fn
    return run


def njit(fn=None, **options):
    """`numba.njit(cache=True, **options)`, or the function itself when kernels are interpreted."""
    def wrap(f):
        _state["built"] = True
        if not compiled():
            return _interpreted(f)
        import numba
        return numba.njit(cache=True, **options)(f)
    return wrap if fn is None else wrap(fn)
