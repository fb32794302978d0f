"""Relative combat effectiveness (CEV) per nation and era, fitted on CDB90 and shrunk toward 1.

Dupuy's QJM multiplies each side's combat power by a relative combat effectiveness value (P = S x V x CEV;
Dupuy, Numbers, Predictions and War, 1979, ch. 8; literature.md). The QJM's CEVs were judgemental; here they
are estimated from the battles: with the calibrated engagement model held fixed (fitted.yaml), each battle's
power ratio becomes

    ratio_i * exp(theta[g_att(i)] - theta[g_def(i)])

where g is the (era, nation) group of each side (CDB90 belligerents.actors), and theta is the posterior mode
under theta_g ~ Normal(0, tau^2) of the likelihood of the recorded outcomes and casualties (the same
likelihood as validation.calibrate). A group with few battles stays near CEV 1: the prior is the hierarchy's
shrinkage, and tau, its scale, is chosen on held-out folds (five folds, the one-standard-error rule of
calibrate._one_se_choice). CDB90's judgemental `cea` is never an input; its mean per group is reported beside
the fitted value as a diagnostic only.

The fitted table is written to data/parameters/effectiveness.yaml (`python -m kriegsspiel.validation.effectiveness --write`)
and read by the compiler, which multiplies each unit's `quality` by the value of its nation in the
scenario's era.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from ..params import Params, default_params
from .calibrate import N_FOLDS, SEED, arrays, casualty_loglik, folds, model_ratio, outcome_loglik
from .cdb90 import Engagements

# CDB90 belligerents.actors -> nation key of the scenario format (schema `nation`). A joint belligerent
# ("Germany & Italy") counts as its first, leading member (ASSUMPTION: the larger contingent).
ACTOR_NATION = {
    "Germany": "germany", "Germany & Austria": "germany", "Germany & Italy": "germany",
    "Great Britain": "uk", "USA": "usa", "USSR": "ussr", "Russia": "ussr", "Japan": "japan",
    "Italy": "italy", "France": "france", "Austria": "austria", "Ottoman Empire": "ottoman",
    "Finland": "finland", "Poland": "poland", "Serbia": "serbia", "Bulgaria": "bulgaria",
    "Israel": "israel", "Egypt": "egypt", "Syria": "syria", "Jordan": "jordan", "Iraq": "iraq",
    "North Korea": "north_korea", "North Vietnam": "north_vietnam", "South Vietnam": "south_vietnam",
    "Spanish Republic": "spanish_republic", "South African Republic": "south_african_republic",
    "Palestine": "palestine",
}
# Eras (first year, last year); a year outside every era has CEV 1. The Second World War is cut at the turn of
# 1942-43: the armies of 1943-45 were not those of 1937-42 (Dupuy's own CEVs change over the war: Dupuy,
# Understanding War, 1987, ch. 8, German-Soviet values falling from 1941 to 1944 [recalled]); and CDB90's
# Japanese battles are 30 of 34 at Okinawa and Iwo Jima in 1945, which say little of the army of Malaya in
# 1941 (ASSUMPTION: the cut year).
ERAS = {"ww1": (1914, 1918), "interwar": (1919, 1936), "ww2_early": (1937, 1942), "ww2_late": (1943, 1945),
        "post45": (1946, 1999)}
TAU_GRID = (0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5)


def era_of(year: int) -> str | None:
    for k, (a, b) in ERAS.items():
        if a <= year <= b:
            return k
    return None


def _belligerents() -> pd.DataFrame:
    with resources.files("kriegsspiel.data").joinpath("cdb90/belligerents.csv").open("rb") as f:
        return pd.read_csv(f, usecols=["isqno", "attacker", "actors"])


def groups(e: Engagements) -> tuple[np.ndarray, list[str]]:
    """(n, 2) group index of attacker and defender of each battle (-1: no group), and the group names
    'era.nation'."""
    bel = _belligerents()
    side = {(int(r.isqno), int(r.attacker)): str(r.actors) for r in bel.itertuples()}
    names: list[str] = []
    g = -np.ones((len(e), 2), dtype=np.int64)
    for i, (q, y) in enumerate(zip(e.isqno, e.year)):
        era = era_of(int(y))
        for k, att_flag in ((0, 1), (1, 0)):
            nation = ACTOR_NATION.get(side.get((int(q), att_flag), ""))
            if era is None or nation is None:
                continue
            key = f"{era}.{nation}"
            if key not in names:
                names.append(key)
            g[i, k] = names.index(key)
    return g, names


def _offset(theta: np.ndarray, g: np.ndarray) -> np.ndarray:
    t = np.concatenate([theta, [0.0]])        # index -1 -> no group -> 0
    return t[g[:, 0]] - t[g[:, 1]]


def negloglik(theta, a, ratio0, g, p: Params, tau: float) -> float:
    ratio = ratio0 * np.exp(_offset(theta, g))
    ll = np.sum(outcome_loglik(a, p, ratio)) + np.sum(casualty_loglik(a, p, ratio))
    return float(-ll + 0.5 * np.sum((theta / tau) ** 2))


def fit(e: Engagements, p: Params | None = None, tau: float = 0.2, g=None, n_groups: int | None = None) -> np.ndarray:
    """Posterior-mode log-CEV per group (deterministic: L-BFGS-B from 0)."""
    p = p or default_params()
    if g is None:
        g, names = groups(e)
        n_groups = len(names)
    a = arrays(e, p)
    ratio0 = model_ratio(a, p)
    res = minimize(negloglik, np.zeros(n_groups), args=(a, ratio0, g, p, tau), method="L-BFGS-B",
                   bounds=[(-2.0, 2.0)] * n_groups,
                   options={"maxiter": 5000, "maxfun": 200000, "ftol": 1e-14, "gtol": 1e-9})
    return res.x


def held_out(e: Engagements, p: Params | None = None, taus=TAU_GRID, k: int = N_FOLDS, seed: int = SEED) -> dict:
    """Five-fold held-out scores of the model without (tau 0) and with effectiveness at each tau:
    {tau: {winner_accuracy, log_loss, outcome_ll (per battle array), casualty_ll}}."""
    from scipy.special import ndtr

    p = p or default_params()
    g, names = groups(e)
    n = len(e)
    rows = {}
    for tau in (0.0, *taus):
        pw = np.full(n, np.nan)
        oll, cll = [], []
        for test in folds(n, k, seed):
            train = np.setdiff1d(np.arange(n), test)
            theta = fit(e.take(train), p, tau, g[train], len(names)) if tau > 0 else np.zeros(len(names))
            a_te = arrays(e.take(test), p)
            ratio = model_ratio(a_te, p) * np.exp(_offset(theta, g[test]))
            pw[test] = ndtr((np.log(np.maximum(ratio, 1e-12)) - p["ln_threshold"]) / p["outcome_sigma"])
            oll.append(outcome_loglik(a_te, p, ratio))
            cll.append(casualty_loglik(a_te, p, ratio))
        dec = e.outcome != 0
        won = e.outcome[dec] > 0
        q = np.clip(pw[dec], 1e-9, 1 - 1e-9)
        rows[tau] = {"winner_accuracy": float(np.mean((q >= 0.5) == won)),
                     "log_loss": float(-np.mean(np.where(won, np.log(q), np.log1p(-q)))),
                     "_outcome_ll": np.concatenate(oll), "_casualty_ll": np.concatenate(cll)}
        rows[tau]["outcome_ll"] = float(np.mean(rows[tau]["_outcome_ll"]))
        rows[tau]["casualty_ll"] = float(np.mean(rows[tau]["_casualty_ll"]))
        rows[tau]["_total"] = np.concatenate([rows[tau]["_outcome_ll"], rows[tau]["_casualty_ll"]])
        rows[tau]["total_ll"] = float(np.mean(rows[tau]["_total"]))
    return rows


def choose_tau(rows: dict) -> float:
    """The one-standard-error rule on the summed held-out log-likelihood (outcomes and casualties): the
    smallest tau (strongest shrinkage) within one standard error of the best."""
    best = max(rows, key=lambda t: rows[t]["total_ll"])
    for t in sorted(rows):
        d = rows[t]["_total"] - rows[best]["_total"]
        se = float(np.std(d, ddof=1) / np.sqrt(len(d)))
        if np.mean(d) >= -se:
            return t
    return best


def cea_diagnostic(e: Engagements, g: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean CDB90 `cea` (judgemental attacker advantage, -4..4) from each group's side: diagnostic only."""
    out = np.full(n_groups, np.nan)
    for j in range(n_groups):
        v = np.concatenate([e.cea[g[:, 0] == j], -e.cea[g[:, 1] == j]])
        v = v[np.isfinite(v)]
        if len(v):
            out[j] = float(np.mean(v))
    return out


