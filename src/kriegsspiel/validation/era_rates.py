"""Era casualty factors: how the recorded losses of each era's CDB90 battles compare with the calibrated engagement
model, which is fitted on all battles from 1900 on with one pooled loss rate.

With the model held at its fitted parameters (fitted.yaml), each side's recorded casualties c are lognormal around
k x the model's expected losses L with the calibration's own sigma s (validation.calibrate.casualty_loglik), so the
maximum-likelihood era factor is ln k = mean(ln c - ln L) + s^2/2 over the era's battles, with a normal 95 %
interval from the standard error of the mean. The campaign engine multiplies its attacker and defender daily loss
rates by the factors of the scenario's start year when `era_rates.enabled` is 1 (compile_scenario); the CDB90
calibration itself is unchanged.

Eras: the First World War (1914-18) and the Second (1937-45), pooled over the whole war because its 1937-42 battles
are only 11 (their factor alone, about 0.84 / 0.94, has an interval of about 0.5-1.5); after 1945. The interwar
years have two battles and keep factor 1. Write with `python -m kriegsspiel.validation.era_rates --write`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..params import default_params
from . import calibrate as C

ERAS = {"ww1": (1914, 1918), "ww2": (1937, 1945), "post45": (1946, 1999)}
SIDES = ("attacker", "defender")


def residuals(e, p) -> np.ndarray:
    """(n, 2) ln(recorded / model expected losses) of attacker and defender of each battle, the engagement model at
    `p`; nan where a side's losses are not recorded (or are 0)."""
    a = C.arrays(e, p)
    loss = C.model_losses(a, C.model_ratio(a, p), a.won, p)
    ok = np.isfinite(a.cas) & (a.cas > 0)
    return np.where(ok, np.log(np.where(ok, a.cas, 1.0)) - np.log(np.maximum(loss, 1e-9)), np.nan)


def factors(e, p=None) -> dict:
    """{era: {side: {factor, low, high, n}}} on the engagements `e` (validation.cdb90.load)."""
    p = p or default_params()
    res = residuals(e, p)
    s = p["casualty_sigma"]
    out = {}
    for era, (y0, y1) in ERAS.items():
        m = (e.year >= y0) & (e.year <= y1)
        out[era] = {}
        for k, side in enumerate(SIDES):
            sel = m & np.isfinite(res[:, k])
            d = res[sel, k]
            mle = float(d.mean() + 0.5 * s * s)
            se = float(d.std(ddof=1) / np.sqrt(len(d)))
            out[era][side] = {"factor": round(float(np.exp(mle)), 3), "low": round(float(np.exp(mle - 1.96 * se)), 3),
                              "high": round(float(np.exp(mle + 1.96 * se)), 3), "n": int(sel.sum())}
    return out


def _army_residuals(e, p, years, min_sides):
    """The residuals of the sides of the battles of `years` grouped by army (nation and era): ([group names],
    [residuals of each group], [number of CDB90 war labels of each group]), groups of at least `min_sides`."""
    from .effectiveness import groups

    r = residuals(e, p or default_params())
    g, names = groups(e)
    m = (e.year >= years[0]) & (e.year <= years[1])
    sel = [m & np.isfinite(r[:, k]) & (g[:, k] >= 0) for k in (0, 1)]
    gid = np.concatenate([g[sel[k], k] for k in (0, 1)])
    res = np.concatenate([r[sel[k], k] for k in (0, 1)])
    war = np.concatenate([np.asarray(e.war)[sel[k]] for k in (0, 1)])
    keep = [q for q in np.unique(gid) if (gid == q).sum() >= min_sides]
    return [names[q] for q in keep], [res[gid == q] for q in keep], [len(set(war[gid == q])) for q in keep]


def _one_way(xs) -> tuple[float, float, float]:
    """One-way random-effects split (method of moments, unbalanced groups) of the residual groups `xs`: (between
    variance, within variance, grand mean)."""
    n = np.array([len(x) for x in xs], float)
    means = np.array([x.mean() for x in xs])
    N, k = n.sum(), len(xs)
    within = sum(((x - x.mean()) ** 2).sum() for x in xs) / (N - k)
    grand = float(np.concatenate(xs).mean())
    msb = float(np.sum(n * (means - grand) ** 2) / (k - 1))
    n0 = (N - np.sum(n ** 2) / N) / (k - 1)
    return max(0.0, (msb - within) / n0), float(within), grand


