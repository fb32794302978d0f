"""Dice by counter: every uniform of a campaign has an address, and nothing else decides its value.

The uniform ``k`` of item ``item`` (a place, a unit, an operation) drawn from stream ``stream`` on day ``day`` of
run ``run`` under root seed ``S`` is output ``k mod 4`` of Philox4x64-10 (Salmon, Moraes, Dror & Shaw, "Parallel
random numbers: as easy as 1, 2, 3", SC'11; the generator behind ``numpy.random.Philox``) with

    key     = (S mod 2**64, S // 2**64)
    counter = (run, STREAM_IDS[stream] * 2**32 + day, item, salt * 2**16 + k // 4)

converted to a double in [0, 1) as numpy does: ``(x >> 11) * 2**-53``. ``salt`` tells apart two draws of one
stream on one day for the same item (two targets of a raid, say). So run k's dice depend on nothing but
(S, k): not on the batch, its order, the worker, the backend, or which other items happened to be drawn — a
phase draws only for the units and places that need dice today. tests/engine/test_rng.py checks the bits
against numpy's own Philox.

Seed policy (since engine v2): root seeds are integers in [0, 2**128); run k of seed S is the same in every
batch and on every backend. Results made under the earlier policy (a PCG64 stream per run and stream, drawn
up front) are not reproduced by this version.
"""

from __future__ import annotations

import numpy as np

from ..jit import njit

# Fixed ids: never renumber (that would change every run's dice); append new streams at the end.
STREAM_IDS = {
    "weather": 0,
    "combat": 1,
    "casualties": 2,
    "rounding": 3,
    "split": 4,
    "doctrine": 5,
    "naval": 6,
    "air": 7,
    "airborne": 8,
    "amphibious": 9,
    "riverine": 10,
    "supply": 11,
    "pocket": 12,
    "siege": 13,
    "overrun": 14,
    "pursuit": 15,
    "army": 16,
}

MAX_SEED = 2**128 - 1
_M0 = np.uint64(0xD2E7470EE14C6C93)      # Philox4x64 multipliers (Random123 philox.h)
_M1 = np.uint64(0xCA5A826395121157)
_W0 = np.uint64(0x9E3779B97F4A7C15)      # Weyl key increments: golden ratio, sqrt(3) - 1
_W1 = np.uint64(0xBB67AE8584CAA73B)
_LO32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0      # 2**-53


@njit(inline="always")
def _mulhilo(a, b):
    """(high, low) 64-bit words of the 128-bit product a * b (uint64)."""
    a_lo, a_hi = a & _LO32, a >> _S32
    b_lo, b_hi = b & _LO32, b >> _S32
    p0, p1, p2, p3 = a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi
    mid = (p0 >> _S32) + (p1 & _LO32) + (p2 & _LO32)
    return p3 + (p1 >> _S32) + (p2 >> _S32) + (mid >> _S32), a * b


@njit
def philox4x64(c0, c1, c2, c3, k0, k1):
    """Philox4x64-10 of counter (c0, c1, c2, c3) under key (k0, k1): four uint64."""
    for i in range(10):
        if i > 0:
            k0 = k0 + _W0
            k1 = k1 + _W1
        hi0, lo0 = _mulhilo(_M0, c0)
        hi1, lo1 = _mulhilo(_M1, c2)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return c0, c1, c2, c3


@njit
def _fill(k0, k1, runs, c1, items, salt, out):
    """out[r, i, j] = uniform j of item items[i] for run runs[r] (stream and day folded into c1)."""
    K = out.shape[2]
    for r in range(out.shape[0]):
        for i in range(out.shape[1]):
            for b in range((K + 3) // 4):
                x = philox4x64(runs[r], c1, items[i], (salt << np.uint64(16)) + np.uint64(b), k0, k1)
                for j in range(min(4, K - 4 * b)):
                    out[r, i, 4 * b + j] = (x[j] >> _S11) * _TO_UNIT


@njit
def _fill_pairs(k0, k1, runs, rows, c1, items, salt, out):
    """out[n, j] = uniform j of item items[n] for run runs[rows[n]]."""
    K = out.shape[1]
    for n in range(out.shape[0]):
        for b in range((K + 3) // 4):
            x = philox4x64(runs[rows[n]], c1, items[n], (salt << np.uint64(16)) + np.uint64(b), k0, k1)
            for j in range(min(4, K - 4 * b)):
                out[n, 4 * b + j] = (x[j] >> _S11) * _TO_UNIT


def seed_key(seed: int) -> tuple[np.uint64, np.uint64]:
    seed = int(seed)
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"a root seed is an integer in [0, 2**128), got {seed}")
    return np.uint64(seed & (2**64 - 1)), np.uint64(seed >> 64)


class Dice:
    """The uniforms of a batch of runs, computed on demand from their addresses (module docstring)."""

    def __init__(self, root_seed: int, runs):
        self.k0, self.k1 = seed_key(root_seed)
        self.runs = np.asarray(runs, dtype=np.int64).astype(np.uint64)
        self.R = len(self.runs)

    def _c1(self, stream: str, day: int) -> np.uint64:
        return np.uint64((STREAM_IDS[stream] << 32) + int(day))

    def draw(self, stream: str, day: int, items, k: int = 1, salt: int = 0) -> np.ndarray:
        """(R, len(items), k) uniforms of the items `items` for every run of the batch."""
        items = np.ascontiguousarray(items, dtype=np.int64).astype(np.uint64)
        out = np.empty((self.R, len(items), k))
        if out.size:
            _fill(self.k0, self.k1, self.runs, self._c1(stream, day), items, np.uint64(salt), out)
        return out

    def draw_pairs(self, stream: str, day: int, rows, items, k: int = 1, salt: int = 0) -> np.ndarray:
        """(n, k) uniforms of item items[n] for the run in batch row rows[n]: only the pairs that need dice."""
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        items = np.ascontiguousarray(items, dtype=np.int64).astype(np.uint64)
        out = np.empty((len(rows), k))
        if out.size:
            _fill_pairs(self.k0, self.k1, self.runs, rows, self._c1(stream, day), items, np.uint64(salt), out)
        return out

    def all(self, stream: str, day: int, n: int, k: int = 1, salt: int = 0) -> np.ndarray:
        """(R, n, k) uniforms of items 0..n-1 (every place, every unit) for every run."""
        return self.draw(stream, day, np.arange(n), k, salt)