def table(e: Engagements, p: Params | None = None, exclude: np.ndarray | None = None,
          tau: float | None = None, rows: dict | None = None) -> dict:
    """The effectiveness table {era: {nation: {cev, battles, cea_mean}}} fitted on e (minus `exclude`
    battles), with tau chosen on held-out folds unless given."""
    p = p or default_params()
    if exclude is not None and exclude.any():
        e = e.take(np.flatnonzero(~exclude))
    g, names = groups(e)
    if tau is None:
        rows = rows or held_out(e, p)
        tau = choose_tau(rows)
    theta = fit(e, p, tau, g, len(names)) if tau > 0 else np.zeros(len(names))
    counts = np.bincount(g[g >= 0], minlength=len(names))
    cea = cea_diagnostic(e, g, len(names))
    out: dict = {}
    for j, key in enumerate(names):
        era, nation = key.split(".")
        out.setdefault(era, {})[nation] = {"cev": round(float(np.exp(theta[j])), 3), "battles": int(counts[j]),
                                           "cea_mean": None if np.isnan(cea[j]) else round(float(cea[j]), 2)}
    return {"tau": tau, "cev": out}


def campaign_battles(e: Engagements, start: dt.date, end: dt.date, nations: set[str]) -> np.ndarray:
    """Battles of a campaign, to hold out of the fit its back-test uses: CDB90 battles in the campaign's
    years between two of its nations (the battle's year within start..end year; CDB90 dates are not all
    precise to the day)."""
    g, names = groups(e)
    nat = np.array([n.split(".")[1] for n in names] + [""])
    yr_ok = (e.year >= start.year) & (e.year <= end.year)
    both = np.isin(nat[g[:, 0]], list(nations)) & np.isin(nat[g[:, 1]], list(nations))
    return yr_ok & both


