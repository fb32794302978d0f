"""Air war: sorties, combat radius, losses to fighters and flak, bomb effects on rail, depots, troops, civilians.

Pure functions over arrays; callers pass the noise. Parameters: joint.yaml (`air`); docs/models/air.md.
The interdiction effect is a reduction of rail-edge capacity (theatre-models.md section 9.8) that the supply
model's widest path feels.
"""

from __future__ import annotations

import numpy as np


def sorties(aircraft, rate_per_day: float, serviceable: float, weather_air=1.0):
    """Effective sorties a day: aircraft x serviceable share x sortie rate x QJM weather air factor (ground.yaml)."""
    return aircraft * serviceable * rate_per_day * weather_air


def loss_per_sortie(defending_fighter_sorties, escort_sorties, defended, p: dict):
    """Share of raiding aircraft lost per sortie: flak over a defended target plus fighters,
    max_fighter_loss x x / (1 + x) with x = defending fighter sorties / (escort sorties + 1). ASSUMPTION (joint.yaml)."""
    x = defending_fighter_sorties / (escort_sorties + 1.0)
    return np.where(defended, p["flak_loss_per_sortie"], 0.0) + p["max_fighter_loss"] * x / (1.0 + x)


def halving_share(tonnes, t_half: float):
    """Share destroyed by `tonnes` when `t_half` tonnes destroy half: 1 - 0.5 ** (tonnes / t_half)."""
    return 1.0 - 0.5 ** (np.maximum(tonnes, 0.0) / t_half)


def civilian_losses(bombs_t, urban, p: dict):
    """(killed, wounded) among civilians: per tonne as in the USSBS European summary (unverified), x town_factor
    outside cities."""
    f = np.where(urban, 1.0, p["town_factor"])
    return bombs_t * p["civilians_killed_per_t"] * f, bombs_t * p["civilians_wounded_per_t"] * f


def great_circle_km(lat1, lon1, lat2, lon2):
    from ..world.network import great_circle_km as gc

    return gc(lat1, lon1, lat2, lon2)


def superiority_code(att_fighters, def_fighters, ratio: float):
    """Air superiority over a place for the side attacking it, coded as CDB90's `aeroa` (+1 the attacker holds
    it, -1 the defender, 0 neither) so that the calibrated ground model's `air_superiority_power` applies.

    A side holds it when its fighters within combat radius of the place outnumber the other's by `ratio`
    (joint.yaml `air_superiority_ratio`, ASSUMPTION); no fighters on either side gives 0."""
    att = np.asarray(att_fighters, dtype=float)
    dfn = np.asarray(def_fighters, dtype=float)
    return np.where(att > ratio * dfn, 1.0, np.where(dfn > ratio * att, -1.0, 0.0))
