"""The inverse what-if: under which values of a scenario's uncertain assumptions do an article's claims become
likely? (`kriegsspiel explain`; docs/ensembles.md, "The inverse what-if").

Method: approximate Bayesian computation by sequential Monte Carlo (ABC-SMC; Toni et al. 2009, J. R. Soc.
Interface 6:187; Beaumont et al. 2009, Biometrika 96:983), as implemented by pyabc (Schaelte et al. 2022,
JOSS 7:4304). pyabc is used rather than elfi or sbi: elfi pins matplotlib < 3.9 and needs GPy, and sbi needs
PyTorch and a neural density estimator trained on thousands of simulations; pyabc's ABC-SMC needs neither, runs
on one core or on a Dask cluster (its DaskDistributedSampler), and adapts its acceptance threshold from
generation to generation, which keeps a budget of a few hundred simulated worlds useful.

- Parameters: the assumptions with a `range` and `applies_to` targets (scenario.assumptions), each with a
  uniform prior over its range, or over a wider "world" range the user declares (`ranges`, `--range
  ID=LOW:HIGH`). Their historical values are the scenario's.
- Simulator: one "world" (a point of the parameters) is `runs_per_world` campaigns of the batched engine, a
  block of runs of the root seed chosen by a hash of the world's values (`world_runs`): each world has its own
  dice, so the spread of the campaigns enters the posterior, and a world's figures do not depend on the order
  in which worlds are simulated. The confirming runs of the minimal departure are runs 0..confirm_runs-1 at
  every point compared (common random numbers: there the points differ by the assumptions, not the dice).
- Claims: the article's result and its killed, wounded and missing per side (report.parse, as `check` reads
  them).
- Distance of a world to the claims: the mean over the casualty claims of |ln(simulated median + 1) -
  ln(claim + 1)|, plus RESULT_WEIGHT x (1 - the share of runs ending in the claimed result). ASSUMPTION:
  RESULT_WEIGHT = 2, so missing the claimed result in every run weighs as much as casualties off by a factor
  e^2 (about 7).
- Reported: the posterior of each assumption (weighted 10th, 50th, 90th percentiles of the last generation,
  beside the historical value); the smallest departure from the historical values under which the claimed
  result is the most likely one (from the accepted world nearest the historical values where it is, each
  assumption put back to its historical value in turn while the claimed result stays the most likely, checked
  with `confirm_runs` campaigns); the result shares there; and the claims no accepted world makes plausible
  (a result reached by fewer than check.RESULT_MIN_SHARE of the runs of every world, a figure outside the
  simulated 1st-99th percentile range of every world), with the reason.

The local backend is deterministic for a given seed; on Dask the order in which worlds come back changes
pyabc's sampling, so the posterior agrees in distribution, not to the last digit.
"""

from __future__ import annotations

import math
import os
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..report.check import PCT_HIGH, PCT_LOW  # a figure outside the runs' 1st-99th percentile is implausible

RESULT_WEIGHT = 2.0      # ASSUMPTION (module docstring)
MAX_GENERATIONS = 8


@dataclass(frozen=True)
class Param:
    id: str
    historical: float
    low: float
    high: float
    applies_to: tuple[str, ...]


def claims_of(text: str, c) -> list[dict]:
    """The article's claims as the explain search reads them: result and casualty figures by side."""
    from ..engine.outcome import labels, winner_of
    from ..report.check import ALIASES, result_labels, side_of
    from ..report.inputs import check_context
    from ..report.parse import parse_article

    parsed = parse_article(text)
    context = check_context(c)
    sides = list(dict.fromkeys([*c.side_keys, *ALIASES]))
    out: list[dict] = []
    if parsed.result:
        _, winner, labs = result_labels(parsed.result, labels(c), lambda lab: winner_of(c, lab), sides, context)
        out.append({"kind": "result", "side": winner or "", "category": "result", "claimed": parsed.result,
                    "labels": labs})
    for written, cas in parsed.casualties.items():
        side = side_of(written, sides, context)
        for cat in ("killed", "wounded", "missing"):
            if cat in cas:
                out.append({"kind": "casualties", "side": side or written, "written": written, "category": cat,
                            "claimed": int(cas[cat]), "known_side": side in c.side_keys})
    return out


