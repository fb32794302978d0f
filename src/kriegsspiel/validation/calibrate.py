"""Calibration of the ground-combat model on CDB90 (posterior mode under weakly-informative priors), with
five-fold cross-validation.

The likelihood is written through the engine's own functions (``models.ground``) evaluated with
``Params.with_overrides``; there is no separate regression. Per battle i (attacker a, defender d):

* outcome, decisive battles only: y_i ~ Bernoulli(success_probability(power_ratio(...)));
* casualties, each side with a recorded figure c > 0:
  ln c ~ Normal(ln L - s^2/2, s), L = engagement_losses(men, daily_rates(...), days), s = casualty_sigma
  -- the lognormal of ``models.ground.loss_noise`` (mean L), conditioned on the recorded winner, as the
  engine draws the outcome first and the losses after it.

Point predictions on held-out battles do not know the outcome: the winner is the side with P >= 0.5;
a side's casualties are the model's median, exp(P ln L_won + (1 - P) ln L_lost - s^2/2).

Inputs per battle come from ``validation.cdb90``; judgemental ``cea`` is not an input (both qualities 1),
nor are supply (1) and front width (no model term). Air superiority (AEROA) enters ``power_ratio``; the
engagement lasts max(days, 1) days (STRUCTURE). CAS sorties enter
``strength`` per day of combat: FLY / max(days, 1) (ASSUMPTION: ground.yaml's air weight is per sortie
and day). Defender surprise (5 battles after 1900) has no term in ``power_ratio`` and is ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

from ..models import ground
from ..models.engagement import engaged_share
from ..params import POSTURES, Params, default_params
from .cdb90 import Engagements

SEED = 19540101          # fixed seed of the fold assignment (any fixed integer; Engel's year)
N_FOLDS = 5

# The free parameters (ground.yaml `engagement`, marked `calibrated`, and attrition's insensitivity
# multiplier) and the transform under which they are optimised: "log" keeps a positive quantity positive.
FREE = {
    "guns_weight": "log",
    "tanks_weight": "log",
    "air_weight": "id",
    "air_superiority_power": "log",
    "ln_threshold": "id",
    "outcome_sigma": "log",
    "attacker_rate_scale": "log",
    "defender_rate_scale": "log",
    "opposition_exponent": "id",
    "size_exponent": "id",
    "loser_rate_multiplier": "log",
    "casualty_sigma": "log",
    "casualty_insensitive_multiplier": "log",
    "daily_decline": "id",
}
# Box on the transformed values. The equipment weights are held to plausible men-equivalents (a prior's hard
# edge, see PRIORS); the rest keeps the optimiser out of numerically meaningless corners.
_BOUNDS = {"log": (-5.0, 7.0), "id": (-3.0, 5.0)}
_BOUNDS_BY_NAME = {"guns_weight": (np.log(5.0), np.log(60.0)), "tanks_weight": (np.log(5.0), np.log(60.0)),
                   "air_weight": (0.0, 30.0), "air_superiority_power": (np.log(0.5), np.log(3.0)),
                   "ln_threshold": (-3.0, 3.0), "outcome_sigma": (-3.0, 2.0), "casualty_sigma": (-3.0, 1.5),
                   "attacker_rate_scale": (-4.0, 4.0), "defender_rate_scale": (-4.0, 4.0),
                   "loser_rate_multiplier": (-4.0, 4.0), "casualty_insensitive_multiplier": (-4.0, 4.0),
                   "daily_decline": (0.0, 0.6)}

# Weakly-informative priors, Normal(centre, sd) on the transformed value (ln for "log" parameters). The sd
# is multiplied by the prior scale tau of the stage (PRIOR_SCALE), chosen by held-out likelihood over the
# five folds (`select_prior_scale`; the grid is in docs/models/calibration.md). casualty_sigma has no prior
# (flat in its box): the casualty residuals identify it. Bases:
PRIORS = {
    # ASSUMPTION (order of magnitude): a gun or a tank is worth 5-60 riflemen; centre the geometric mean 17.3,
    # sd ln(60/5)/4 so that the box is +-2 sd. Dupuy's per-weapon WWII OLIs are a GAP in the project's data
    # (`docs/sources/factor-tables.md`); the box also keeps a 500-tank army from outweighing 100,000 men tenfold.
    "guns_weight": (np.log(17.32), np.log(12.0) / 4, "ASSUMPTION: 5-60 men per tube, +-2 sd"),
    "tanks_weight": (np.log(17.32), np.log(12.0) / 4, "ASSUMPTION: 5-60 men per tank, +-2 sd"),
    # ASSUMPTION: 0-30 men per close-support sortie and day; centre ground.yaml's 10, sd 10.
    "air_weight": (10.0, 10.0, "ASSUMPTION: 0-30 men per sortie-day, centre 10"),
    # QJM air superiority (F01): superiority x1.1 on artillery and air, inferiority x0.8 -> centre ln 1.1.
    "air_superiority_power": (np.log(1.1), 0.25, "QJM air-superiority factors (F01), centre 1.1"),
    # QJM: P/P > 1 means the attacker prevails (NPW) -> centre 0, sd 0.5 (a factor 1.65 either way).
    "ln_threshold": (0.0, 0.5, "QJM P/P > 1 (NPW)"),
    # TDI division-level data (literature.md s.3): attacker wins 42 % at force ratio 0.5-1 and 83 % at 2.5-3,
    # i.e. Phi(ln r / sigma) with sigma 1.0-1.4 -> centre 1.2, sd 0.35 in ln.
    "outcome_sigma": (np.log(1.2), 0.35, "TDI win share by force ratio: sigma 1.0-1.4"),
    # QJM standard rates (Lawrence 1996) -> centre 1. sd ln 2: Dupuy's WWII division rates span 1-3 %/day.
    "attacker_rate_scale": (0.0, np.log(2.0), "QJM standard rate 2.8 %/day; Dupuy 1-3 %/day"),
    "defender_rate_scale": (0.0, np.log(2.0), "QJM standard rate 1.5 %/day; Dupuy 1-3 %/day"),
    # The QJM tables as published -> exponent 1, sd 0.5.
    "opposition_exponent": (1.0, 0.5, "QJM opposition factor as tabulated (F01)"),
    "size_exponent": (1.0, 0.5, "QJM size factor as tabulated (F01)"),
    # Dupuy verity 3 gives the direction, not the size: centre 1 (no effect), sd ln 2.
    "loser_rate_multiplier": (0.0, np.log(2.0), "Dupuy verity 3 (direction only)"),
    # TNDM x2.5 for casualty-insensitive fights (Lawrence 1997), sd ln 2.
    "casualty_insensitive_multiplier": (np.log(2.5), np.log(2.0), "TNDM x2.5 (Lawrence 1997)"),
    # Dupuy verity 13 / QJM exhaustion 0.05 a day; sd 0.1.
    "daily_decline": (0.05, 0.1, "Dupuy verity 13; QJM exhaustion 5 %/day"),
}
# Prior scale per stage (multiplies every sd), chosen by the held-out grid of `select_prior_scale`.
PRIOR_SCALE = {"outcome": 2.0, "casualties": 1.0}
PRIOR_GRID = (0.25, 0.5, 1.0, 2.0, 4.0)

# Structural options measured on the held-out folds (docs/models/calibration.md); those kept are on.
# min_engagement_days: the duration fed to engagement_losses is max(days, this). The engine fights whole
# days (one engagement a day per place), so a CDB90 action of a few hours is one day of combat in its
# terms; fitting sub-day actions pro rata was what made the rates look sub-linear in duration.
STRUCTURE = {"air_superiority": True, "daily_decline": True, "min_engagement_days": 1.0}


def free_names(structure: dict | None = None) -> tuple:
    st = {**STRUCTURE, **(structure or {})}
    drop = {k for k in ("air_superiority", "daily_decline") if not st[k]}
    names = {"air_superiority": "air_superiority_power", "daily_decline": "daily_decline"}
    return tuple(k for k in FREE if k not in {names[d] for d in drop})


def prior_params() -> Params:
    """The bundled parameters with the free ones at their ground.yaml starting values (not fitted.yaml),
    so that a calibration never starts from its own previous output."""
    from importlib import resources

    import yaml

    g = yaml.safe_load(resources.files("kriegsspiel.data.parameters").joinpath("ground.yaml").read_text("utf-8"))
    start = {**{k: float(v) for k, v in g["engagement"].items() if isinstance(v, (int, float))},
             "casualty_insensitive_multiplier": float(g["attrition"]["casualty_insensitive_multiplier"])}
    return default_params().with_overrides({k: start[k] for k in FREE})


def _to_x(values: dict, names) -> np.ndarray:
    return np.array([np.log(values[k]) if FREE[k] == "log" else values[k] for k in names], dtype=float)


def _from_x(x, names) -> dict:
    return {k: float(np.exp(v) if FREE[k] == "log" else v) for k, v in zip(names, x)}


@dataclass(frozen=True)
class Arrays:
    """The engagement table as the model's integer indices and floats (one build per Params tables)."""

    men: np.ndarray
    guns: np.ndarray
    tanks: np.ndarray
    sorties_per_day: np.ndarray
    posture_idx: np.ndarray
    terrain_idx: np.ndarray
    weather_idx: np.ndarray
    season_attack: np.ndarray
    surprise_idx: np.ndarray
    insensitive: np.ndarray
    days: np.ndarray
    won: np.ndarray          # (n,) bool: recorded attacker win
    decisive: np.ndarray     # (n,) bool
    cas: np.ndarray          # (n, 2) recorded casualties, nan unknown
    air: np.ndarray          # (n,) AEROA +1 / 0 / -1, unknown -> 0
    front_km: np.ndarray     # (n,) width of the front (the defender's, else the attacker's; inf unknown)


