"""Integer losses and their split (models/casualties.py): unbiased rounding, never more than the men, exact
conservation killed + wounded + missing == losses; shares from casualties.yaml."""

import numpy as np
import pytest

from kriegsspiel.models import casualties as cas
from kriegsspiel.params import default_params

P = default_params()


@pytest.mark.parametrize("x,u,want", [(2.3, 0.0, 2), (2.3, 0.69, 2), (2.3, 0.71, 3), (5.0, 0.999, 5), (0.0, 0.5, 0)])
def test_stochastic_round_hand_values(x, u, want):
    # floor(x + u)
    assert cas.stochastic_round(np.array(x), np.array(u)) == want


def test_stochastic_round_is_unbiased_and_integer():
    rng = np.random.default_rng(11)
    x = np.full(200_000, 3.37)
    r = cas.stochastic_round(x, rng.random(x.shape))
    assert r.dtype == np.int64 and set(np.unique(r)) == {3, 4}
    assert r.mean() == pytest.approx(3.37, abs=0.005)


def test_allocate_never_more_than_men():
    rng = np.random.default_rng(12)
    expected = rng.uniform(0, 3000, (40, 9))
    men = rng.integers(0, 2000, (40, 9))
    got = cas.allocate(expected, men, rng.random((40, 9)))
    assert (got <= men).all() and (got >= 0).all()
    below = expected < men - 1
    assert (np.abs(got - expected)[below] < 1).all()      # rounding only where the men suffice


def test_split_conserves_for_random_shares_and_losses():
    rng = np.random.default_rng(2024)
    for _ in range(20):
        R, U = rng.integers(1, 30, 2)
        losses = rng.integers(0, 100_000, (R, U))
        shares = rng.dirichlet(np.ones(3), (R, U))
        k, w, m = cas.split(losses, shares, rng.random((R, U, 2)))
        assert np.array_equal(k + w + m, losses)
        assert (k >= 0).all() and (w >= 0).all() and (m >= 0).all()
        assert k.dtype.kind == w.dtype.kind == m.dtype.kind == "i"


@pytest.mark.parametrize("shares,which", [((1.0, 0.0, 0.0), 0), ((0.0, 1.0, 0.0), 1), ((0.0, 0.0, 1.0), 2)])
def test_split_pure_shares_go_to_one_category(shares, which):
    losses = np.array([[0, 1, 17, 12345]])
    parts = cas.split(losses, np.broadcast_to(np.array(shares), (1, 4, 3)), np.full((1, 4, 2), 0.999))
    for i, part in enumerate(parts):
        assert np.array_equal(part, losses if i == which else np.zeros_like(losses))


def test_split_of_empty_and_zero_losses():
    k, w, m = cas.split(np.zeros((0, 5), np.int64), np.zeros((0, 5, 3)), np.zeros((0, 5, 2)))
    assert k.shape == w.shape == m.shape == (0, 5)
    zero = np.zeros((3, 4), np.int64)
    parts = cas.split(zero, np.full((3, 4, 3), 1 / 3), np.random.default_rng(0).random((3, 4, 2)))
    assert all(np.array_equal(p, zero) for p in parts)


def test_split_matches_the_tables_shares_on_average():
    # soviet rout (casualties.yaml): 0.13 : 0.32 : 0.55
    rng = np.random.default_rng(5)
    shares = P.split[0, 1]
    losses = rng.integers(0, 300, (200, 50))
    k, w, m = cas.split(losses, np.broadcast_to(shares, (200, 50, 3)), rng.random((200, 50, 2)))
    total = losses.sum()
    assert [k.sum() / total, w.sum() / total, m.sum() / total] == pytest.approx(list(shares), abs=0.005)


def test_casualty_tables_are_shares_summing_to_one():
    assert P.split.shape[-1] == 3
    assert np.allclose(P.split.sum(axis=-1), 1.0) and (P.split >= 0).all()
