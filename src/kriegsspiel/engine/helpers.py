"""Small array helpers and loss circumstances shared by the engine's phases."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from ..params import CIRCUMSTANCES

NORMAL, ROUT, ENCIRCLED, DESTROYED_C = (CIRCUMSTANCES.index(c) for c in ("normal", "rout", "encircled", "destroyed"))


def _normal(u):
    """Standard normals from uniforms (inverse CDF), clipped away from 0 and 1."""
    return ndtri(np.clip(np.asarray(u, dtype=np.float64), 1e-7, 1 - 1e-7))


def _scatter(R: int, P: int, idx, weights, mask):
    """Sum `weights` (R, U) into (R, P) by place index `idx` (R, U) where `mask`."""
    flat = (np.arange(R)[:, None] * P + np.where(mask, idx, 0)).ravel()
    return np.bincount(flat, weights=np.where(mask, weights, 0.0).ravel(), minlength=R * P).reshape(R, P)


def _scatter_flat(n: int, flat, weights, mask):
    """As _scatter, with the flat (run * P + place) indices `flat` (R, U) given; n = R * P. A masked-out unit adds
    0.0 to its own bin instead of bin 0 (the same sums)."""
    return np.bincount(flat.ravel(), weights=np.where(mask, weights, 0.0).ravel(), minlength=n)


def _at(x, flat):
    """x (R, P) gathered at flat (run * P + place) indices (R, U): take_along_axis(x, place, 1), faster."""
    return np.ravel(x).take(flat)
