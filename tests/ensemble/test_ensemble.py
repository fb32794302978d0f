"""Ensembles: run k is the same in any batch, backend or resume; the store refuses to mix ensembles."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kriegsspiel import open_results, run_ensemble
from kriegsspiel.ensemble.api import StoreMismatch

CLI = [sys.executable, "-m", "kriegsspiel.ensemble.cli"]


def test_batch_size_does_not_change_run_k(tmp_path, mini, reference):
    small = run_ensemble(mini, 120, 11, tmp_path / "b1", batch_size=1).table()
    pd.testing.assert_frame_equal(small, reference)
    assert list(small["run"]) == list(range(120))


def test_subset_of_runs_equals_same_runs_of_bigger_ensemble(tmp_path, mini, reference):
    part = run_ensemble(mini, 40, 11, tmp_path / "p", batch_size=7).table()
    pd.testing.assert_frame_equal(part, reference.iloc[:40])


def test_seed_changes_results(tmp_path, mini, reference):
    other = run_ensemble(mini, 120, 12, tmp_path / "s", batch_size=500).table()
    assert not other.drop(columns="run").equals(reference.drop(columns="run"))


def test_dask_equals_local(tmp_path, mini, reference):
    pytest.importorskip("distributed")
    d = run_ensemble(mini, 120, 11, tmp_path / "dask", batch_size=25, backend="dask", workers=2)
    pd.testing.assert_frame_equal(d.table(), reference)


def test_changed_seed_refused(tmp_path, mini):
    out = tmp_path / "o"
    run_ensemble(mini, 10, 1, out)
    with pytest.raises(StoreMismatch, match="seed"):
        run_ensemble(mini, 10, 2, out)
    r = subprocess.run([*CLI, "ensemble", str(mini), "-n", "10", "-s", "2", "-o", str(out), "--no-progress"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "refusing to mix" in r.stderr


def test_changed_scenario_refused(tmp_path, mini):
    copy = tmp_path / "mini.yaml"
    copy.write_text(mini.read_text())
    out = tmp_path / "o"
    run_ensemble(copy, 10, 1, out)
    copy.write_text(mini.read_text().replace("count: 4,", "count: 5,"))
    with pytest.raises(StoreMismatch, match="scenario"):
        run_ensemble(copy, 10, 1, out)
    r = subprocess.run([*CLI, "ensemble", str(copy), "-n", "10", "-s", "1", "-o", str(out), "--no-progress"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "scenario mini" in r.stderr and "refusing to mix" in r.stderr


def test_not_an_ensemble_dir_refused(tmp_path, mini):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine")
    with pytest.raises(StoreMismatch):
        run_ensemble(mini, 5, 1, tmp_path / "x")


def test_resume_completes_only_missing_runs(tmp_path, mini, reference):
    out = tmp_path / "o"
    run_ensemble(mini, 50, 11, out, batch_size=10)
    before = {p.name: p.stat().st_mtime_ns for p in (out / "parts").iterdir()}
    (out / "parts" / ".part-x.parquet.tmp-999").write_bytes(b"half a file")   # what a killed writer leaves
    res = run_ensemble(mini, 120, 11, out, batch_size=30)
    after = {p.name: p.stat().st_mtime_ns for p in (out / "parts").iterdir()}
    assert all(after[k] == v for k, v in before.items())                      # stored batches untouched
    assert not list((out / "parts").glob(".*tmp*"))
    pd.testing.assert_frame_equal(res.table(), reference)
    with pytest.raises(StoreMismatch, match="runs up to 119"):
        run_ensemble(mini, 100, 11, out)


def _wait_for_parts(out: Path, n: int, proc, timeout: float = 60.0) -> None:
    t0 = time.time()
    while time.time() - t0 < timeout:
        if (out / "parts").exists() and len(list((out / "parts").glob("part-*.parquet"))) >= n:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.01)
    raise AssertionError("no batches written")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_ensemble_resumes_to_exactly_n_runs(tmp_path, mini, sig):
    n, out = 1500, tmp_path / "o"
    cmd = [*CLI, "ensemble", str(mini), "-n", str(n), "-s", "5", "-o", str(out), "--no-progress", "-f", "json"]
    proc = subprocess.Popen([*cmd, "-b", "5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_parts(out, 3, proc)
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=30)
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "run the same command again" in err
    else:
        assert proc.returncode == -signal.SIGKILL
    partial = open_results(out)
    assert 0 < len(partial) < n and not partial.complete
    r = subprocess.run([*cmd, "-b", "500"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["runs"] == n
    resumed = open_results(out).table()
    assert resumed["run"].is_unique and list(resumed["run"]) == list(range(n))
    whole = run_ensemble(mini, n, 5, tmp_path / "whole", batch_size=500).table()
    pd.testing.assert_frame_equal(resumed, whole)


def test_summary_shape(tmp_path, mini, reference):
    res = run_ensemble(mini, 120, 11, tmp_path / "o")
    s = res.summary()
    assert s["runs"] == 120 and s["seed"] == 11
    assert set(s["result_share"]) == {"Axis victory", "Soviet victory", "Inconclusive"}
    assert abs(sum(s["result_share"].values()) - 1) < 1e-12
    for side in ("japan", "ussr"):
        for k in ("killed", "wounded", "missing"):
            q = s["casualties"][side][k]
            assert set(q) == {"p10", "p50", "p90"} and q["p10"] <= q["p50"] <= q["p90"]
            assert q["p50"] == pytest.approx(np.percentile(reference[f"{side}_{k}"], 50))
    assert "Vladivostok" in s["places"]
    assert sum(s["places"]["Vladivostok"]["control"].values()) == pytest.approx(1)


def test_cli_json_and_duckdb(tmp_path, mini):
    out = tmp_path / "o"
    r = subprocess.run([*CLI, "ensemble", str(mini), "-n", "30", "-s", "3", "-o", str(out), "-f", "json"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["runs"] == 30 and s["seed"] == 3 and "casualties" in s
    import duckdb

    con = duckdb.connect(str(out / "results.duckdb"), read_only=True)
    assert con.execute("SELECT count(DISTINCT run), min(run), max(run) FROM runs").fetchone() == (30, 0, 29)
    man = json.loads((out / "manifest.json").read_text())
    assert man["seed"] == 3 and man["runs"] == 30 and len(man["scenario_sha256"]) == 64 and man["version"]


def test_rows_have_the_promised_columns(reference):
    for col in ("run", "result", "winner", "japan_killed", "ussr_wounded", "ussr_missing", "control_vladivostok",
                "fell_day_vladivostok", "fell_date_vladivostok", "freight_total_t"):
        assert col in reference.columns


def test_lost_dask_worker_is_recovered(tmp_path, mini, reference):
    """A worker process dies mid-ensemble: Dask reschedules its batch; the ensemble ends with exactly the
    N runs of an uninterrupted one."""
    pytest.importorskip("distributed")
    from distributed import Client, LocalCluster

    killed: list[str] = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:

        def progress(done: int, total: int) -> None:
            if not killed and done >= 10:
                victim = sorted(client.scheduler_info()["workers"])[0]
                killed.append(victim)
                try:
                    client.run(os._exit, 1, workers=[victim])     # the worker process exits at once
                except Exception:  # noqa: BLE001 - the call itself loses its worker
                    pass

        res = run_ensemble(mini, 120, 11, tmp_path / "lost", batch_size=2, backend="dask", client=client,
                           progress=progress)
    assert killed, "a worker was killed while batches were still running"
    table = res.table()
    assert len(table) == 120 and table["run"].is_unique
    pd.testing.assert_frame_equal(table, reference)


def test_progress_moves_within_a_batch(tmp_path):
    # one batch of 10 runs used to report 0, then 10: the bar sat at 0 and jumped to done
    from pathlib import Path

    from kriegsspiel import run_ensemble

    mini = Path(__file__).resolve().parents[1] / "scenarios" / "mini.yaml"
    seen = []
    run_ensemble(str(mini), runs=10, seed=1, out=tmp_path / "e", batch_size=10,
                 progress=lambda done, total: seen.append((done, total)))
    done = [d for d, _ in seen]
    assert done[0] == 0 and done[-1] == 10 and all(t == 10 for _, t in seen)
    assert len({d for d in done if 0 < d < 10}) >= 5                     # day by day in between
    assert all(a <= b for a, b in zip(done, done[1:]))                   # never backwards


def test_the_reports_representative_run_is_the_run_the_ensemble_made_with_its_settings(tmp_path, sens_yaml):
    # `ensemble --set` stores the settings in manifest.json; `report` re-runs its representative run with them, so
    # the run it shows has the figures the ensemble stored for that run (it was re-run without them)
    from typer.testing import CliRunner

    from kriegsspiel import api
    from kriegsspiel.cli import app
    from kriegsspiel.results.columns import slug

    out = tmp_path / "e"
    runner = CliRunner()
    res = runner.invoke(app, ["ensemble", str(sens_yaml), "--runs", "20", "--seed", "3", "--out", str(out),
                              "--set", "japanese_strength=7.5", "--no-progress", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads((out / "manifest.json").read_text())["settings"] == {"japanese_strength": 7.5}
    res = runner.invoke(app, ["report", str(out), "--format", "json"])
    assert res.exit_code == 0, res.output
    shown = json.loads(res.stdout)
    k = shown["representative"]["run"]
    row = open_results(out).table().set_index("run").loc[k]
    for side, figures in shown["sides"].items():
        for cat in ("killed", "wounded", "missing"):
            assert figures[cat] == row[f"{slug(side)}_{cat}"], (side, cat)
    assert {a["id"]: a["value"] for a in shown["assumptions"]}["japanese_strength"] == 7.5
    plain = api.run(str(sens_yaml), seed=3, run_index=k).to_dict()        # what the report showed before
    assert any(plain["sides"][s][c] != shown["sides"][s][c] for s in shown["sides"] for c in ("killed", "wounded"))


def test_the_progress_bar_reads_elapsed_then_left():
    from rich.console import Console
    from rich.progress import Progress

    from kriegsspiel.ensemble.cli import progress_columns

    con = Console(record=True, width=160)
    bar = Progress(*progress_columns("runs"), console=con, auto_refresh=False)
    task = bar.add_task("runs", total=10)
    bar.advance(task, 3)
    con.print(bar.make_tasks_table(bar.tasks))          # what the live display draws
    text = con.export_text()
    assert " elapsed, " in text and text.rstrip().endswith("left"), text
    assert text.index("elapsed,") < text.rindex("left")