def arrays(e: Engagements, p: Params, structure: dict | None = None) -> Arrays:
    min_days = {**STRUCTURE, **(structure or {})}["min_engagement_days"]
    return Arrays(
        men=e.men, guns=e.guns, tanks=e.tanks,
        sorties_per_day=e.sorties / np.maximum(e.days, 1.0)[:, None],
        posture_idx=e.posture_idx, terrain_idx=e.terrain_idx(p), weather_idx=e.weather_idx(p),
        season_attack=e.season_attack(p), surprise_idx=e.surprise_att, insensitive=e.insensitive,
        days=np.maximum(e.days, min_days), won=e.outcome > 0, decisive=e.outcome != 0, cas=e.casualties,
        air=np.nan_to_num(e.air_superiority),
        front_km=np.where(np.isfinite(e.front_km[:, 1]), e.front_km[:, 1],
                          np.where(np.isfinite(e.front_km[:, 0]), e.front_km[:, 0], np.inf)),
    )


def engaged(a: Arrays, p: Params) -> tuple[np.ndarray, np.ndarray]:
    """Each side's engaged share on the recorded front (models.engagement.engaged_share: the engine's frontage
    rule, with CDB90's front width)."""
    return (engaged_share(a.men[:, 0], a.front_km, p["manoeuvre.max_density_attacker_men_per_km"]),
            engaged_share(a.men[:, 1], a.front_km, p["manoeuvre.max_density_defender_men_per_km"]))


