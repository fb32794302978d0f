"""Ground combat in the manner of Dupuy's QJM/TNDM: combat power, the engagement's outcome, attrition, advance.

Pure functions over numpy arrays of any (broadcastable) shape; no randomness is drawn here — callers pass
standard-normal draws ``z`` from their own stream. The same functions serve the campaign engine
(``engine.loop``) and the calibration on CDB90 (``validation``). Equations, units and sources:
docs/models/ground.md. Table values: data/parameters/ground.yaml.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from ..params import TERRAIN_COLS, WEATHER_COLS, Params

_T = {c: i for i, c in enumerate(TERRAIN_COLS)}
_W = {c: i for i, c in enumerate(WEATHER_COLS)}

# QJM posture index -> advance-rate table row: hasty (attack/hasty/delay/withdrawal), prepared, fortified
_ADVANCE_ROW = np.array([0, 0, 1, 2, 0, 0])


def category_factors(terrain_idx, weather_idx, p: Params):
    """Terrain x weather factors per weapon category: (infantry r_n, artillery r_wg h_wg, tanks r_wi h_wi,
    air r_wy h_wy) — NPW p. 228 (terrain) and p. 229 (weather)."""
    t = p.terrain[terrain_idx]
    w = p.weather[weather_idx]
    return (t[..., _T["infantry_weapons"]],
            t[..., _T["artillery"]] * w[..., _W["artillery"]],
            t[..., _T["tanks"]] * w[..., _W["tanks"]],
            t[..., _T["air"]] * w[..., _W["air"]])


def strength_from_factors(men, guns, tanks, sorties, factors, p: Params):
    """S from precomputed category factors (see `strength`)."""
    f_inf, f_art, f_tank, f_air = factors
    return (men * f_inf + p["guns_weight"] * guns * f_art + p["tanks_weight"] * tanks * f_tank
            + p["air_weight"] * sorties * f_air)


def strength(men, guns, tanks, sorties, terrain_idx, weather_idx, p: Params):
    """Force strength S (QJM 'S', in men-equivalents).

    S = men * r_n + w_g * guns * r_wg * h_wg + w_t * tanks * r_wi * h_wi + w_a * sorties * r_wy * h_wy
    with terrain factors r (NPW p. 228) and weather factors h (NPW p. 229) per weapon category; the weights
    w are the calibrated men-equivalents of a gun, a tank and a close-support sortie (Bracken 1995 form).
    """
    return strength_from_factors(men, guns, tanks, sorties, category_factors(terrain_idx, weather_idx, p), p)


def mobility_factor(att_men, att_vehicles, att_armour, def_men, def_vehicles, def_armour, terrain_idx, weather_idx,
                    p: Params):
    """QJM mobility factor m of the attacker (NPW; F02 qjm/wargame.py; manoeuvre.yaml `mobility_factor`):

    M = sqrt( [(N + w_J J + W_i) / N]_attacker / [(N + w_J J + W_i) / N]_defender ),
    m = M - (1 - r_m h_m) (M - 1)

    with N men, J motor vehicles, W_i armour (men-equivalents), w_J the vehicle weight, and the terrain and weather
    mobility factors r_m, h_m pulling m back toward 1 in close country and bad weather."""
    w = p["manoeuvre.mobility_factor.vehicle_weight"]
    att = (att_men + w * att_vehicles + att_armour) / np.maximum(att_men, 1.0)
    dfn = (def_men + w * def_vehicles + def_armour) / np.maximum(def_men, 1.0)
    big_m = np.sqrt(att / dfn)
    rh = p.terrain[terrain_idx][..., _T["mobility"]] * p.weather[weather_idx][..., _W["mobility"]]
    return big_m - (1.0 - rh) * (big_m - 1.0)


def power_ratio(att_strength, def_strength, att_quality, def_quality, posture_idx, terrain_idx, weather_idx,
                season_attack, surprise_idx, att_supply, def_supply, p: Params, surprise_decay=1.0,
                air_superiority=0.0, mobility=1.0):
    """P_a / P_d: QJM combat power P = S x V x CEV (Dupuy, NPW; qjm_tndm.yaml `combat_power`).

    Attacker V: mobility factor m (`mobility`, 1 where unknown) x weather attack factor h_u x season z_u x
    surprise; defender V: posture u_s x terrain
    defence-position r_u (defensive postures only). `*_supply` are the supply multipliers in (0, 1].
    Surprise's effect declines linearly to nothing over three days (day 1 full, day 2 two-thirds, day 3
    one-third; F02 wargame.py, unverified): `surprise_decay` in [0, 1] scales the excess of the factor over 1.
    `air_superiority` (CDB90 AEROA: +1 the attacker holds it, -1 the defender, 0 neither; fractions allowed)
    multiplies the attacker's power by air_superiority_power ** air_superiority (QJM air-superiority
    factors w_y, reduced to one calibrated multiplier; default 0 = no effect).
    """
    posture_idx = np.asarray(posture_idx)
    defending = posture_idx > 0
    r_u = np.where(defending, p.terrain[terrain_idx][..., _T["defence_position"]], 1.0)
    p_att = att_strength * att_quality * mobility * p.weather[weather_idx][..., _W["attack"]] * season_attack \
        * (1.0 + (p.surprise_power[surprise_idx] - 1.0) * surprise_decay) * att_supply
    if np.any(np.asarray(air_superiority) != 0):
        p_att = p_att * p["air_superiority_power"] ** np.asarray(air_superiority, dtype=float)
    p_def = def_strength * def_quality * p.posture_strength[posture_idx] * r_u * def_supply
    return p_att / np.maximum(p_def, 1e-9)


def success_probability(ratio, p: Params):
    """P(attacker prevails) = Phi((ln ratio - ln_threshold) / outcome_sigma)."""
    return ndtr((np.log(np.maximum(ratio, 1e-12)) - p["ln_threshold"]) / p["outcome_sigma"])


def attacker_prevails(ratio, z, p: Params):
    """The engagement's outcome for a standard-normal draw z (stream `combat`)."""
    return np.log(np.maximum(ratio, 1e-12)) + p["outcome_sigma"] * z > p["ln_threshold"]


