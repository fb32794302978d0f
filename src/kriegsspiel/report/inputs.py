"""What the report and check commands read: a single run's JSON, or an ensemble directory."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

CATEGORIES = ("killed", "wounded", "missing")
RUN_KEYS = ("scenario", "start", "end", "result", "sides", "control", "events", "places", "network", "timeline")


def ensemble_with_samples(ens) -> dict:
    """The ensemble's summary plus every run's casualties per side and category (for histograms, percentiles)."""
    summary = ens.summary()
    table = ens.table()
    from ..results.columns import slug

    for side, cats in summary["casualties"].items():
        for cat in CATEGORIES:
            col = f"{slug(side)}_{cat}"
            if col in table and cats.get(cat):
                cats[cat]["samples"] = [int(x) for x in table[col].to_numpy()]
    return summary


def representative_run(ens):
    """Re-run (exactly, by its seed and run index) the campaign that stands for the ensemble: among the runs with
    the modal result, the one whose killed, wounded and missing of every side sit nearest the ensemble's medians
    (the smallest largest distance of their percentiles from 50), so that its figures fall inside the 10-90 %
    bands they are shown with whenever any run's do. The run is made with the ensemble's assumption settings
    (`--set`, stored in its manifest), so it is the run the ensemble made. The result says which run it is
    (`representative`)."""
    from .. import api
    from ..results.columns import slug

    table = ens.table()
    modal = table["result"].mode().iloc[0]
    cols = [f"{slug(s)}_{c}" for s in ens.manifest.sides for c in CATEGORIES]
    pct = np.stack([table[c].rank(pct=True, method="average").to_numpy() for c in cols], axis=1) * 100.0
    worst = np.abs(pct - 50.0).max(axis=1)
    worst = np.where(table["result"].to_numpy() == modal, worst, np.inf)
    i = int(np.argmin(worst))
    run = int(table["run"].to_numpy()[i])
    out = api.run(ens.manifest.scenario_path, seed=ens.manifest.seed, run_index=run,
                  settings=_settings(ens.manifest)).to_dict()
    out["representative"] = {"run": run, "runs": int(len(table)), "result": str(modal),
                             "worst_percentile_distance": float(worst[i]),
                             "rule": "the run with the ensemble's most common result whose killed, wounded and "
                                     "missing of every side lie nearest the ensemble's medians"}
    return out


def _settings(manifest) -> dict[str, float] | None:
    """The assumption values the ensemble's runs were made with (`run_ensemble(settings=)`, `--set`), or None."""
    return {k: float(v) for k, v in (getattr(manifest, "settings", None) or {}).items()} or None


def load_report_inputs(source: Path) -> tuple[dict, dict | None]:
    """(a run result, an ensemble summary or None) from a run's JSON file or an ensemble directory."""
    if source.is_dir():
        from ..results.stored import open_results

        ens = open_results(source)
        return representative_run(ens), ensemble_with_samples(ens)
    result = json.loads(source.read_text(encoding="utf-8"))
    missing = [k for k in RUN_KEYS if not isinstance(result, dict) or k not in result]
    if missing:
        raise ValueError(f"a run result (kriegsspiel run --format json) has {', '.join(RUN_KEYS)}; "
                         f"this file lacks {', '.join(missing)}")
    return result, None


def check_context(compiled) -> dict:
    """Forces per side for the plausibility check: the scenario's declared theatre strength, else its order of battle."""
    s = compiled.scenario
    ctx: dict = {"days": compiled.n_days}
    for i, key in enumerate(compiled.side_keys):
        side = s.sides[key]
        if side.theatre_strength:
            ctx[key] = {"strength": int(side.theatre_strength), "source": side.theatre_strength_source or ""}
        else:
            ctx[key] = {"strength": int(compiled.men0[compiled.unit_side == i].sum()),
                        "source": f"order of battle of scenario {s.name}"}
    return ctx


def claims_infobox(result: dict) -> str | None:
    """The scenario's `claims` (a source's infobox figures) as a wikitext infobox, for the plausibility check."""
    claims = result.get("claims") or {}
    cas = claims.get("casualties") or {}
    if not cas:
        return None
    lines = ["{{Infobox military conflict", f"| conflict = {result.get('title', '')}",
             f"| date = {result['start']} - {result['end']}"]
    if claims.get("result"):
        lines.append(f"| result = {claims['result']}")
    for i, (side, info) in enumerate(result["sides"].items(), start=1):
        figures = cas.get(side) or {}
        lines.append(f"| combatant{i} = {info['name']}")
        lines.append(f"| casualties{i} = " + "<br />".join(
            f"{int(figures[c])} {c}" for c in CATEGORIES if c in figures))
    return "\n".join(lines + ["}}"])


def claims_check(source: Path, result: dict, ensemble: dict, article_text: str | None) -> dict | None:
    """Check an article (or, without one, the scenario's own claims) against the ensemble in `source`."""
    from .. import api
    from ..results.stored import open_results
    from .check import check_article

    text = article_text if article_text is not None else claims_infobox(result)
    if text is None:
        return None
    manifest = open_results(source).manifest
    compiled = api.compile(manifest.scenario_path, settings=_settings(manifest))
    return check_article(text, ensemble, check_context(compiled))