def model_ratio(a: Arrays, p: Params) -> np.ndarray:
    """P_a / P_d of the engaged forces through ground.strength and ground.power_ratio (qualities and supply 1)."""
    share = engaged(a, p)
    s = [share[k] * ground.strength(a.men[:, k], a.guns[:, k], a.tanks[:, k], a.sorties_per_day[:, k],
                                    a.terrain_idx, a.weather_idx, p) for k in (0, 1)]
    one = np.ones(len(a.days))
    return ground.power_ratio(s[0], s[1], one, one, a.posture_idx, a.terrain_idx, a.weather_idx,
                              a.season_attack, a.surprise_idx, one, one, p, air_superiority=a.air)


def model_losses(a: Arrays, ratio: np.ndarray, att_won, p: Params) -> np.ndarray:
    """Expected losses (n, 2) of the engaged men through ground.daily_rates and ground.engagement_losses."""
    share = engaged(a, p)
    men = a.men * np.column_stack(share)
    r_att, r_def = ground.daily_rates(ratio, men[:, 0], men[:, 1], a.posture_idx, a.terrain_idx,
                                      a.weather_idx, a.surprise_idx, a.insensitive, att_won, p)
    return np.column_stack([ground.engagement_losses(men[:, 0], r_att, a.days, p),
                            ground.engagement_losses(men[:, 1], r_def, a.days, p)])


def launched_ratio_percentiles(e: Engagements, p: Params, q=(5, 10, 50), years=(1937, 1945)) -> dict:
    """Percentiles of the model's power ratio at which the CDB90 attacks of `years` were launched (the basis of
    manoeuvre.yaml `min_attack_ratio`), with the attackers' win share below the 10th percentile."""
    m = (e.year >= years[0]) & (e.year <= years[1])
    r = model_ratio(arrays(e.take(np.flatnonzero(m)), p), p)
    pct = {int(k): float(v) for k, v in zip(q, np.percentile(r, q))}
    out = e.outcome[m]
    low = (r < pct.get(10, np.percentile(r, 10))) & (out != 0)
    return {"n": int(m.sum()), "percentiles": pct, "won_below_p10": float(np.mean(out[low] > 0)) if low.any() else None}