def _interp_log(x, xs, ys):
    return np.interp(np.log(np.maximum(x, 1e-9)), np.log(np.maximum(xs, 1.0e-9)), ys)


def size_factor(men, p: Params):
    """QJM size factor (F01 'Casualty rates'): 2.0 for the smallest force, 1.5 at 5,000 men ... 0.6 at
    100,000; interpolated in ln(men) (a choice of this project: the table gives points only)."""
    return _interp_log(np.maximum(men, 1.0), np.maximum(p.size_men, 1.0), p.size_factor)


def opposition_factor(own_over_enemy, p: Params):
    """Opposition factor (F02's TNDM-style table, ground.yaml): 2.5 at own/enemy power 0.1 ... 0.45 at 6, falling
    on to 0.15 at 24 (no flat cap at 3:1); log-interpolated, flat outside."""
    return _interp_log(own_over_enemy, p.opp_ratio, p.opp_factor)


def daily_rates(ratio, att_men, def_men, posture_idx, terrain_idx, weather_idx, surprise_idx, insensitive,
                att_won, p: Params, main_effort=False, surprise_decay=1.0):
    """Expected daily loss rates (share of men per day) of attacker and defender.

    QJM attrition (Lawrence 1996): rate = standard rate (2.8 % attacker, 1.5 % defender) x size factor x
    mission/posture factor x opposition factor x terrain and weather casualty factors (TNDM columns, F02) x the
    surprise vulnerability factors (the surprised defender's up, the surprising attacker's down; F01/F02),
    x the TNDM x2.5 multiplier when a casualty-insensitive side fights (Lawrence 1997). The calibrated
    scales and exponents (ground.yaml `engagement`) and the loser multiplier (Dupuy's verity 3) are applied
    on top, and in a campaign the era's casualty factors (era_rates.yaml: the Second World War's CDB90 battles
    lost about 0.7 of the pooled model). Both rates are capped at `max_daily_rate`.
    """
    env = p.terrain[terrain_idx][..., _T["casualties"]] * p.weather[weather_idx][..., _W["casualties"]]
    mult = np.where(insensitive, p["casualty_insensitive_multiplier"], 1.0)
    k_s, k_o, loser = p["size_exponent"], p["opposition_exponent"], p["loser_rate_multiplier"]
    mission = np.where(main_effort, p["main_effort_attacker"], 1.0)
    # the era's factors (validation.era_rates; 1 in the CDB90 calibration, set per scenario by compile_scenario)
    r_att = (p["attacker_standard_rate"] * p["attacker_rate_scale"] * p["era_rates.applied.attacker"] * mission
             * (1.0 + (p.surpriser_vuln[surprise_idx] - 1.0) * surprise_decay)
             * size_factor(att_men, p) ** k_s * opposition_factor(ratio, p) ** k_o
             * env * mult * np.where(att_won, 1.0, loser))
    r_def = (p["defender_standard_rate"] * p["defender_rate_scale"] * p["era_rates.applied.defender"]
             * p.posture_casualties[posture_idx]
             * (1.0 + (p.surprise_vuln[surprise_idx] - 1.0) * surprise_decay)
             * size_factor(def_men, p) ** k_s * opposition_factor(1.0 / np.maximum(ratio, 1e-9), p) ** k_o
             * env * mult * np.where(att_won, loser, 1.0))
    cap = p["max_daily_rate"]
    return np.minimum(r_att, cap), np.minimum(r_def, cap)


