"""The summary of an ensemble, computed in DuckDB over its Parquet files (memory flat in the run count).

Shape (the JSON of ``kriegsspiel ensemble --format json``)::

    {"scenario": str, "runs": int, "seed": int, "version": str,
     "result_share": {LABEL: float},                       # share of runs with each result label
     "winner_share": {SIDE or "none": float},
     "casualties": {SIDE: {"killed": {"p10", "p50", "p90"}, "wounded": {...}, "missing": {...},
                           "total": {...}}},               # men, percentiles over runs
     "places": {PLACE: {"control": {SIDE: float},          # share of runs the side holds it at the end
                        "fell_share": float,               # share of runs in which it changed hands
                        "fell_date": {"p10", "p50", "p90"} | null}},   # ISO dates over those runs
     "freight_total_t": {"p10", "p50", "p90"} | null,     # tons delivered to the freight reference place
     "linkup": {"share": float, "date": {"p10", "p50", "p90"} | null}}   # ground forces reach the paratroops
Percentiles interpolate linearly between order statistics (as numpy.percentile).
"""

from __future__ import annotations

import datetime as dt

from .columns import ident, slug
from .store import ResultStore

QS = (0.1, 0.5, 0.9)
QNAMES = ("p10", "p50", "p90")


def _q(values) -> dict[str, float] | None:
    if values is None:
        return None
    return {k: float(v) for k, v in zip(QNAMES, values)}


def summarise(store: ResultStore) -> dict:
    """The summary dict of the runs stored so far (see the module docstring)."""
    m = store.manifest
    con = store.connect()
    try:
        n = con.execute("SELECT count(*) FROM runs").fetchone()[0] if store.part_files() else 0
        out: dict = {"scenario": m.scenario, "runs": int(n), "seed": int(m.seed), "version": m.version}
        if m.settings:
            out["settings"] = dict(m.settings)
        share = {lab: 0.0 for lab in m.labels}
        winner = {s: 0.0 for s in m.sides} | {"none": 0.0}
        if n:
            for lab, k in con.execute("SELECT result, count(*) FROM runs GROUP BY result").fetchall():
                share[lab] = k / n
            for w, k in con.execute("SELECT winner, count(*) FROM runs GROUP BY winner").fetchall():
                winner[w if w is not None else "none"] = k / n
        out["result_share"] = share
        out["winner_share"] = winner
        qs = "[" + ", ".join(str(q) for q in QS) + "]"
        cas: dict = {}
        for s in m.sides:
            c = slug(s)
            k_, w_, m_ = (ident(f"{c}_{x}") for x in ("killed", "wounded", "missing"))
            cols = {"killed": k_, "wounded": w_, "missing": m_, "total": f"({k_} + {w_} + {m_})"}
            if n:
                sel = ", ".join(f"quantile_cont({e}, {qs})" for e in cols.values())
                row = con.execute(f"SELECT {sel} FROM runs").fetchone()
                cas[s] = {k: _q(v) for k, v in zip(cols, row)}
            else:
                cas[s] = {k: None for k in cols}
        out["casualties"] = cas
        places: dict = {}
        for p in m.key_places:
            ctl, fday, fdate = (ident(f"{x}_{slug(p)}") for x in ("control", "fell_day", "fell_date"))
            entry: dict = {"control": {s: 0.0 for s in m.sides}, "fell_share": 0.0, "fell_date": None}
            if n:
                for side, k in con.execute(f"SELECT {ctl}, count(*) FROM runs GROUP BY 1").fetchall():
                    entry["control"][side] = k / n
                fell, q = con.execute(f"SELECT count({fday}), quantile_cont({fday}, {qs}) FROM runs "
                                      f"WHERE {fday} IS NOT NULL").fetchone()
                entry["fell_share"] = fell / n
                if fell:
                    start = con.execute(f"SELECT min({fdate} - {fday}) FROM runs").fetchone()[0]
                    entry["fell_date"] = {k: (start + dt.timedelta(days=round(v))).isoformat() for k, v in zip(QNAMES, q)}
            places[p] = entry
        out["places"] = places
        freight = None
        if n:
            row = con.execute(f"SELECT count(freight_total_t), quantile_cont(freight_total_t, {qs}) FROM runs").fetchone()
            freight = _q(row[1]) if row[0] else None
        out["freight_total_t"] = freight
        link = {"share": 0.0, "date": None}
        has_link = n and "linkup_day" in {row[0] for row in con.execute("DESCRIBE runs").fetchall()}
        if has_link:
            k, q = con.execute(f"SELECT count(linkup_day), quantile_cont(linkup_day, {qs}) FROM runs "
                               "WHERE linkup_day IS NOT NULL").fetchone()
            link["share"] = k / n
            if k:
                start = con.execute("SELECT min(linkup_date - linkup_day) FROM runs").fetchone()[0]
                link["date"] = {name: (start + dt.timedelta(days=round(v))).isoformat() for name, v in zip(QNAMES, q)}
        out["linkup"] = link
        return out
    finally:
        con.close()
