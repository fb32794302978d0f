"""The results store (results/store.py): manifest, atomic batch files, resume rules, DuckDB file."""

import json
import re
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from kriegsspiel import run_ensemble
from kriegsspiel.results.store import DUCKDB, MANIFEST, Manifest, ResultStore, StoreMismatch, engine_fingerprint

MINI = Path(__file__).resolve().parents[1] / "scenarios" / "mini.yaml"


def manifest(**kw) -> Manifest:
    base = dict(scenario="test", scenario_path="/x/test.yaml", scenario_sha256="a" * 64, seed=7, runs=10,
                version="0.1.0", labels=["Red victory", "Draw"], sides=["red", "blue"], key_places=["Hill"],
                engine_sha256="e" * 64)
    return Manifest(**{**base, **kw})


def batch(runs) -> pa.Table:
    runs = np.asarray(runs, np.int64)
    return pa.table({"run": runs, "red_killed": runs * 10})


def test_manifest_json_round_trip_ignores_unknown_keys():
    m = manifest(settings={"japanese_strength": 5.0})
    data = json.loads(m.to_json())
    assert data["format"] == "kriegsspiel-ensemble/1"
    data["from_the_future"] = 1
    assert Manifest.from_json(json.dumps(data)) == m


def test_engine_fingerprint_is_a_stable_sha256():
    f = engine_fingerprint()
    assert len(f) == 64 and int(f, 16) >= 0 and f == engine_fingerprint()


def test_open_without_manifest_fails(tmp_path):
    with pytest.raises(FileNotFoundError):
        ResultStore.open(tmp_path)


def test_new_store_writes_its_manifest(tmp_path):
    m = manifest()
    store = ResultStore.open_or_create(tmp_path / "o", m)
    assert Manifest.from_json((tmp_path / "o" / MANIFEST).read_text()) == m
    assert ResultStore.open(tmp_path / "o").manifest == m
    assert store.part_files() == [] and store.done_runs().size == 0
    assert store.missing_runs().tolist() == list(range(10))
    assert store.table().num_rows == 0


def test_parts_done_and_missing_runs(tmp_path):
    store = ResultStore.open_or_create(tmp_path, manifest())
    p1 = store.write_part(batch([4, 2, 3]))
    store.write_part(batch([7, 0]))
    assert p1.name == "part-000000002-000000004.parquet"
    assert store.done_runs().tolist() == [0, 2, 3, 4, 7]
    assert store.missing_runs().tolist() == [1, 5, 6, 8, 9]
    t = store.table()
    assert t.column("run").to_pylist() == [0, 2, 3, 4, 7] and t.column("red_killed").to_pylist() == [0, 20, 30, 40, 70]
    assert not list(tmp_path.rglob(".*tmp*"))


@pytest.mark.parametrize("change,words", [
    (dict(scenario_sha256="b" * 64), "scenario test (sha256 aaaaaaaaaaaa) there"),
    (dict(seed=8), "seed 7 there, 8 now"),
    (dict(version="9.9"), "version"),
    (dict(settings={"x": 1.0}), "settings"),
    (dict(engine_sha256="f" * 64), "other model code"),
])
def test_resume_refuses_another_ensemble_and_keeps_its_runs(tmp_path, change, words):
    store = ResultStore.open_or_create(tmp_path, manifest())
    part = store.write_part(batch([0, 1, 2]))
    store.release()
    before = part.read_bytes()
    with pytest.raises(StoreMismatch, match="refusing to mix") as err:
        ResultStore.open_or_create(tmp_path, manifest(**change))
    assert words in str(err.value)
    assert part.read_bytes() == before and ResultStore.open(tmp_path).manifest == manifest()


def test_resume_grows_the_run_count_and_cleans_leftovers(tmp_path):
    store = ResultStore.open_or_create(tmp_path, manifest())
    store.write_part(batch(range(10)))
    store.release()
    (tmp_path / "parts" / ".part-x.parquet.tmp-123").write_bytes(b"half")
    (tmp_path / ".manifest.json.tmp-9").write_text("{")
    more = ResultStore.open_or_create(tmp_path, manifest(runs=15))
    more.release()
    assert more.missing_runs().tolist() == [10, 11, 12, 13, 14]
    assert ResultStore.open(tmp_path).manifest.runs == 15
    assert not list(tmp_path.rglob(".*tmp*"))
    with pytest.raises(StoreMismatch, match="runs up to 9"):
        ResultStore.open_or_create(tmp_path, manifest(runs=5))


def test_a_directory_that_is_not_a_store_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreMismatch, match="not an ensemble directory"):
        ResultStore.open_or_create(tmp_path, manifest())
    assert not (tmp_path / MANIFEST).exists()


def test_finalize_has_one_row_per_run_in_order_and_the_manifest(tmp_path):
    store = ResultStore.open_or_create(tmp_path, manifest(runs=6))
    store.write_part(batch([5, 1, 3]))
    store.write_part(batch([0, 2, 4]))
    con = duckdb.connect(str(store.finalize()), read_only=True)
    try:
        assert [r[0] for r in con.execute("SELECT run FROM runs").fetchall()] == list(range(6))
        assert con.execute("SELECT count(*), count(DISTINCT run) FROM runs").fetchone() == (6, 6)
        meta = dict(con.execute("SELECT key, value FROM manifest").fetchall())
    finally:
        con.close()
    assert json.loads(meta["seed"]) == 7 and json.loads(meta["sides"]) == ["red", "blue"]