# Nations of the scenarios without battles of their own in CDB90, read as a fitted nation (ASSUMPTION, kept
# in the written table): Commonwealth divisions fought under British command and CDB90 files their battles
# under Great Britain; the Mongolian People's Army fought under Soviet command at Khalkhin Gol.
ALIASES = {"australia": "uk", "india": "uk", "new_zealand": "uk", "south_africa": "uk", "canada": "uk",
           "mongolia": "ussr"}


def write(path=None) -> dict:
    """Fit on every eligible CDB90 battle (theatre battles 256-260 are never in the fit set) and write
    data/parameters/effectiveness.yaml with its provenance and held-out scores."""
    from .cdb90 import load
    from .writeout import write_parameters

    e, info = load()
    p = default_params()
    rows = held_out(e, p)
    tau = choose_tau(rows)
    t = table(e, p, tau=tau)
    doc = {
        "provenance": {
            "data": "CDB90 (U.S. Army Concepts Analysis Agency 1991, public domain; Jeffrey B. Arnold, CDB90, "
                    "ODC-BY 1.0): the calibration's fit set (battles from 1900 on, duplicates and isqno 256-260 "
                    "excluded), nations from belligerents.actors",
            "n_battles": int(info["n"]),
            "method": "posterior mode of log CEV per (era, nation) under Normal(0, tau^2), the engagement model "
                      "fixed at fitted.yaml, likelihood of outcomes and casualties as in validation.calibrate; "
                      "tau by the one-standard-error rule on five held-out folds "
                      "(kriegsspiel.validation.effectiveness)",
            "tau": float(tau),
            "held_out": {str(k): {m: round(v[m], 4) for m in ("winner_accuracy", "log_loss", "outcome_ll",
                                                                 "casualty_ll")} for k, v in rows.items()},
            "date": dt.date.today().isoformat(),
            "note": "cea_mean is CDB90's judgemental combat-effectiveness advantage (-4..4) averaged from the "
                    "nation's side: a diagnostic beside the fit, never an input.",
        },
        # used by the engine only when switched on (--set effectiveness.enabled=1 or scenario parameters): on
        # the campaign back-tests it did not carry over from one campaign to another (docs/validation.md)
        "enabled": 0,
        "eras": {k: list(v) for k, v in ERAS.items()},
        "aliases": ALIASES,
        "cev": t["cev"],
    }
    write_parameters("effectiveness.yaml", """Relative combat effectiveness (CEV) per era and nation, fitted on CDB90 and shrunk toward 1.
Written by `python -m kriegsspiel.validation.effectiveness --write`; do not edit by hand.
The compiler multiplies each unit's `quality` by its nation's value in the scenario's era
(a nation not listed: 1). Scenario `parameters` reach a value as effectiveness.ERA.NATION.""", doc, path)
    return doc


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    import sys

    if "--write" in sys.argv:
        d = write()
        print(d["provenance"]["held_out"])
