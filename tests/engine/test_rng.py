"""Dice by counter: the bits are Philox4x64-10's (checked against numpy's own Philox), a draw depends only on
its address, and seeds out of range are refused."""

import numpy as np
import pytest

from kriegsspiel.engine.rng import STREAM_IDS, Dice, philox4x64, seed_key


def _numpy_philox_block(counter, key):
    """numpy's Philox increments the counter before each block: start one below to get block `counter`."""
    c = list(counter)
    c[0] = (c[0] - 1) % 2**64
    bg = np.random.Philox(counter=np.array(c, dtype=np.uint64), key=np.array(key, dtype=np.uint64))
    return [int(x) for x in bg.random_raw(4)]


@pytest.mark.parametrize("counter,key", [
    ((1, 0, 0, 0), (0, 0)),
    ((7, (3 << 32) + 12, 181, 5), (2**64 - 1, 17)),
    ((2**63 + 5, 2**40, 2**33 + 1, 2**17), (123456789, 2**63)),
])
def test_bits_equal_numpy_philox(counter, key):
    ours = philox4x64(*(np.uint64(x) for x in counter), *(np.uint64(x) for x in key))
    assert [int(x) for x in ours] == _numpy_philox_block(counter, key)


def test_uniform_conversion_matches_numpy_random():
    # numpy's Generator.random() on Philox takes (x >> 11) * 2**-53 of successive outputs
    key = (99, 0)
    # counter all ones: numpy's increment (with carry) makes the first block counter (0, 0, 0, 0)
    g = np.random.Generator(np.random.Philox(counter=np.array([2**64 - 1] * 4, dtype=np.uint64),
                                             key=np.array(key, dtype=np.uint64)))
    want = g.random(4)
    x = philox4x64(np.uint64(0), np.uint64(0), np.uint64(0), np.uint64(0), np.uint64(99), np.uint64(0))
    got = [(int(v) >> 11) * 2.0**-53 for v in x]
    assert np.array_equal(want, got)


def test_a_draw_depends_only_on_its_address():
    big = Dice(5, np.arange(10))
    small = Dice(5, np.array([7, 3]))
    a = big.draw("split", 4, [9, 2, 40], k=6, salt=3)
    b = small.draw("split", 4, [40, 9], k=6, salt=3)
    assert np.array_equal(a[7, [2, 0]], b[0]) and np.array_equal(a[3, [2, 0]], b[1])
    pairs = big.draw_pairs("split", 4, rows=[7, 3], items=[40, 2], k=6, salt=3)
    assert np.array_equal(pairs[0], a[7, 2]) and np.array_equal(pairs[1], a[3, 1])


def test_streams_days_salts_and_seeds_differ():
    d = Dice(1, np.arange(3))
    base = d.draw("combat", 0, np.arange(50))
    assert 0.0 <= base.min() and base.max() < 1.0
    for other in (d.draw("casualties", 0, np.arange(50)), d.draw("combat", 1, np.arange(50)),
                  d.draw("combat", 0, np.arange(50), salt=1), Dice(2, np.arange(3)).draw("combat", 0, np.arange(50))):
        assert not np.array_equal(base, other)
    assert len(set(STREAM_IDS.values())) == len(STREAM_IDS)


def test_uniformity_and_independence():
    u = Dice(0, np.arange(2000)).all("weather", 3, 50, k=2)
    assert abs(u.mean() - 0.5) < 0.005 and abs(u.var() - 1 / 12) < 0.002
    assert abs(np.corrcoef(u[..., 0].ravel(), u[..., 1].ravel())[0, 1]) < 0.01


@pytest.mark.parametrize("seed", [-1, 2**128])
def test_seed_out_of_range(seed):
    with pytest.raises(ValueError):
        seed_key(seed)