def outcome_loglik(a: Arrays, p: Params, ratio=None) -> np.ndarray:
    """Per decisive battle: ln P(recorded outcome)."""
    ratio = model_ratio(a, p) if ratio is None else ratio
    prob = np.clip(ground.success_probability(ratio[a.decisive], p), 1e-12, 1 - 1e-12)
    return np.where(a.won[a.decisive], np.log(prob), np.log1p(-prob))


def casualty_loglik(a: Arrays, p: Params, ratio=None) -> np.ndarray:
    """Per side with a recorded figure > 0: ln density of ln c (lognormal around the expected losses given
    the recorded winner; the constant -ln sqrt(2 pi) included)."""
    ratio = model_ratio(a, p) if ratio is None else ratio
    loss = model_losses(a, ratio, a.won, p)
    ok = np.isfinite(a.cas) & (a.cas > 0)
    s = p["casualty_sigma"]
    z = (np.log(a.cas[ok]) - (np.log(np.maximum(loss[ok], 1e-9)) - 0.5 * s * s)) / s
    return -0.5 * z * z - np.log(s) - 0.5 * np.log(2 * np.pi)


def negloglik(theta: dict, a: Arrays, base: Params, outcome: bool = True, casualties: bool = True) -> float:
    p = base.with_overrides(theta)
    ratio = model_ratio(a, p)
    nll = 0.0
    if outcome:
        nll -= float(np.sum(outcome_loglik(a, p, ratio)))
    if casualties:
        nll -= float(np.sum(casualty_loglik(a, p, ratio)))
    return nll


def log_prior_penalty(theta: dict, names, scale: float) -> float:
    """-ln prior (up to a constant) of the named parameters, sds multiplied by `scale` (inf: flat)."""
    if not np.isfinite(scale):
        return 0.0
    x = _to_x(theta, names)
    pen = 0.0
    for k, v in zip(names, x):
        if k in PRIORS:
            mu, sd, _ = PRIORS[k]
            pen += 0.5 * ((v - mu) / (sd * scale)) ** 2
    return pen


OUTCOME_PARAMS = ("guns_weight", "tanks_weight", "air_weight", "air_superiority_power", "ln_threshold",
                  "outcome_sigma")
CASUALTY_PARAMS = tuple(k for k in FREE if k not in OUTCOME_PARAMS)


def _minimize(a: Arrays, base: Params, names: tuple, fixed: dict, outcome: bool, casualties: bool,
              maxiter: int, scale: float = np.inf):
    x0 = _to_x({k: base[k] for k in names}, names)
    bounds = [_BOUNDS_BY_NAME.get(k, _BOUNDS[FREE[k]]) for k in names]
    x0 = np.clip(x0, [b[0] for b in bounds], [b[1] for b in bounds])
    n = max(len(a.days), 1)

    def f(x):
        theta = _from_x(x, names)
        v = (negloglik({**fixed, **theta}, a, base, outcome, casualties)
             + log_prior_penalty(theta, names, scale)) / n
        return v if np.isfinite(v) else 1e6

    # Powell first: the interpolated QJM tables and the daily-rate cap make the surface piecewise smooth,
    # where a quasi-Newton start from the defaults stalls at the box. Then an L-BFGS-B polish.
    res = minimize(f, x0, method="Powell", bounds=bounds,
                   options={"maxiter": maxiter * 50, "xtol": 1e-4, "ftol": 1e-9})
    res2 = minimize(f, res.x, method="L-BFGS-B", bounds=bounds, options={"maxiter": maxiter})
    best = res2 if res2.fun <= res.fun else res
    return _from_x(best.x, names), float(best.fun * n), bool(res.success or res2.success), int(res.nit + res2.nit)


