"""The inverse what-if: a toy scenario whose true assumption is known, an article written from runs at that value,
and the search recovering it inside the posterior's 10-90 % band; the command's JSON keys and its errors."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

# A value the toy's figures identify. Medians of 64 runs (seed 99) with this version's engine, soviet_strength from
# 0.5 to 1.4: the result is Axis victory up to 0.55 and Inconclusive from 0.6; the Japanese killed rise from 1,421
# to 2,118 over 0.5-0.7, jump to 3,279 at 0.75 and then barely move (3,407 at 0.8, 3,625 at 1.0, 3,888 at 1.4), so
# above 0.75 no search can pin a value. The engine's changes move these steps: 0.8 was the truth until the march
# change, 0.65 until the breakthrough's reserve share (manoeuvre.yaml), where the search then put its p10 at 0.83.
# The test below checks first that the truth is still where the figures change. The prior's range reaches below the
# truth: with a range starting at 0.5, next to the truth, the posterior was pushed inward from the bound (p10 0.554,
# 0.591 and 0.595 at seeds 5, 6 and 7, the truth 0.55 just outside); from 0.3 the band holds it at all three
# (p10-p50-p90 0.37-0.58-0.78, 0.35-0.57-0.98, 0.36-0.60-0.84).
TRUE_STRENGTH = 0.55
RANGE = (0.3, 1.5)


@pytest.fixture(scope="module")
def toy(tmp_path_factory, mini):
    text = mini.read_text()
    head = text[: text.index("assumptions:")]
    path = tmp_path_factory.mktemp("explain") / "toy.yaml"
    path.write_text(head + "assumptions:\n  - {id: soviet_strength, value: 1.0, basis: assumption, "
                    f"range: [{RANGE[0]}, {RANGE[1]}], applies_to: [\"units[side=ussr].strength\"]}}\n")
    return path


def _article_at(path, value: float, runs: int = 64) -> str:
    """An article whose figures are the medians of `runs` campaigns with soviet_strength = value."""
    from kriegsspiel.api import load_scenario
    from kriegsspiel.ensemble.batch import EnsembleSpec, run_columns

    loaded = load_scenario(str(path))
    cols = run_columns(EnsembleSpec(str(path), loaded.sha256, 99, (("soviet_strength", value),)), np.arange(runs))
    labels, counts = np.unique(cols["result"], return_counts=True)
    med = {k: int(np.median(cols[k])) for k in cols if k.endswith(("_killed", "_wounded", "_missing"))}
    return (f"Result: {labels[np.argmax(counts)]}\n"
            f"Japanese:\n{med['japan_killed']:,} killed, {med['japan_wounded']:,} wounded, {med['japan_missing']:,} missing\n"
            f"Soviet:\n{med['ussr_killed']:,} killed, {med['ussr_wounded']:,} wounded, {med['ussr_missing']:,} missing\n")


def test_recovers_a_known_assumption_inside_the_posterior_band(toy):
    from kriegsspiel.ensemble.explain import explain

    article = _article_at(toy, TRUE_STRENGTH)
    assert article.splitlines()[0] != _article_at(toy, 1.0).splitlines()[0], "the truth must be identifiable"
    res = explain(article, str(toy), budget=400, runs_per_world=32, confirm_runs=32, seed=5)
    post = res["posterior"]["soviet_strength"]
    assert post["p10"] <= TRUE_STRENGTH <= post["p90"], post
    # and the search learned something: the band is narrower than the prior's (0.8 of the range)
    assert post["p90"] - post["p10"] < 0.65 * (RANGE[1] - RANGE[0]), post
    # the budget holds (pyabc's first sample for the initial threshold may pass it by a little)
    assert post["historical"] == 1.0 and res["worlds_simulated"] <= 1.1 * 400
    assert [c["kind"] for c in res["claims"]].count("casualties") == 6


def test_same_seed_same_answer(toy):
    from kriegsspiel.ensemble.explain import explain

    article = _article_at(toy, 1.3, runs=16)
    a = explain(article, str(toy), budget=60, runs_per_world=8, confirm_runs=8, seed=2)
    b = explain(article, str(toy), budget=60, runs_per_world=8, confirm_runs=8, seed=2)
    assert a["posterior"] == b["posterior"] and a["minimal_departure"] == b["minimal_departure"]


def test_an_unreachable_claim_is_reported_implausible_with_its_reason(toy):
    from kriegsspiel.ensemble.explain import explain

    article = "Result: Soviet victory\nJapanese:\n3,000,000 wounded\nSoviet:\n9,000,000 killed\nMartians:\n7 killed\n"
    res = explain(article, str(toy), budget=40, runs_per_world=8, confirm_runs=8)
    implausible = {(i.get("side", ""), i["category"]) for i in res["implausible"]}
    assert implausible == {("ussr", "killed"), ("japan", "wounded"), ("Martians", "killed")}, res["implausible"]
    reasons = " ".join(i["reason"] for i in res["implausible"])
    assert "9,000,000 killed is above" in reasons and "3,000,000 wounded is above" in reasons
    assert "`Martians` is no side of the campaign" in reasons


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "kriegsspiel.cli", "explain", *args], capture_output=True, text=True,
                          timeout=600)


def test_cli_json_has_the_documented_keys(toy, tmp_path):
    art = tmp_path / "a.txt"
    art.write_text(_article_at(toy, 1.0, runs=16))
    p = _cli(str(art), "--scenario", str(toy), "--budget", "30", "--runs-per-world", "4", "--format", "json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    for key in ("claims", "posterior", "minimal_departure", "result_share_at_minimal", "implausible"):
        assert key in out
    assert set(out["posterior"]["soviet_strength"]) >= {"p10", "p50", "p90", "historical"}
    html = tmp_path / "e.html"
    p = _cli(str(art), "--scenario", str(toy), "--budget", "30", "--runs-per-world", "4", "--format", "html",
             "--out", str(html))
    assert p.returncode == 0, p.stderr
    page = html.read_text()
    assert "Posterior of each assumption" in page and "data:image/png;base64," in page


@pytest.mark.parametrize("bad,expected", [
    ("soviet_strength=2:1", "expected ID=LOW:HIGH"),
    ("nonesuch=0:1", "assumptions.nonesuch"),
])
def test_cli_bad_range_is_one_clear_error(toy, tmp_path, bad, expected):
    art = tmp_path / "a.txt"
    art.write_text("Result: Soviet victory\n")
    p = _cli(str(art), "--scenario", str(toy), "--budget", "20", "--range", bad)
    assert p.returncode == 2 and expected in p.stderr and "Traceback" not in p.stderr, p.stderr


def test_an_article_without_claims_is_refused(toy, tmp_path):
    art = tmp_path / "a.txt"
    art.write_text("Nothing happened here.\n")
    p = _cli(str(art), "--scenario", str(toy), "--budget", "20")
    assert p.returncode == 2 and "result / casualties" in p.stderr and "Traceback" not in p.stderr, p.stderr


def test_dask_backend_answers_the_same_question(toy, tmp_path):
    art = tmp_path / "a.txt"
    art.write_text(_article_at(toy, TRUE_STRENGTH, runs=32))
    p = _cli(str(art), "--scenario", str(toy), "--budget", "60", "--runs-per-world", "8", "--backend", "dask",
             "--workers", "1", "--format", "json")
    assert p.returncode == 0, p.stderr
    post = json.loads(p.stdout)["posterior"]["soviet_strength"]
    assert RANGE[0] <= post["p10"] <= post["p50"] <= post["p90"] <= RANGE[1]


def test_a_result_naming_no_side_matches_no_label(toy):
    # "Martian victory" used to match the scenario's draw label (its winner, None, equalled the claim's)
    from kriegsspiel.ensemble.explain import explain

    res = explain("Result: Martian victory\nSoviet:\n250 killed\n", str(toy), budget=20, runs_per_world=4,
                  confirm_runs=4)
    result = next(c for c in res["claims"] if c["kind"] == "result")
    assert result["labels"] == []
    assert any(i["category"] == "result" and "names no side" in i["reason"] for i in res["implausible"])
