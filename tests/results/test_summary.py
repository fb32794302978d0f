"""The ensemble summary (results/summary.py) in DuckDB against numpy on rows written by hand, and on a small
ensemble of tests/scenarios/mini.yaml."""

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from kriegsspiel import run_ensemble
from kriegsspiel.results.store import Manifest, ResultStore
from kriegsspiel.results.summary import summarise

MINI = Path(__file__).resolve().parents[1] / "scenarios" / "mini.yaml"
START = dt.date(1944, 6, 1)
N = 40


def make_store(tmp_path, rows: pa.Table | None, **kw) -> ResultStore:
    m = Manifest(scenario="hand", scenario_path="/x", scenario_sha256="0" * 64, seed=3, runs=N, version="0.1.0",
                 labels=["Red victory", "Blue victory", "Draw"], sides=["red", "Blue Side"], key_places=["Hill 203"],
                 **kw)
    store = ResultStore.open_or_create(tmp_path / "o", m)
    if rows is not None:
        store.write_part(rows.slice(0, N // 2))
        store.write_part(rows.slice(N // 2))
    return store


def hand_rows(rng, linkup=True):
    runs = np.arange(N)
    result = rng.choice(["Red victory", "Blue victory", "Draw"], N, p=[0.5, 0.3, 0.2])
    winner = np.where(result == "Red victory", "red", np.where(result == "Blue victory", "Blue Side", None))
    fell = np.where(rng.random(N) < 0.6, rng.integers(0, 30, N), -1)
    cols = {"run": pa.array(runs, pa.int64()), "result": pa.array(result), "winner": pa.array(winner, pa.string())}
    for side in ("red", "blue_side"):
        for k in ("killed", "wounded", "missing"):
            cols[f"{side}_{k}"] = pa.array(rng.integers(0, 50_000, N), pa.int64())
    cols["control_hill_203"] = pa.array(rng.choice(["red", "Blue Side"], N))
    cols["fell_day_hill_203"] = pa.array(fell, pa.int32(), mask=fell < 0)
    cols["fell_date_hill_203"] = pa.array([START + dt.timedelta(days=int(d)) if d >= 0 else None for d in fell], pa.date32())
    cols["freight_total_t"] = pa.array(rng.uniform(0, 1e5, N), pa.float64())
    if linkup:
        link = np.where(rng.random(N) < 0.25, rng.integers(3, 20, N), -1)
        cols["linkup_day"] = pa.array(link, pa.int32(), mask=link < 0)
        cols["linkup_date"] = pa.array([START + dt.timedelta(days=int(d)) if d >= 0 else None for d in link], pa.date32())
    return pa.table(cols)


def pct(values):
    return dict(zip(("p10", "p50", "p90"), np.percentile(np.asarray(values, float), [10, 50, 90])))


def date_pct(days):
    return {k: (START + dt.timedelta(days=round(v))).isoformat() for k, v in pct(days).items()}


def test_summary_equals_numpy_on_hand_rows(tmp_path):
    rows = hand_rows(np.random.default_rng(17))
    s = summarise(make_store(tmp_path, rows))
    df = rows.to_pandas()
    assert (s["scenario"], s["runs"], s["seed"]) == ("hand", N, 3) and "settings" not in s
    assert s["result_share"] == {lab: pytest.approx((df["result"] == lab).mean())
                                 for lab in ("Red victory", "Blue victory", "Draw")}
    assert s["winner_share"]["none"] == pytest.approx(df["winner"].isna().mean())
    assert s["winner_share"]["Blue Side"] == pytest.approx((df["winner"] == "Blue Side").mean())
    for side, slug in (("red", "red"), ("Blue Side", "blue_side")):
        for k in ("killed", "wounded", "missing"):
            assert s["casualties"][side][k] == pytest.approx(pct(df[f"{slug}_{k}"]))
        total = df[f"{slug}_killed"] + df[f"{slug}_wounded"] + df[f"{slug}_missing"]
        assert s["casualties"][side]["total"] == pytest.approx(pct(total))
    hill = s["places"]["Hill 203"]
    assert hill["control"]["red"] == pytest.approx((df["control_hill_203"] == "red").mean())
    assert sum(hill["control"].values()) == pytest.approx(1.0)
    fell = df["fell_day_hill_203"].dropna()
    assert hill["fell_share"] == pytest.approx(len(fell) / N)
    assert hill["fell_date"] == date_pct(fell)
    assert s["freight_total_t"] == pytest.approx(pct(df["freight_total_t"]))
    link = df["linkup_day"].dropna()
    assert s["linkup"]["share"] == pytest.approx(len(link) / N) and s["linkup"]["date"] == date_pct(link)


def test_summary_of_an_empty_store(tmp_path):
    s = summarise(make_store(tmp_path, None, settings={"japanese_strength": 5.0}))
    assert s["runs"] == 0 and s["settings"] == {"japanese_strength": 5.0}
    assert set(s["result_share"].values()) == {0.0} and s["winner_share"] == {"red": 0.0, "Blue Side": 0.0, "none": 0.0}
    assert s["casualties"]["red"] == {"killed": None, "wounded": None, "missing": None, "total": None}
    assert s["places"]["Hill 203"] == {"control": {"red": 0.0, "Blue Side": 0.0}, "fell_share": 0.0, "fell_date": None}
    assert s["freight_total_t"] is None and s["linkup"] == {"share": 0.0, "date": None}


def test_summary_without_linkup_column_freight_or_falls(tmp_path):
    rows = hand_rows(np.random.default_rng(3), linkup=False)
    rows = rows.set_column(rows.schema.get_field_index("freight_total_t"), "freight_total_t", pa.nulls(N, pa.float64()))
    i = rows.schema.get_field_index("fell_day_hill_203")
    rows = rows.set_column(i, "fell_day_hill_203", pa.nulls(N, pa.int32()))
    s = summarise(make_store(tmp_path, rows))
    assert s["freight_total_t"] is None and s["linkup"] == {"share": 0.0, "date": None}
    assert s["places"]["Hill 203"]["fell_share"] == 0.0 and s["places"]["Hill 203"]["fell_date"] is None


def test_mini_summary_agrees_with_its_rows(tmp_path):
    res = run_ensemble(MINI, 24, 6, tmp_path / "m", batch_size=8)
    s, df = res.summary(), res.table()
    assert s["runs"] == 24 and s["scenario"] == "mini"
    assert sum(s["winner_share"].values()) == pytest.approx(1.0)
    for side in ("japan", "ussr"):
        total = df[f"{side}_killed"] + df[f"{side}_wounded"] + df[f"{side}_missing"]
        assert s["casualties"][side]["total"] == pytest.approx(pct(total))
    for place, entry in s["places"].items():
        col = "fell_day_" + place.lower()
        assert entry["fell_share"] == pytest.approx(df[col].notna().mean()), place
        assert 0.0 <= entry["fell_share"] <= 1.0
