"""Riverine operations: flotilla against flotilla, crossing capacity, the river-crossing factor.

Pure functions; the crossing assault is fought with the ground model by the engine's joint phase with the
attacker's casualty rate multiplied by the QJM river factor v_r. Parameters: joint.yaml (`riverine`);
docs/models/riverine.md.
"""

from __future__ import annotations

import numpy as np


def duel(own_kg, enemy_kg, k: float):
    """One day's flotilla engagement (Lanchester square law on broadside weight): the share of each side's craft
    disabled is k x enemy broadside / own broadside, capped at 0.5. Returns (own share lost, enemy share lost)."""
    own = np.maximum(own_kg, 1e-9)
    enemy = np.maximum(enemy_kg, 1e-9)
    lost_own = np.where(enemy_kg > 0, np.minimum(0.5, k * enemy / own), 0.0)
    lost_enemy = np.where(own_kg > 0, np.minimum(0.5, k * own / enemy), 0.0)
    return np.where(own_kg > 0, lost_own, 0.0), np.where(enemy_kg > 0, lost_enemy, 0.0)


def crossing_men_per_day(craft, transport_lift, men_per_craft: float, trips: float):
    """Men ferried across per day: river craft x 75 men (F37: 6,000 men in 4 days by one brigade) plus river
    transports' lift x trips a day."""
    return craft * men_per_craft + transport_lift * trips


def river_factor(neutralised, table: dict):
    """QJM shoreline factor across a major unfordable river (F02), lowered by the flotilla's suppressive fire."""
    return table["undisturbed"] - np.clip(neutralised, 0.0, 1.0) * (table["undisturbed"] - table["neutralised"])