def fit(a: Arrays, base: Params | None = None, method: str = "two_stage", maxiter: int = 400,
        prior_scale: dict | None = None, structure: dict | None = None) -> dict:
    """Posterior-mode (MAP) values of the free parameters under PRIORS, from the bundled defaults
    (deterministic). `prior_scale` {"outcome": tau_o, "casualties": tau_c} multiplies the prior sds
    (np.inf: maximum likelihood within the box); `structure` switches the optional terms (STRUCTURE).

    method "two_stage" (the default): the combat-power weights, air superiority, ln_threshold and
    outcome_sigma maximise the outcome posterior; then the attrition parameters maximise the casualty
    posterior with those fixed. Combat power is the QJM's predictor of the outcome (Dupuy, NPW), and in a
    joint fit the casualty terms (740 sides against 340 outcomes) bend the weights away from it (figures in
    docs/models/calibration.md). method "joint": one posterior, both parts, all parameters (tau_o).
    Returns {"params": {...}, "nll": float (outcome + casualty), "converged": bool, "iterations": int}.
    """
    base = base or prior_params()
    tau = {**PRIOR_SCALE, **(prior_scale or {})}
    names = free_names(structure)
    o_names = tuple(k for k in OUTCOME_PARAMS if k in names)
    c_names = tuple(k for k in CASUALTY_PARAMS if k in names)
    if method == "joint":
        params, _, conv, it = _minimize(a, base, names, {}, True, True, maxiter, tau["outcome"])
    elif method == "two_stage":
        po, _, c1, i1 = _minimize(a, base, o_names, {}, True, False, maxiter, tau["outcome"])
        pc, _, c2, i2 = _minimize(a, base, c_names, po, False, True, maxiter, tau["casualties"])
        params, conv, it = {**po, **pc}, c1 and c2, i1 + i2
    else:
        raise ValueError(f"method must be 'two_stage' or 'joint', not {method!r}")
    return {"params": params, "nll": negloglik(params, a, base), "converged": conv, "iterations": it,
            "method": method, "prior_scale": tau}


def predict(a: Arrays, p: Params) -> dict:
    """Held-out point predictions: {"p_win": (n,), "attacker_wins": (n,) bool,
    "casualties": (n, 2) outcome-blind median, "casualties_given_outcome": (n, 2) median given the record}."""
    ratio = model_ratio(a, p)
    pw = ground.success_probability(ratio, p)
    s = p["casualty_sigma"]
    lw = np.log(np.maximum(model_losses(a, ratio, np.ones(len(pw), bool), p), 1e-9))
    ll = np.log(np.maximum(model_losses(a, ratio, np.zeros(len(pw), bool), p), 1e-9))
    med = np.exp(pw[:, None] * lw + (1 - pw[:, None]) * ll - 0.5 * s * s)
    given = np.exp(np.where(a.won[:, None], lw, ll) - 0.5 * s * s)
    return {"p_win": pw, "attacker_wins": pw >= 0.5, "casualties": med, "casualties_given_outcome": given}


# --- baselines -------------------------------------------------------------------------------------

def logistic_features(a: Arrays, p: Params) -> np.ndarray:
    """The model's inputs as regressors: ln men ratio; ln(1+x) differences of guns, tanks, sorties/day;
    defender-posture indicators; ln of the terrain's defence factor, the weather's attack factor and the
    season factor; attacker surprise level; casualty-insensitive flag; air superiority (AEROA)."""
    cols = [np.log(a.men[:, 0] / a.men[:, 1])]
    for x in (a.guns, a.tanks, a.sorties_per_day):
        cols.append(np.log1p(x[:, 0]) - np.log1p(x[:, 1]))
    for k in range(2, len(POSTURES)):    # hasty defence (index 1) is the reference
        cols.append((a.posture_idx == k).astype(float))
    cols.append(np.log(p.terrain[a.terrain_idx, 1]))          # defence_position (TERRAIN_COLS[1])
    cols.append(np.log(p.weather[a.weather_idx, 1]))          # attack (WEATHER_COLS[1])
    cols.append(np.log(a.season_attack))
    cols.append(a.surprise_idx.astype(float))
    cols.append(a.insensitive.astype(float))
    cols.append(a.air)
    return np.column_stack(cols)