def loss_noise(z, p: Params):
    """Multiplicative noise on expected losses: LogNormal(-s^2/2, s), mean 1 (s = casualty_sigma)."""
    s = p["casualty_sigma"]
    return np.exp(s * z - 0.5 * s * s)


def engagement_losses(men, rate, days, p: Params):
    """Expected losses over an engagement of `days` days at a daily rate declining by `daily_decline` a day.

    losses = men * (1 - prod_{d<days} (1 - rate * (1 - decline)^d)); fractional last day pro rata
    (QJM: losses scale linearly below a day, F02). Dupuy verity 13 gives the decline.
    """
    days = np.asarray(days, dtype=float)
    decline = p["daily_decline"]
    n_max = int(np.ceil(np.max(days))) if days.size else 0
    survive = np.ones(np.broadcast(men, rate, days).shape)
    for d in range(n_max):
        frac = np.clip(days - d, 0.0, 1.0)
        survive = survive * (1.0 - frac * rate * (1.0 - decline) ** d)
    return men * (1.0 - survive)


def advance_km(ratio, posture_idx, mobility_idx, terrain_idx, weather_idx, p: Params):
    """QJM opposed advance rate, km/day (F01 'Advance rates'): band of P/P x defender posture x force type,
    times the terrain advance factor and the weather mobility factor. 0 below P/P 1.0 (the table starts there).
    `mobility_idx` 0..3 = infantry, mechanised, armoured, horse cavalry."""
    band = np.searchsorted(p.advance_pp, ratio, side="right") - 1
    row = _ADVANCE_ROW[np.asarray(posture_idx)]
    mob = np.minimum(mobility_idx, 3)
    base = np.where(band >= 0, p.advance[row, mob, np.maximum(band, 0)], 0.0)
    t = p.terrain[terrain_idx]
    tf = np.where(np.isin(mob, (2, 3)), t[..., _T["advance_armour"]], t[..., _T["advance_infantry"]])
    return base * tf * p.weather[weather_idx][..., _W["mobility"]]
