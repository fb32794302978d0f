"""Naval forces, sea control, sea transit losses, shore bombardment and coastal artillery.

Pure functions over numpy arrays (any leading shape); no randomness is drawn here, callers pass uniforms
or normal draws from the `naval` stream. Parameters: data/parameters/joint.yaml (`ship_classes`,
`coastal_batteries`, `naval`); equations, units and sources: docs/models/naval.md.
"""

from __future__ import annotations

import numpy as np


def bombardment_t(ships, main_guns, shell_kg, rof_per_min, hours):
    """Tonnes of shell fired at a shore target in `hours` of sustained fire (F31: Kongo/Haruna 0.73 rounds per
    356 mm gun per minute; F33: Kirov class about 2): sum ships x guns x rof x 60 x hours x shell_kg / 1000."""
    per_ship_t = np.asarray(main_guns, float) * np.asarray(rof_per_min, float) * 60.0 * np.asarray(shell_kg, float) / 1000.0
    return (ships * per_ship_t).sum(axis=-1) * hours


def neutralisation(shell_t, neutral_t: float):
    """Share of a shore defence neutralised by `shell_t` tonnes: 1 - exp(-shell_t / neutral_t) (joint.yaml naval)."""
    return 1.0 - np.exp(-np.maximum(shell_t, 0.0) / neutral_t)


def bombardment_casualties(shell_t, fortified, casualties_per_t: float, fortified_factor: float):
    """Expected casualties among the defenders of a place: shell_t x casualties_per_t, x fortified_factor where
    the defence is fortified (casemates, F30). Estimate from Henderson Field (F31)."""
    return shell_t * casualties_per_t * np.where(fortified, fortified_factor, 1.0)


def transit_loss_share(days, enemy_subs, escorts, enemy_bomber_sorties, mined, p: dict):
    """Expected share of transports (and of the troops aboard, before rescue) lost on a passage of `days` days.

    submarines: per day 1 - (1 - k_sub x subs / (1 + escorts / escort_half)); mines: `mine_loss_defended_port` on the
    approach to a defended port; air: 1 - exp(-k_air x bomber sorties per day x days). All ASSUMPTION (joint.yaml).
    """
    lam_sub = np.minimum(p["sub_kill_per_sub_day"] * enemy_subs / (1.0 + escorts / p["escort_half"]), 0.5)
    keep = (1.0 - lam_sub) ** days
    keep = keep * (1.0 - np.where(mined, p["mine_loss_defended_port"], 0.0))
    keep = keep * np.exp(-p["air_kill_per_sortie"] * enemy_bomber_sorties * days)
    return 1.0 - keep


def coastal_hits(battery_guns, hours, hits_per_gun_hour: float, neutralised):
    """Expected hits scored by coastal guns in range on the bombarding ships: guns x hours x rate, reduced by
    the share of the defence the ships' fire has neutralised (0..1)."""
    return battery_guns * hours * hits_per_gun_hour * (1.0 - 0.5 * neutralised)


def ships_sunk(hits, ships, hits_to_sink):
    """Expected ships sunk per class (..., K) when `hits` (...) fall on the classes in proportion to their number;
    a class needs `hits_to_sink` (K,) hits per ship. Never more than there are."""
    total = np.maximum(ships.sum(axis=-1, keepdims=True), 1e-9)
    return np.minimum(ships, hits[..., None] * ships / total / np.asarray(hits_to_sink, float))


def sea_power(ships, broadside_per_class, kind_mask):
    """Broadside (kg) of the ships of the classes in `kind_mask` (K,) bool."""
    return (ships * (np.asarray(broadside_per_class, float) * kind_mask)).sum(axis=-1)