def test_connect_copes_with_a_quote_in_the_path(tmp_path):
    store = ResultStore.open_or_create(tmp_path / "o'brien", manifest())
    store.write_part(batch([3, 1]))
    con = store.connect()
    try:
        assert con.execute("SELECT sum(red_killed) FROM runs").fetchone()[0] == 40
    finally:
        con.close()


def test_mini_ensemble_duckdb_equals_its_parquet_rows(tmp_path):
    res = run_ensemble(MINI, 9, 4, tmp_path / "o", batch_size=4)
    assert len(res.store.part_files()) == 3 and res.complete
    con = duckdb.connect(str(tmp_path / "o" / DUCKDB), read_only=True)
    try:
        db = con.execute("SELECT * FROM runs").df()
    finally:
        con.close()
    table = res.table()
    assert list(db["run"]) == list(range(9))
    for col in ("run", "result", "japan_killed", "ussr_wounded", "ussr_missing"):
        assert list(db[col]) == list(table[col]), col
    m = res.manifest
    assert m.seed == 4 and m.runs == 9 and m.sides == ["japan", "ussr"] and len(m.scenario_sha256) == 64
    again = run_ensemble(MINI, 9, 4, tmp_path / "o", batch_size=2)        # resume of a complete store: no new parts
    assert len(again.store.part_files()) == 3
    pd.testing.assert_frame_equal(again.table(), table)


def test_run_count_is_not_part_of_the_identity():
    m = manifest()
    assert [k for k in Manifest.IDENTITY if getattr(m, k) != getattr(replace(m, runs=99), k)] == []
    assert "runs" not in Manifest.IDENTITY and "scenario_sha256" in Manifest.IDENTITY


def test_a_second_writer_of_one_directory_is_refused(tmp_path):
    # two ensembles into one --out used to both exit 0 with twice the rows; the first holds the directory's lock
    first = ResultStore.open_or_create(tmp_path / "e", manifest())
    with pytest.raises(StoreMismatch, match="being written by another ensemble"):
        ResultStore.open_or_create(tmp_path / "e", manifest())
    first.release()
    again = ResultStore.open_or_create(tmp_path / "e", manifest())     # free once the first is done
    again.release()


def test_run_ensemble_releases_the_lock(tmp_path):
    run_ensemble(str(MINI), runs=4, seed=1, out=tmp_path / "e", batch_size=2)
    store = ResultStore.open_or_create(tmp_path / "e", ResultStore.open(tmp_path / "e").manifest)
    store.release()


def test_resume_refuses_an_edited_data_file(tmp_path):
    # the store's identity hashes every file the scenario reads, not only its YAML: editing the places CSV makes
    # another scenario, and a resume would mix runs
    import yaml

    doc = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    rows = ["name,lat,lon,terrain,country_1944"]
    props = {}
    for pl in doc["places"]:
        rows.append(f"{pl['name']},{pl['lat']},{pl['lon']},{pl['terrain']},{pl['country']}")
        extra = {k: v for k, v in pl.items() if k not in ("name", "lat", "lon", "terrain", "country")}
        if extra:
            props[pl["name"]] = extra
    doc["places"] = {"file": "places.csv"}
    doc["place_properties"] = props
    (tmp_path / "places.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    scen = tmp_path / "s.yaml"
    scen.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    run_ensemble(str(scen), runs=4, seed=1, out=tmp_path / "e", batch_size=4)
    run_ensemble(str(scen), runs=6, seed=1, out=tmp_path / "e", batch_size=4)     # the same files: resumes
    rows[1] = rows[1].replace("45.75", "45.8")                                     # Harbin moved 5 km
    (tmp_path / "places.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(StoreMismatch, match="another ensemble"):
        run_ensemble(str(scen), runs=8, seed=1, out=tmp_path / "e", batch_size=4)


def test_too_many_runs_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="runs must be between"):
        run_ensemble(str(MINI), runs=10**12, seed=1, out=tmp_path / "e")


def test_any_script_and_a_leading_digit_in_names(tmp_path):
    # a key place in Cyrillic and a side key starting with a digit: `run` accepted them, the ensemble crashed in
    # its SQL after every run had finished
    text = MINI.read_text(encoding="utf-8").replace("Vladivostok", "Владивосток")
    text = re.sub(r"\bjapan\b", "1japan", text)
    scen = tmp_path / "s.yaml"
    scen.write_text(text, encoding="utf-8")
    res = run_ensemble(str(scen), runs=6, seed=1, out=tmp_path / "e", batch_size=3)
    s = res.summary()
    assert set(s["casualties"]) == {"1japan", "ussr"} and "Владивосток" in s["places"]
    assert s["casualties"]["1japan"]["killed"]["p50"] >= 0


def test_names_that_would_share_a_column_are_refused(tmp_path):
    from kriegsspiel.scenario.errors import ScenarioError

    text = MINI.read_text(encoding="utf-8").replace("Ussuriysk", "Ulan-Bator").replace("Khabarovsk", "Ulan Bator")
    scen = tmp_path / "s.yaml"
    scen.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match="ulan_bator"):
        run_ensemble(str(scen), runs=2, seed=1, out=tmp_path / "e")
