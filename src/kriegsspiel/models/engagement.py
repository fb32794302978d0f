"""The engagement: one day's fight of an attacking force against the defenders of a place. The one place where
an engagement is decided, for ground assaults, landings, river crossings and airborne fights alike, and for the
calibration on CDB90 (validation).

Structure (docs/models/engagement.md):
1. Frontage. Only the men within the front fight: the attacker's engaged share is
   min(1, frontage x max attacker density / men) (it masses where it attacks); the defender's is
   min(1, frontage x deployed density / men) (it holds its whole sector at its usual density; manoeuvre.yaml,
   CDB90 densities).
   The rest are reserves that rotate in: they share the losses, not the day's combat power.
2. Combat-power ratio of the engaged forces, QJM P = S x V x CEV (models.ground.power_ratio; V includes the
   attackers' mobility factor against the defenders', models.ground.mobility_factor), with the
   attacker's power divided by shore ** power_exponent across a beach or river (QJM vulnerability v_r).
3. Outcome: the attacker prevails when ln ratio + outcome_sigma z > ln_threshold (ground.yaml, calibrated).
3b. Holding (NPW pp. 208-210): where the defender has prevailed for `defender_prevails_days` and the ratio is
   below the outcome threshold, the fight falls to holding: no outcome, both sides at the holding rate.
4. Losses: QJM/TNDM daily rates of the engaged men (models.ground.daily_rates: standard rate x size x posture
   x opposition x terrain x weather x surprise x ...), the attacker's times the shore factor, x the day's decline
   and the holding factor, x a mean-one lognormal noise per side, x the army's loss factor of the campaign (drawn
   once per run and side by the engine, 1 in CDB90); the realised rate at most `max_daily_rate`.
5. Breakthrough: the attacker prevails and the power ratio of all the attackers present against the defenders who
   reach the point of attack within the day -- those in the front and the reserve share of the rest (reserves rotate
   in and seal a penetration while they last; the rest hold their own stretch of the sector) -- is at least
   `breakthrough_ratio`, or `breakthrough_ratio_thin` against a line thinner than the holding density
   (manoeuvre.yaml). The same ratio decides a rout and a defender's counter-attack (engine/phases/ground.py).

Pure function over arrays of any common shape; the normals z are drawn by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..params import Params
from . import ground


@dataclass(frozen=True)
class Engagement:
    ratio: np.ndarray          # P_a / P_d of the engaged forces
    force_ratio: np.ndarray    # P_a / P_d of all the attackers and the defenders who reach the point of attack
    won: np.ndarray            # the attacker prevails today
    holding: np.ndarray        # the fight has fallen to holding (no outcome; both sides at the holding rate)
    breakthrough: np.ndarray   # ... and breaks the defence
    att_loss: np.ndarray       # men the attacker loses today (expected x noise)
    def_loss: np.ndarray
    att_engaged: np.ndarray    # attacking men within the front
    def_engaged: np.ndarray


def engaged_share(men, frontage_km, density):
    """Share of `men` that fits on `frontage_km` at `density` men per km (1 with no frontage limit)."""
    return np.minimum(1.0, np.asarray(frontage_km, float) * density / np.maximum(men, 1.0))


def engage(att_strength, def_strength, att_men, def_men, p: Params, *, posture, terrain, weather, z_outcome, z_att,
           z_def, frontage_km=np.inf, season=1.0, surprise=0, surprise_decay=1.0, air_superiority=0.0,
           insensitive=False, main_effort=False, holding=False, decline=1.0, shore=1.0, att_power=1.0,
           mobility=1.0, att_loss_scale=1.0, def_loss_scale=1.0) -> Engagement:
    """One day's engagement. Strengths are QJM force strengths S (men-equivalents, models.ground.strength) of all
    the attackers and all the defenders; men their personnel. `shore`: QJM shoreline factor v_r (1 on land);
    `att_power`: a further multiplier on the attacker's power (light airborne troops); `mobility`: the QJM
    mobility factor of the attackers (models.ground.mobility_factor; 1 where unknown); `att_loss_scale`,
    `def_loss_scale`: each army's loss factor in this campaign (engine.context.army_loss_factors; 1 in CDB90)."""
    share_a = engaged_share(att_men, frontage_km, p["manoeuvre.max_density_attacker_men_per_km"])
    share_d = engaged_share(def_men, frontage_km, p["manoeuvre.deployed_density_defender_men_per_km"])
    men_a, men_d = att_men * share_a, def_men * share_d
    A = att_strength * share_a * att_power / np.asarray(shore, float) ** p["amphibious.power_exponent"]
    D = np.maximum(def_strength * share_d, 1e-9)
    ratio = ground.power_ratio(A, D, 1.0, 1.0, posture, terrain, weather, season, surprise, 1.0, 1.0, p,
                               surprise_decay=surprise_decay, air_superiority=air_superiority, mobility=mobility)
    ratio = np.maximum(ratio, 1e-9)
    # NPW's holding: after the defender has prevailed for some days the fight falls to holding -- but only where
    # the defender is expected to prevail (ratio below the outcome threshold), as in the deterministic QJM, where
    # the defender prevails exactly when P/P is below it; a stronger attacker that lost on the dice attacks again
    holding = np.asarray(holding, bool) & (np.log(ratio) < p["ln_threshold"])
    won = ground.attacker_prevails(ratio, z_outcome, p) & ~holding
    r_att, r_def = ground.daily_rates(ratio, men_a, men_d, posture, terrain, weather, surprise, insensitive, won, p,
                                      main_effort=main_effort, surprise_decay=surprise_decay)
    day = decline * np.where(holding, p["holding_mission_factor"], 1.0)
    cap = p["max_daily_rate"]                 # no force loses more than this share of its men in a day
    att_loss = np.minimum(r_att * att_loss_scale * shore * day * ground.loss_noise(z_att, p), cap) * men_a
    def_loss = np.minimum(r_def * def_loss_scale * day * ground.loss_noise(z_def, p), cap) * men_d
    density = def_men / np.maximum(np.asarray(frontage_km, float), 1e-9)
    # the defence breaks only when the attackers outweigh, besides the men in its front line, its reserves, which
    # rotate in and seal a penetration while they last; of the defenders not in the front only the reserve share
    # reaches the point of attack within the day (the rest hold their own stretch of the sector). They and the whole
    # attacking force decide a breakthrough, a rout and a counter-attack (manoeuvre.yaml reserve_share)
    share_r = share_d + p["manoeuvre.reserve_share"] * (1.0 - share_d)
    force = ratio * share_d / share_r / np.maximum(share_a, 1e-12)
    breakthrough = won & ((force >= p["manoeuvre.breakthrough_ratio"])
                          | ((force >= p["manoeuvre.breakthrough_ratio_thin"])
                             & (density < p["manoeuvre.min_holding_density_men_per_km"])))
    return Engagement(ratio, force, won, holding, breakthrough, np.minimum(att_loss, att_men), np.minimum(def_loss, def_men),
                      men_a, men_d)