def between_army_sigma(e, p=None, years=(1937, 1945), min_sides: int = 3) -> dict:
    """How far an army's losses run above or below the model in all its battles: the residuals ln(recorded / model
    expected losses) of each side of the battles of `years`, grouped by the side's nation and era
    (validation.effectiveness.groups; groups of at least `min_sides` sides), split by a one-way random-effects
    analysis of variance (method of moments, unbalanced groups): between-army and within-army sd. The campaign
    engine draws the between-army part once per run and side (casualties.yaml `army_loss_sigma`)."""
    _, xs, _ = _army_residuals(e, p, years, min_sides)
    between, within, _ = _one_way(xs)
    return {"between_sd": round(float(np.sqrt(between)), 2), "within_sd": round(float(np.sqrt(within)), 2),
            "groups": len(xs), "sides": int(sum(len(x) for x in xs))}


def army_effects(e, p=None, years=(1937, 1945), min_sides: int = 3, min_wars: int = 2) -> dict:
    """{'era.nation': {loss_factor, sd, sides, wars}}: the armies whose own loss level CDB90 shows, as the best
    linear unbiased predictor of the one-way random-effects model (Henderson; e.g. Searle, Casella & McCulloch,
    Variance Components, 1992, ch. 3): the group's mean residual less the grand mean, shrunk by
    b^2 / (b^2 + w^2 / n) (b, w: between- and within-army variance, n: its sides); `sd` is the predictor's own
    posterior sd, b w / sqrt(n b^2 + w^2). `loss_factor` = exp(predictor): the army's losses relative to the average
    army of the years. A group needs `min_wars` of CDB90's war labels: an army seen in one theatre only (CDB90's
    1943-45 Japanese sides are all Okinawa and Iwo Jima, island last stands) would carry that kind of battle, not
    the army, into every campaign."""
    names, xs, wars = _army_residuals(e, p, years, min_sides)
    between, within, grand = _one_way(xs)
    out = {}
    for name, x, nw in zip(names, xs, wars):
        if nw < min_wars or between <= 0:
            continue
        n = len(x)
        shrink = between / (between + within / n)
        out[name] = {"loss_factor": round(float(np.exp(shrink * (x.mean() - grand))), 3),
                     "sd": round(float(np.sqrt(between * within / (n * between + within))), 3),
                     "sides": n, "wars": nw}
    return out


def write(path=None) -> dict:
    from .cdb90 import load
    from .writeout import write_parameters

    e, info = load()
    doc = {
        "provenance": {
            "data": "CDB90 (U.S. Army Concepts Analysis Agency 1991, public domain; Jeffrey B. Arnold, CDB90, "
                    "ODC-BY 1.0): the calibration's fit set (battles from 1900 on, duplicates and isqno 256-260 "
                    "excluded)",
            "n_battles": int(info["n"]),
            "method": "maximum-likelihood multiplier of each side's expected losses per era, the engagement model "
                      "fixed at fitted.yaml, lognormal casualties with the calibration's sigma; 95 % interval "
                      "from the standard error (kriegsspiel.validation.era_rates)",
            "date": dt.date.today().isoformat(),
        },
        # the campaign engine multiplies its daily loss rates by the factors of the scenario's start year
        "enabled": 1,
        "eras": {k: list(v) for k, v in ERAS.items()},
        "factors": factors(e),
        # each army's own loss level (army_effects): the campaign engine centres its army loss factor there
        "armies_enabled": 1,
        "armies": army_effects(e),
    }
    write_parameters("era_rates.yaml", """Era casualty factors: recorded CDB90 losses against the pooled calibrated model, per era and
side. Written by `python -m kriegsspiel.validation.era_rates --write`; do not edit by hand.""", doc, path)
    return doc


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    import json
    import sys

    if "--write" in sys.argv:
        print(json.dumps(write()["factors"], indent=1))