def parameters(loaded, ranges: dict[str, tuple[float, float]] | None = None) -> list[Param]:
    """The searched assumptions: ranged ones with targets, a user's `ranges` replacing their ranges."""
    from ..scenario.assumptions import uncertain
    from ..scenario.errors import Problem, ScenarioError

    ranges = dict(ranges or {})
    out = []
    for a in uncertain(loaded.scenario):
        lo, hi = ranges.pop(a.id, (float(a.range[0]), float(a.range[1])))
        out.append(Param(a.id, float(a.value), float(lo), float(hi), tuple(a.applies_to)))
    if ranges:
        known = ", ".join(p.id for p in out) or "none"
        raise ScenarioError([Problem(str(loaded.path), None, f"assumptions.{k}", k,
                                     f"an assumption with a range and applies_to (searchable here: {known})")
                             for k in ranges])
    for p in out:
        if not (math.isfinite(p.low) and math.isfinite(p.high) and p.low < p.high):
            raise ScenarioError([Problem(str(loaded.path), None, f"assumptions.{p.id}.range", f"{p.low}:{p.high}",
                                         "a range LOW:HIGH of finite numbers with LOW < HIGH")])
    return out


def world_runs(theta: dict, runs: int) -> np.ndarray:
    """The run indices of a world: a block of `runs` consecutive runs placed by a hash of the world's values, so
    each world gets its own dice (the simulator stays stochastic, as ABC needs: with the same dice in every world
    the posterior would be conditional on one draw of them and too narrow) and the same world always gets the same
    ones, on any backend."""
    import hashlib

    key = ";".join(f"{k}={float(theta[k]).hex()}" for k in sorted(theta)).encode()
    block = int.from_bytes(hashlib.sha256(key).digest()[:8], "little") % 1_000_000_000
    return block * runs + np.arange(runs)


def world_stats(spec, runs, claims: list[dict]) -> dict:
    """The figures of one world that the claims are judged by: result shares, and per casualty claim the median
    and the 1st/99th percentiles of ln(simulated + 1). `runs`: a number n (runs 0..n-1) or the run indices."""
    from ..results.columns import slug
    from .batch import run_columns

    cols = run_columns(spec, np.arange(runs) if np.ndim(runs) == 0 else np.asarray(runs))
    res = cols["result"]
    shares = {str(lab): float(np.mean(res == lab)) for lab in np.unique(res)}
    out = {"shares": shares}
    for k, cl in enumerate(claims):
        if cl["kind"] == "result":
            claimed = sum(shares.get(lab, 0.0) for lab in cl["labels"])
            others = [v for lab, v in shares.items() if lab not in cl["labels"]]
            out[f"c{k}_share"] = claimed
            out[f"c{k}_most_likely"] = float(claimed >= max(others, default=0.0) and claimed > 0)
        elif cl.get("known_side"):
            v = np.log1p(cols[f"{slug(cl['side'])}_{cl['category']}"].astype(float))
            lo, med, hi = np.percentile(v, [PCT_LOW, 50, PCT_HIGH])
            out[f"c{k}_med"], out[f"c{k}_lo"], out[f"c{k}_hi"] = float(med), float(lo), float(hi)
    return out


def distance_of(stats: dict, claims: list[dict]) -> float:
    """The distance of a world to the claims (module docstring); infinite for a world the schema refuses."""
    if "invalid" in stats:
        return math.inf
    cas = [abs(stats[f"c{k}_med"] - math.log1p(cl["claimed"])) for k, cl in enumerate(claims)
           if f"c{k}_med" in stats]
    d = float(np.mean(cas)) if cas else 0.0
    for k, cl in enumerate(claims):
        if cl["kind"] == "result" and cl["labels"]:
            d += RESULT_WEIGHT * (1.0 - stats[f"c{k}_share"])
    return d


