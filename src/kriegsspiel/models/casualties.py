"""Personnel losses as integers, split into killed, wounded and missing, conserving men exactly.

Shares by behaviour (soviet / japanese / western) and circumstance (normal, rout, encircled, destroyed) are
in data/parameters/casualties.yaml with their sources; docs/models/casualties.md.
"""

from __future__ import annotations

import numpy as np


def stochastic_round(x, u):
    """floor(x + u) for u ~ U[0,1): an integer whose mean is x (unbiased rounding)."""
    return np.floor(x + u).astype(np.int64)


def allocate(expected, men, u):
    """Integer losses per unit from its expected (float) losses, never more than its men.

    expected: (R, U) float; men: current men (R, U) int; u: uniforms (R, U) for the rounding.
    """
    return np.minimum(stochastic_round(expected, u), men)


def split(losses, shares, u2):
    """Split integer losses (R, U) into killed, wounded, missing with shares (R, U, 3) summing to 1.

    killed and missing are rounded stochastically (uniforms u2 (R, U, 2)); wounded takes the remainder, so
    killed + wounded + missing == losses exactly.
    """
    killed = np.minimum(stochastic_round(losses * shares[..., 0], u2[..., 0]), losses)
    missing = np.minimum(stochastic_round(losses * shares[..., 2], u2[..., 1]), losses - killed)
    wounded = losses - killed - missing
    return killed, wounded, missing
