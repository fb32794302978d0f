"""Airborne operations: lift, transport losses, landing losses, the holding fight's arithmetic, air supply.

Pure functions; the seizure and the holding fight use the ground model in the engine's joint phase.
Parameters: joint.yaml (`airborne`); figures from airborne.yaml summary rules; docs/models/airborne.md.
"""

from __future__ import annotations

import numpy as np


def lift_men(transports, paratroops_per_aircraft, sorties_per_day: float):
    """Paratroops one day's lift carries: transports x men per aircraft x sorties (F46, F47, F48)."""
    return transports * paratroops_per_aircraft * sorties_per_day


def landing_loss_share(u, defended, away: tuple, near: tuple):
    """Share of the dropped men lost in the air and on landing: uniform in [0.05, 0.15] away from defenders,
    [0.3, 0.7] on or near alert defenders (airborne.yaml summary_rules, estimate). u: uniforms."""
    lo = np.where(defended, near[0], away[0])
    hi = np.where(defended, near[1], away[1])
    return lo + u * (hi - lo)


def transports_lost(sorties, loss_per_sortie):
    """Expected transports shot down."""
    return sorties * loss_per_sortie


def air_supply_fill(transports, cargo_t, share: float, demand_t):
    """Share of the dropped force's daily demand met by air: transports x share x cargo / demand (<= 1)."""
    return np.minimum(1.0, transports * share * cargo_t / np.maximum(demand_t, 1e-9))
