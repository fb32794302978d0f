"""Amphibious landings: lift per day, the shoreline vulnerability factor, fog and sea state, beach supply.

Pure functions; the assault itself is fought with the ground model (models/ground.py) by the engine's joint
phase, with the attacker's casualty rate multiplied by the shoreline factor v_r. Parameters: joint.yaml
(`amphibious`, `ship_classes`); docs/models/amphibious.md.
"""

from __future__ import annotations

import numpy as np


def lift_men_per_day(ships, daihatsu, shohatsu, daihatsu_men: float, shohatsu_men: float, waves: float):
    """Men put ashore per day by the landing craft the ships carry: (Daihatsu x 70 + Shohatsu x 30) x waves
    (F39, F40). ships: (..., K); daihatsu, shohatsu: (K,) craft per ship."""
    per_ship = np.asarray(daihatsu, float) * daihatsu_men + np.asarray(shohatsu, float) * shohatsu_men
    return (ships * per_ship).sum(axis=-1) * waves


def shoreline_factor(neutralised, table: dict):
    """QJM shoreline vulnerability v_r (F02): the defender's small-arms fire on the beach (table 'undisturbed')
    falls toward the medium-artillery row ('neutralised') as bombardment neutralises the defence (0..1)."""
    return table["undisturbed"] - np.clip(neutralised, 0.0, 1.0) * (table["undisturbed"] - table["neutralised"])


def in_fog_belt(lat, lon, p: dict):
    """Places where Kuril/Kamchatka/Okhotsk summer fog can stop a landing (joint.yaml amphibious, ASSUMPTION)."""
    return (np.asarray(lat) >= p["fog_belt_min_lat"]) & (np.asarray(lon) >= p["fog_belt_min_lon"])


def can_land(u, fog_belt, heavy_weather, fog_chance: float):
    """A landing goes in today unless fog (draw u < fog_chance in the fog belt) or heavy weather (sea state)."""
    return ~((fog_belt & (u < fog_chance)) | heavy_weather)


def beach_supply_t(lcc_equivalents, port_taken, beach_t: float, port_t: float):
    """Tonnes a day reaching a beachhead: over the beach by the lift, or through a captured port."""
    return np.where(port_taken, port_t, lcc_equivalents * beach_t)
