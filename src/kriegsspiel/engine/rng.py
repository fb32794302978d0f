"""One randomness policy: run k of root seed S draws from its own streams, whatever the batch.

Stream `name` of run k is ``SeedSequence(S, spawn_key=(k, STREAM_IDS[name]))`` — the child that
``SeedSequence(S).spawn`` gives run k, spawned once more per stream — fed to numpy's default PCG64
``Generator``. Each run draws the whole block of uniforms a stream needs for the campaign at once, so run
k's dice do not depend on batch size, worker count or backend, and adding a stream shifts no other.
"""

from __future__ import annotations

import numpy as np

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
}


def run_generator(root_seed: int, run: int, stream: str) -> np.random.Generator:
    ss = np.random.SeedSequence(int(root_seed), spawn_key=(int(run), STREAM_IDS[stream]))
    return np.random.Generator(np.random.PCG64(ss))


def draw_block(root_seed: int, runs: np.ndarray, stream: str, shape: tuple[int, ...]) -> np.ndarray:
    """Uniforms in [0, 1), float32, shape (len(runs), *shape): run k's row is the same in any batch."""
    out = np.empty((len(runs), *shape), dtype=np.float32)
    for i, k in enumerate(runs):
        run_generator(root_seed, int(k), stream).random(dtype=np.float32, out=out[i])   # same draws, no copy
    return out


class Streams:
    """The uniforms of a batch, one block per stream, sliced by day."""

    def __init__(self, root_seed: int, runs: np.ndarray, shapes: dict[str, tuple[int, ...]]):
        self.R = len(runs)
        self.blocks = {name: draw_block(root_seed, runs, name, shape) for name, shape in shapes.items()}

    def day(self, stream: str, d: int) -> np.ndarray:
        return self.blocks[stream][:, d]
