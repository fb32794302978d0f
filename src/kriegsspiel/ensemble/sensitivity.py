"""Which assumption decides it: global sensitivity of the outcome to the scenario's uncertain assumptions.

The factors are the assumptions with a ``range`` and ``applies_to`` targets (scenario.assumptions). A
design of points over their ranges is drawn with SALib (Morris elementary effects by default: cheap
screening, r (k + 1) points for k factors; Sobol indices optionally: N (k + 2) points); at each point the
same runs 0..n-1 of the same root seed are simulated (common random numbers, so differences between points
are the assumptions' doing, not the dice's), and these outputs are measured:

- ``attacker_win_share``: the share of runs whose result's winner is the attacking side (the side of the
  main-effort offensive);
- ``casualties_total``: mean killed + wounded + missing of both sides, men;
- ``losses: SIDE``: each side's mean killed + wounded + missing;
- ``result: LABEL``: the share of runs ending in each result label;
- ``fell: PLACE``: the share of runs in which each key place (ensemble.rows.key_places) changed hands.

Each factor gets, per output, its index with a 95 % bootstrap confidence half-width: Morris mu* (mean
absolute elementary effect per full range of the factor, in the output's units) or Sobol total-order ST
(share of the output's variance). Factors are ranked by the win share, then the casualties.

Points the schema refuses. Two assumptions may scale one input (Operation Otsu: ussr_rifle_division_strength
and ussr_split_ground_units_men both scale a rifle division's ``strength``), so values each inside its range can
together push the input past its bound (``strength`` <= 1.5): no input the model accepts
(scenario.assumptions.OutOfBounds). Such points are left out, never clipped: clipping the input to its bound
would run a world other than the one the assumption values name (more men declared than simulated) and flatten
both assumptions' effects near the bound without saying so. A design is checked before anything is simulated;
an elementary effect (Morris) needs its whole trajectory and a Sobol estimate its whole block of k + 2 points
(A, B and the k points between them), so a trajectory or block with a refused point is dropped whole, and
replaced by one drawn afresh (further draws of the same sampler, seeded from the root seed, at most
MAX_DRAWS in all), so the analysis keeps the trajectories or base samples asked for. The indices then describe the
assumptions' influence over the combinations the model accepts (for Sobol, an approximation: the estimator
assumes independent factors, and leaving out a corner makes them slightly dependent). ``refused`` in the result
counts the trajectories or blocks dropped, the points in them the schema refused, and why. This is what the
inverse what-if does too (ensemble.explain: a refused world is no world, and counted).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

OUTPUTS = ("attacker_win_share", "casualties_total")      # the headline pair the ranking is ordered by
MAX_DRAWS = 20     # ASSUMPTION: draws of the design in all to fill the trajectories (blocks) refused points emptied


def output_names(c) -> list[str]:
    """Every output measured for compiled scenario `c` (module docstring), the headline pair first."""
    from ..engine.outcome import labels
    from .rows import key_places

    return [*OUTPUTS, *(f"losses: {s}" for s in c.side_keys), *(f"result: {lab}" for lab in labels(c)),
            *(f"fell: {p}" for p in key_places(c))]


@dataclass
class Factor:
    id: str
    value: float
    low: float
    high: float
    applies_to: list[str]


@dataclass
class Sensitivity:
    """The ranking: `factors` ordered most influential first, each {"id", "range", "value", "applies_to",
    OUTPUT: {"index", "conf", ...}}; `not_varied` the ranged assumptions nothing varies (no targets, or a value
    that is no number); `refused` the trajectories (Morris) or blocks (Sobol) left out because the schema refuses
    one of their points (module docstring): {"unit", "groups" (dropped), "points" (refused), "asked", "kept",
    "draws", "reasons": {why: points}}."""

    scenario: str
    method: str
    runs_per_point: int
    points: int
    seed: int
    attacker: str
    attacker_labels: list[str]
    factors: list[dict]
    not_varied: list[str] = field(default_factory=list)
    baseline: dict = field(default_factory=dict)
    outputs: list[str] = field(default_factory=lambda: list(OUTPUTS))
    refused: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "method": self.method, "runs_per_point": self.runs_per_point,
                "points": self.points, "seed": self.seed, "attacker": self.attacker,
                "attacker_labels": self.attacker_labels, "outputs": list(self.outputs), "baseline": self.baseline,
                "ranking": self.factors, "not_varied": self.not_varied, "refused": self.refused}


def attacker_side(c) -> str:
    """The attacking side: that of the main-effort ground offensive, else of the first operation."""
    ops = c.scenario.operations
    main = [op for op in ops if op.main_effort] or list(ops)
    return main[0].side if main else c.side_keys[0]


def point_outputs(spec, runs: int, attacker: str, batch_size: int = 1000, names=None) -> np.ndarray:
    """The outputs `names` (default: the headline pair) of runs 0..runs-1 of `spec` (an EnsembleSpec)."""
    from ..results.columns import slug
    from .batch import compiled, run_columns

    names = list(names or OUTPUTS)
    sides = compiled(spec).side_keys
    total = np.zeros(len(names))
    for start in range(0, runs, batch_size):
        cols = run_columns(spec, np.arange(start, min(runs, start + batch_size)))
        lost = {s: sum(cols[f"{slug(s)}_{k}"].astype(float) for k in ("killed", "wounded", "missing")) for s in sides}
        for j, name in enumerate(names):
            if name == "attacker_win_share":
                total[j] += float((cols["winner"] == attacker).sum())
            elif name == "casualties_total":
                total[j] += float(sum(v.sum() for v in lost.values()))
            elif name.startswith("losses: "):
                total[j] += float(lost[name[len("losses: "):]].sum())
            elif name.startswith("result: "):
                total[j] += float((cols["result"] == name[len("result: "):]).sum())
            elif name.startswith("fell: "):
                total[j] += float((cols[f"fell_day_{slug(name[len('fell: '):])}"] >= 0).sum())
    return total / max(runs, 1)


def analyse(scenario=None, method: str = "morris", runs_per_point: int = 100, seed: int = 0, *,
            trajectories: int = 10, levels: int = 4, base_samples: int = 32,
            progress: Callable[[int, int], None] | None = None, client=None) -> Sensitivity:
    """Vary the uncertain assumptions over their ranges and rank them (see the module docstring).

    method: "morris" (`trajectories` r, `levels` grid levels) or "sobol" (`base_samples` N, a power of 2)
    progress: called (points done, points in all) after each point
    client: a dask.distributed Client to spread the points over (default: this process)
    """
    from ..api import load_scenario
    from ..engine.outcome import labels, winner_of
    from ..scenario.assumptions import check, resolve, uncertain, unmapped
    from ..scenario.errors import Problem, ScenarioError
    from .batch import EnsembleSpec, compiled

    if method not in ("morris", "sobol"):
        raise ValueError(f"method must be 'morris' or 'sobol', not {method!r}")
    loaded = load_scenario(scenario)
    s = loaded.scenario
    factors = [Factor(a.id, float(a.value), float(a.range[0]), float(a.range[1]), list(a.applies_to))
               for a in uncertain(s)]
    check(loaded, {f.id for f in factors})
    base = EnsembleSpec(str(loaded.path.resolve()), loaded.sha256, int(seed))
    c = compiled(base)
    attacker = attacker_side(c)
    att_labels = [lab for lab in labels(c) if winner_of(c, lab) == attacker]
    names = output_names(c)
    result = Sensitivity(s.name, method, runs_per_point, 0, int(seed), attacker, att_labels, [],
                         [a.id for a in unmapped(s)], outputs=names)
    b = point_outputs(base, runs_per_point, attacker, names=names)
    result.baseline = {k: float(v) for k, v in zip(names, b)}
    if not factors:
        return result
    for f in factors:      # both ends of each range must be inputs the schema accepts
        for v in (f.low, f.high):
            resolve(loaded, {f.id: v})
    problem = {"num_vars": len(factors), "names": [f.id for f in factors],
               "bounds": [[f.low, f.high] if f.high > f.low else [f.low, f.low + 1e-9] for f in factors]}
    X, result.refused = design(loaded, factors, problem, method, trajectories if method == "morris" else base_samples,
                               levels, seed)
    if not len(X):
        why = "; ".join(result.refused["reasons"])
        raise ScenarioError([Problem(str(loaded.path), None, "assumptions", f"{result.refused['groups']} "
                                     f"{result.refused['unit']} drawn, every one refused ({why})",
                                     "ranges under which some combinations are inputs the schema accepts")])
    specs = [EnsembleSpec(base.scenario_path, base.scenario_sha256, int(seed),
                          tuple(sorted((f.id, float(x)) for f, x in zip(factors, row)))) for row in X]
    Y = np.zeros((len(X), len(names)))
    if client is None:
        for i, sp in enumerate(specs):
            Y[i] = point_outputs(sp, runs_per_point, attacker, names=names)
            if progress:
                progress(i + 1, len(specs))
    else:
        from dask.distributed import as_completed

        futs = {client.submit(point_outputs, sp, runs_per_point, attacker, names=names, pure=False): i
                for i, sp in enumerate(specs)}
        for k, fut in enumerate(as_completed(futs)):
            Y[futs[fut]] = fut.result()
            if progress:
                progress(k + 1, len(specs))
    result.points = len(X)
    per_output = [_analyse(method, problem, X, Y[:, j], levels, seed) for j in range(len(names))]
    rows = []
    for i, f in enumerate(factors):
        row = {"id": f.id, "value": f.value, "range": [f.low, f.high], "applies_to": f.applies_to}
        for name, res in zip(names, per_output):
            row[name] = {k: _num(v[i]) for k, v in res.items()}
        rows.append(row)
    rows.sort(key=lambda r: (-r[OUTPUTS[0]]["index"], -r[OUTPUTS[1]]["index"]))
    result.factors = rows
    return result


def design(loaded, factors: list[Factor], problem: dict, method: str, groups: int, levels: int,
           seed: int) -> tuple[np.ndarray, dict]:
    """The design points: `groups` Morris trajectories (k + 1 points each) or Sobol blocks (k + 2 points), every
    point of them an input the schema accepts (module docstring), and the account of those refused."""
    from collections import Counter

    from ..scenario.assumptions import OutOfBounds, resolve

    k = len(factors)
    size = k + 1 if method == "morris" else k + 2
    known: dict[tuple, tuple[str, ...]] = {}

    def refusal(row) -> tuple[str, ...]:
        key = tuple(float(x) for x in row)
        if key not in known:
            try:
                resolve(loaded, {f.id: x for f, x in zip(factors, key)})
                known[key] = ()
            except OutOfBounds as exc:
                known[key] = tuple(exc.reasons)
        return known[key]

    kept: list[np.ndarray] = []
    dropped = points = draws = 0
    reasons: Counter = Counter()
    while len(kept) < groups and draws < MAX_DRAWS:
        # the first draw is the design the seed always gave; further ones only replace refused groups
        rng = seed if draws == 0 else np.random.default_rng([int(seed), draws])
        X = _sample(problem, method, groups, levels, rng)
        draws += 1
        for g in range(len(X) // size):
            block = X[g * size:(g + 1) * size]
            why = [refusal(row) for row in block]
            if not any(why):
                kept.append(block)
                if len(kept) == groups:
                    break
            else:
                dropped += 1
                points += sum(1 for w in why if w)
                for w in why:
                    reasons.update(w)
    unit = "trajectories" if method == "morris" else "blocks"
    account = {"unit": unit, "groups": dropped, "points": points, "asked": groups, "kept": len(kept), "draws": draws,
               "reasons": dict(reasons)}
    X = np.concatenate(kept) if kept else np.zeros((0, k))
    return X, account


def _sample(problem: dict, method: str, n: int, levels: int, rng) -> np.ndarray:
    if method == "morris":
        from SALib.sample import morris as sampler

        return sampler.sample(problem, N=n, num_levels=levels, seed=rng)
    from SALib.sample import sobol as sampler

    return sampler.sample(problem, N=n, calc_second_order=False, seed=rng)


def _num(x) -> float:
    x = float(x)
    return 0.0 if not np.isfinite(x) else x


def _analyse(method: str, problem: dict, X: np.ndarray, y: np.ndarray, levels: int, seed: int) -> dict:
    """Per factor: {"index", "conf", ...} arrays for one output."""
    if np.ptp(y) == 0:     # the output never moved: no factor influences it
        z = np.zeros(problem["num_vars"])
        return {"index": z, "conf": z}
    if method == "morris":
        import warnings

        from SALib.analyze import morris

        with warnings.catch_warnings():   # one trajectory: no spread to bootstrap (the interval reads 0)
            warnings.simplefilter("ignore", RuntimeWarning)
            r = morris.analyze(problem, X, y, conf_level=0.95, num_levels=levels, seed=seed)
        return {"index": np.asarray(r["mu_star"]), "conf": np.asarray(r["mu_star_conf"]),
                "sigma": np.asarray(r["sigma"]), "mu": np.asarray(r["mu"])}
    from SALib.analyze import sobol

    r = sobol.analyze(problem, y, calc_second_order=False, conf_level=0.95, seed=seed)
    return {"index": np.asarray(r["ST"]), "conf": np.asarray(r["ST_conf"]),
            "S1": np.asarray(r["S1"]), "S1_conf": np.asarray(r["S1_conf"])}