def logistic_fit(X: np.ndarray, y: np.ndarray, l2: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """L2-penalised logistic regression (penalty l2/2 |w|^2 on standardised columns, intercept free).
    Returns (weights incl. intercept, column means, column scales)."""
    mu, sd = X.mean(0), X.std(0)
    sd = np.where(sd > 0, sd, 1.0)
    Z = np.column_stack([np.ones(len(X)), (X - mu) / sd])
    yy = y.astype(float)

    def f(w):
        eta = Z @ w
        nll = np.sum(np.logaddexp(0.0, eta) - yy * eta) + 0.5 * l2 * np.sum(w[1:] ** 2)
        g = Z.T @ (expit(eta) - yy)
        g[1:] += l2 * w[1:]
        return nll, g

    w = minimize(f, np.zeros(Z.shape[1]), jac=True, method="BFGS").x
    return w, mu, sd


def logistic_predict(model, X: np.ndarray) -> np.ndarray:
    w, mu, sd = model
    return expit(np.column_stack([np.ones(len(X)), (X - mu) / sd]) @ w)


def always_attacker_accuracy(won: np.ndarray) -> float:
    """Share of decisive battles the attacker won (the 'attacker always wins' predictor)."""
    return float(np.mean(np.asarray(won, bool)))


def larger_force_accuracy(men: np.ndarray, won: np.ndarray) -> float:
    """Share of decisive battles won by the side with more men (ties: the attacker). men (n, 2)."""
    return float(np.mean((men[:, 0] >= men[:, 1]) == np.asarray(won, bool)))


def war_of(label: str) -> str:
    """The war of a CDB90 WAR label, without its theatre: 'WORLD WAR II (OKINAWA)' -> 'WORLD WAR II'."""
    return str(label).split(" (")[0].strip()


def war_folds(e: Engagements) -> list[np.ndarray]:
    """One test set per war (war_of), largest first: leave-one-war-out."""
    wars = np.array([war_of(w) for w in e.war])
    names = sorted(set(wars), key=lambda w: (-int((wars == w).sum()), w))
    return [np.flatnonzero(wars == w) for w in names]


def interval_coverage(cv: dict, e: Engagements, mask: np.ndarray | None = None) -> dict:
    """Share of held-out sides (recorded casualties > 0) whose record lies inside the model's central 50 % and
    90 % casualty intervals: the lognormal of the likelihood (median = expected losses given the recorded
    winner x exp(-sigma^2 / 2), sigma = the predicting fit's casualty_sigma). Nominal: 0.50 and 0.90."""
    from scipy.stats import norm

    mask = np.ones(len(e), bool) if mask is None else mask
    rec, pred = e.casualties[mask], cv["casualties_given_outcome"][mask]
    sig = np.broadcast_to(cv["sigma"][mask][:, None], rec.shape)
    ok = np.isfinite(rec) & (rec > 0) & np.isfinite(pred) & (pred > 0) & np.isfinite(sig)
    z = np.abs(np.log(rec[ok]) - (np.log(pred[ok]) - 0.5 * sig[ok] ** 2)) / sig[ok]
    return {"p50": float(np.mean(z <= norm.ppf(0.75))), "p90": float(np.mean(z <= norm.ppf(0.95))),
            "sides": int(ok.sum())}


def folds(n: int, k: int = N_FOLDS, seed: int = SEED) -> list[np.ndarray]:
    """k disjoint test-index sets covering range(n), from a fixed-seed permutation."""
    perm = np.random.default_rng(seed).permutation(n)
    return [np.sort(f) for f in np.array_split(perm, k)]


def casualty_scores(pred: np.ndarray, rec: np.ndarray) -> dict:
    """Share of sides with predicted within +-50 % of recorded (0.5 <= pred/rec <= 1.5) and the median
    |ln(pred/rec)|, over sides with a recorded figure > 0."""
    ok = np.isfinite(rec) & (rec > 0)
    r = pred[ok] / rec[ok]
    return {"n_sides": int(ok.sum()), "within_50pct": float(np.mean((r >= 0.5) & (r <= 1.5))),
            "median_abs_log_error": float(np.median(np.abs(np.log(r))))}


def cross_validate(e: Engagements, base: Params | None = None, seed: int = SEED, k: int = N_FOLDS,
                   maxiter: int = 400, method: str = "two_stage", prior_scale: dict | None = None,
                   structure: dict | None = None, baselines: bool = True, test_sets: list | None = None) -> dict:
    """Five-fold CV of the calibrated model and the baselines on the same held-out folds (or on `test_sets`,
    e.g. one war each: `war_folds`).

    Returns held-out predictions for every battle (each predicted by the fit on the other folds), the
    held-out log-likelihoods ("outcome_ll" per decisive battle, "casualty_ll" per side with a record, given
    the recorded winner), each battle's casualty sigma of the fit that predicted it, and the per-fold fitted
    parameters."""
    base = base or prior_params()
    a_all = arrays(e, base, structure)
    n = len(e)
    out = {"p_win": np.full(n, np.nan), "casualties": np.full((n, 2), np.nan),
           "casualties_given_outcome": np.full((n, 2), np.nan), "p_win_default": np.full(n, np.nan),
           "casualties_default": np.full((n, 2), np.nan), "p_logistic": np.full(n, np.nan),
           "casualties_median_rate": np.full((n, 2), np.nan), "fold": np.full(n, -1), "fits": [],
           "outcome_ll": [], "casualty_ll": [], "sigma": np.full(n, np.nan)}
    pred0 = predict(a_all, base)
    out["p_win_default"], out["casualties_default"] = pred0["p_win"], pred0["casualties"]
    X = logistic_features(a_all, base)
    for j, test in enumerate(folds(n, k, seed) if test_sets is None else test_sets):
        train = np.setdiff1d(np.arange(n), test)
        tr, te = e.take(train), e.take(test)
        a_tr, a_te = arrays(tr, base, structure), arrays(te, base, structure)
        res = fit(a_tr, base, method=method, maxiter=maxiter, prior_scale=prior_scale, structure=structure)
        p = base.with_overrides(res["params"])
        pr = predict(a_te, p)
        out["outcome_ll"].append(outcome_loglik(a_te, p))
        out["casualty_ll"].append(casualty_loglik(a_te, p))
        out["p_win"][test] = pr["p_win"]
        out["casualties"][test] = pr["casualties"]
        out["casualties_given_outcome"][test] = pr["casualties_given_outcome"]
        out["sigma"][test] = p["casualty_sigma"]
        out["fold"][test] = j
        out["fits"].append(res)
        if not baselines:
            continue
        dec = a_tr.decisive
        lm = logistic_fit(X[train][dec], a_tr.won[dec])
        out["p_logistic"][test] = logistic_predict(lm, X[test])
        # naive casualty baseline: each side's training-median daily loss rate, compounded over the days
        ok = np.isfinite(a_tr.cas) & (a_tr.cas > 0)
        rate = 1.0 - (1.0 - np.minimum(a_tr.cas / a_tr.men, 0.999)) ** (1.0 / np.maximum(a_tr.days, 1e-3))[:, None]
        med = np.array([np.median(rate[ok[:, s], s]) for s in (0, 1)])
        out["casualties_median_rate"][test] = a_te.men * (1.0 - (1.0 - med) ** a_te.days[:, None])
    out["outcome_ll"] = np.concatenate(out["outcome_ll"])
    out["casualty_ll"] = np.concatenate(out["casualty_ll"])
    return out


def held_out_scores(e: Engagements, cv: dict) -> dict:
    """Mean held-out log-likelihoods and the headline figures of one cross-validation."""
    dec = e.decisive
    won = e.outcome > 0
    cas = casualty_scores(cv["casualties"], e.casualties)
    return {"outcome_ll": float(np.mean(cv["outcome_ll"])), "casualty_ll": float(np.mean(cv["casualty_ll"])),
            "winner_accuracy": float(np.mean((cv["p_win"][dec] >= 0.5) == won[dec])),
            "casualties_within_50pct": cas["within_50pct"], "median_abs_log_error": cas["median_abs_log_error"]}


def _one_se_choice(rows: list[dict], key: str) -> float:
    """The one-standard-error rule (Hastie, Tibshirani and Friedman, ESL 2nd ed., s. 7.10): the strongest
    prior (smallest tau) whose mean held-out log-likelihood is within one standard error of the best, the
    standard error from the per-battle (per-side) differences to the best, paired on the same folds."""
    best = max(rows, key=lambda r: r[key])
    for r in sorted(rows, key=lambda r: r["tau"]):
        d = r["_" + key] - best["_" + key]
        se = float(np.std(d, ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0
        r[key + "_se_to_best"] = se
        if np.mean(d) >= -se:
            return r["tau"]
    return best["tau"]


def select_prior_scale(e: Engagements, base: Params | None = None, grid=PRIOR_GRID,
                       structure: dict | None = None) -> dict:
    """Choose the prior scale of each stage on the held-out folds: the outcome stage's tau on the outcome
    log-likelihood (casualty stage at PRIOR_SCALE), then the casualty stage's tau on the casualty
    log-likelihood given the chosen outcome tau; each by the one-standard-error rule (`_one_se_choice`) over
    `grid` and np.inf (no prior: maximum likelihood within the box). Returns the grids and the choice."""
    base = base or prior_params()

    def run(scale):
        cv = cross_validate(e, base, prior_scale=scale, structure=structure, baselines=False)
        return {**held_out_scores(e, cv), "_outcome_ll": cv["outcome_ll"], "_casualty_ll": cv["casualty_ll"]}

    rows_o = [{"tau": t, **run({"outcome": t})} for t in (*grid, np.inf)]
    t_o = _one_se_choice(rows_o, "outcome_ll")
    rows_c = [{"tau": t, **run({"outcome": t_o, "casualties": t})} for t in (*grid, np.inf)]
    t_c = _one_se_choice(rows_c, "casualty_ll")
    strip = lambda rows: [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]  # noqa: E731
    return {"outcome": strip(rows_o), "casualties": strip(rows_c), "chosen": {"outcome": t_o, "casualties": t_c},
            "rule": "one standard error (ESL s. 7.10), paired per battle / per side"}


def summarize(e: Engagements, cv: dict, mask: np.ndarray | None = None) -> dict:
    """Headline figures from the held-out predictions of `cross_validate` (optionally on a subset)."""
    mask = np.ones(len(e), bool) if mask is None else mask
    dec = e.decisive & mask
    won = e.outcome > 0
    acc = lambda pred: float(np.mean(pred[dec] == won[dec]))  # noqa: E731
    cas = casualty_scores(cv["casualties"][mask], e.casualties[mask])
    p = cv["p_win"][dec]
    y = won[dec]
    return {
        "n": int(mask.sum()),
        "n_decisive": int(dec.sum()),
        "winner_accuracy": acc(cv["p_win"] >= 0.5),
        "winner_brier": float(np.mean((p - y) ** 2)),
        "winner_log_loss": float(-np.mean(np.where(y, np.log(np.clip(p, 1e-12, 1)), np.log(np.clip(1 - p, 1e-12, 1))))),
        "baselines": {
            "always_attacker": always_attacker_accuracy(won[dec]),
            "larger_force": larger_force_accuracy(e.men[dec], won[dec]),
            "logistic": acc(cv["p_logistic"] >= 0.5),
            "uncalibrated_model": acc(cv["p_win_default"] >= 0.5),
        },
        "casualties_within_50pct": cas["within_50pct"],
        "median_abs_log_error": cas["median_abs_log_error"],
        "casualty_sides": cas["n_sides"],
        "casualties_by_side": {
            side: casualty_scores(cv["casualties"][mask][:, k], e.casualties[mask][:, k])
            for k, side in enumerate(("attacker", "defender"))},
        "casualties_given_recorded_outcome": casualty_scores(cv["casualties_given_outcome"][mask], e.casualties[mask]),
        "interval_coverage": interval_coverage(cv, e, mask),
        "casualty_baselines": {
            "median_daily_rate": casualty_scores(cv["casualties_median_rate"][mask], e.casualties[mask]),
            "uncalibrated_model": casualty_scores(cv["casualties_default"][mask], e.casualties[mask]),
        },
    }


def provenance(summary: dict, fit_all: dict, n: int, dropped: dict) -> dict:
    return {
        "data": "CDB90 (U.S. Army Concepts Analysis Agency 1991, public domain; Jeffrey B. Arnold, CDB90, "
                "github.com/jrnold/CDB90, ODC-BY 1.0), CDB90-patched.csv; battles from 1900 on, duplicates "
                "(`parent` set) and isqno 256-260 excluded",
        "n_battles": n,
        "dropped": dropped,
        "method": "maximum likelihood, two stages (scipy Powell + L-BFGS-B): Bernoulli(success_probability(power_ratio)) on decisive "
                  "battles + lognormal(engagement_losses(daily_rates)) per side with recorded casualties; "
                  "kriegsspiel.validation.calibrate",
        "date": dt.date.today().isoformat(),
        "cross_validation": {"folds": N_FOLDS, "seed": SEED,
                             "winner_accuracy": round(summary["winner_accuracy"], 4),
                             "casualties_within_50pct": round(summary["casualties_within_50pct"], 4),
                             "median_abs_log_error": round(summary["median_abs_log_error"], 4)},
        "negative_log_likelihood": round(fit_all["nll"], 3),
    }