def _wquantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    x, w = x[order], w[order]
    cw = np.cumsum(w) / w.sum()
    return float(np.interp(q, cw - 0.5 * w / w.sum(), x))


def explain(text: str, scenario=None, *, budget: int = 600, runs_per_world: int = 16, confirm_runs: int = 64,
            seed: int = 0, ranges: dict | None = None, client=None,
            progress: Callable[[int, int], None] | None = None) -> dict:
    """Search the scenario's assumption ranges for the worlds under which the article's claims are likely.

    budget: simulated worlds in all, pyabc's first sample for the initial threshold included; each world is
        `runs_per_world` campaigns. Each generation may use only the worlds left; one that cannot fill its
        population within them ends the search (its worlds count: `worlds_simulated` says how many were run)
    client: a dask.distributed Client to spread the worlds over (default: this process)
    progress: called (worlds done, budget) as worlds are simulated
    """
    import logging

    import pyabc

    from ..api import load_scenario
    from ..scenario.assumptions import OutOfBounds, check, resolve
    from ..scenario.errors import Problem, ScenarioError
    from .batch import EnsembleSpec, compiled

    loaded = load_scenario(scenario)
    params = parameters(loaded, ranges)
    check(loaded, {p.id for p in params})
    base = EnsembleSpec(str(loaded.path.resolve()), loaded.sha256, int(seed))
    c = compiled(base)
    claims = claims_of(text, c)
    if not claims:
        raise ScenarioError([Problem("article", None, "result / casualties", "none found",
                                     "an article with a result or casualty figures (an infobox, or lines like "
                                     "'Result: ...' and 'Japanese: 12,000 killed')")])
    if not params:
        raise ScenarioError([Problem(str(loaded.path), None, "assumptions", "none searchable",
                                     "assumptions with a range and applies_to to search over")])
    widened = {p.id: (p.low, p.high) for p in params}
    for p in params:                       # both ends must be inputs the schema accepts
        for v in (p.low, p.high):
            resolve(loaded, {p.id: v}, widened)
    names = [p.id for p in params]
    spec_ranges = tuple(sorted((p.id, p.low, p.high) for p in params if (ranges or {}).get(p.id)))

    def spec_of(theta: dict) -> EnsembleSpec:
        return EnsembleSpec(base.scenario_path, base.scenario_sha256, int(seed),
                            tuple(sorted((k, float(theta[k])) for k in names)), spec_ranges)

    count = {"n": 0, "invalid": 0}
    report = progress if client is None else None      # the model must not hold the client: it is pickled for Dask

    def model(par) -> dict:
        theta = {k: float(par[k]) for k in names}
        try:
            stats = world_stats(spec_of(theta), world_runs(theta, runs_per_world), claims)
        except OutOfBounds:
            # a combination the schema refuses (two assumptions scaling one input past its bound): no such world,
            # never clipped to the bound (as in sensitivity designs; scenario.assumptions, ensemble.sensitivity)
            stats = {"invalid": 1.0}
            count["invalid"] += 1
        flat = {k: v for k, v in stats.items() if k != "shares"}
        flat.update({f"theta_{k}": v for k, v in theta.items()})
        if report is not None:
            count["n"] += 1
            report(min(count["n"], budget), budget)
        return flat

    def distance(x: dict, x0: dict) -> float:
        return distance_of(x, claims)

    prior = pyabc.Distribution(**{p.id: pyabc.RV("uniform", p.low, p.high - p.low) for p in params})
    # ASSUMPTION: a tenth of the budget per generation (10 to 100 worlds) leaves room for several generations
    population = max(10, min(100, budget // 10))
    if client is None:
        sampler = pyabc.sampler.SingleCoreSampler(check_max_eval=True)
    else:
        sampler = pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=1)
    for name in ("ABC", "Sampler", "Epsilon", "Distance", "History", "Acceptor", "ABC.History"):
        logging.getLogger(name).setLevel(logging.WARNING)
    state = np.random.get_state()
    np.random.seed(int(seed) % 2**32)
    try:
        with warnings.catch_warnings():
            # pyabc's perturbation kernel warns when a generation's particles sit on a line (one assumption pinned
            # by the claims); it regularises the covariance itself, so the warning says nothing to the user
            warnings.filterwarnings("ignore", category=RuntimeWarning, module="pyabc")
            abc = pyabc.ABCSMC(model, prior, distance, population_size=population, sampler=sampler)
            with tempfile.TemporaryDirectory() as tmp:
                abc.new("sqlite:///" + os.path.join(tmp, "explain.db"), {})
                # one generation at a time, each allowed only the worlds left in the budget (pyabc stops a
                # generation that cannot fill its population within them)
                history = None
                for _ in range(MAX_GENERATIONS):
                    left = budget - (int(history.total_nr_simulations) if history is not None else population)
                    if left < population:
                        break
                    t_before = history.max_t if history is not None else -1
                    abc.min_acceptance_rate = population / left
                    history = abc.run(max_nr_populations=1)
                    if history.max_t == t_before:
                        break
                if history is None:
                    raise ValueError(f"--budget {budget}: too small for a first generation of {population} worlds "
                                     f"(at least {2 * population})")
                t = history.max_t
                weights, stats = history.get_weighted_sum_stats_for_model(m=0, t=t)
                total = int(history.total_nr_simulations)
                eps = float(history.get_all_populations()["epsilon"].iloc[-1])
    finally:
        np.random.set_state(state)
    w = np.asarray(weights, float)
    theta = np.array([[s[f"theta_{k}"] for k in names] for s in stats])
    posterior = {}
    for j, p in enumerate(params):
        posterior[p.id] = {"p10": _wquantile(theta[:, j], w, 0.10), "p50": _wquantile(theta[:, j], w, 0.50),
                           "p90": _wquantile(theta[:, j], w, 0.90), "historical": p.historical,
                           "range": [p.low, p.high], "applies_to": list(p.applies_to)}
    minimal = _minimal_departure(params, stats, claims, spec_of, confirm_runs)
    return {"scenario": loaded.scenario.name, "seed": int(seed), "method": "ABC-SMC (pyabc)",
            "budget": budget, "worlds_simulated": total, "worlds_refused": count["invalid"], "runs_per_world": runs_per_world,
            "generations": t + 1, "population": population, "final_epsilon": eps,
            "claims": _claim_rows(claims, stats), "posterior": posterior,
            "samples": {"weights": w.tolist(), **{k: theta[:, j].tolist() for j, k in enumerate(names)}},
            **minimal, "implausible": _implausible(claims, stats, c)}


def _departure(theta: dict, params: list[Param]) -> float:
    return float(sum(abs(theta[p.id] - p.historical) / (p.high - p.low) for p in params))


def _minimal_departure(params, stats, claims, spec_of, confirm_runs) -> dict:
    """The accepted world nearest the historical values where the claimed result is the most likely one, then
    each assumption put back to its historical value while it stays so (module docstring)."""
    res = [k for k, cl in enumerate(claims) if cl["kind"] == "result" and cl["labels"]]
    hist = {p.id: p.historical for p in params}
    if not res:
        return {"minimal_departure": None, "result_share_at_minimal": None,
                "minimal_note": "the article claims no result the scenario can end in"}
    k = res[0]
    worlds = [({p.id: s[f"theta_{p.id}"] for p in params}, s) for s in stats]
    ok = [th for th, s in worlds if s[f"c{k}_most_likely"] > 0]
    if not ok:
        best = max(worlds, key=lambda ws: ws[1][f"c{k}_share"])[0]
        note = ("in no accepted world is the claimed result the most likely one; the world where it is most "
                "frequent is shown")
    else:
        best = min(ok, key=lambda th: _departure(th, params))
        note = "the claimed result is the most likely one here"

    def likely(theta: dict) -> tuple[bool, dict]:
        from ..scenario.assumptions import OutOfBounds

        try:
            st = world_stats(spec_of(theta), confirm_runs, claims)
        except OutOfBounds:      # putting one back made a combination the schema refuses: no such world
            return False, {}
        return bool(st[f"c{k}_most_likely"] > 0), st["shares"]

    point = dict(best)
    holds, shares = likely(point)
    if holds:
        # put back, nearest first, every assumption whose historical value keeps the claimed result the most likely
        for p in sorted(params, key=lambda p: abs(point[p.id] - p.historical) / (p.high - p.low)):
            if point[p.id] == p.historical:
                continue
            trial = {**point, p.id: p.historical}
            ok_t, sh = likely(trial)
            if ok_t:
                point, shares = trial, sh
    changed = {pid: {"value": point[pid], "historical": hist[pid], "change": point[pid] - hist[pid]}
               for pid in point if point[pid] != hist[pid]}
    return {"minimal_departure": changed, "minimal_departure_all": point,
            "departure_score": _departure(point, params), "result_share_at_minimal": shares,
            "claimed_result_most_likely_at_minimal": holds or bool(ok), "minimal_note": note,
            "confirm_runs": confirm_runs}


def _claim_rows(claims, stats) -> list[dict]:
    rows = []
    for k, cl in enumerate(claims):
        row = {key: v for key, v in cl.items() if key != "known_side"}
        if cl["kind"] == "result":
            sh = [s[f"c{k}_share"] for s in stats] if cl["labels"] else [0.0]
            row["share_in_accepted_worlds"] = {"min": float(min(sh)), "max": float(max(sh)),
                                               "median": float(np.median(sh))}
        elif f"c{k}_med" in stats[0]:
            med = np.expm1([s[f"c{k}_med"] for s in stats])
            row["simulated_median_in_accepted_worlds"] = {"min": float(med.min()), "max": float(med.max()),
                                                          "median": float(np.median(med))}
        rows.append(row)
    return rows


def _implausible(claims, stats, c) -> list[dict]:
    from ..report.article import fmt_int
    from ..report.check import RESULT_MIN_SHARE

    out = []
    for k, cl in enumerate(claims):
        if cl["kind"] == "result":
            if not cl["labels"]:
                out.append({"claim": cl["claimed"], "category": "result",
                            "reason": "names no side of the campaign and no draw (sides: "
                                      + ", ".join(c.side_keys) + "), so no run can end in it"})
                continue
            best = max(s[f"c{k}_share"] for s in stats)
            if best < RESULT_MIN_SHARE:
                out.append({"claim": cl["claimed"], "category": "result",
                            "reason": f"at most {100 * best:.1f} % of the runs of any accepted world end in it "
                                      f"(threshold {100 * RESULT_MIN_SHARE:.0f} %)"})
        elif not cl.get("known_side"):
            out.append({"claim": cl["claimed"], "category": cl["category"], "side": cl["side"],
                        "reason": f"`{cl['written']}` is no side of the campaign ({', '.join(c.side_keys)})"})
        else:
            x = math.log1p(cl["claimed"])
            lo = np.array([s[f"c{k}_lo"] for s in stats])
            hi = np.array([s[f"c{k}_hi"] for s in stats])
            if not ((lo <= x) & (x <= hi)).any():
                above = x > hi.max()
                near = np.expm1(hi.max() if above else lo.min())
                out.append({"claim": cl["claimed"], "category": cl["category"], "side": cl["side"],
                            "reason": f"{fmt_int(cl['claimed'])} {cl['category']} is "
                                      f"{'above' if above else 'below'} the simulated 1st-99th percentile range of "
                                      f"every accepted world ({'highest 99th' if above else 'lowest 1st'} "
                                      f"percentile {fmt_int(near)})"})
    return out
