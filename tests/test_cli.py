"""The user's journey through the command line: run, ensemble, report, check (one small ensemble)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kriegsspiel.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
ARTICLE_PLACES = ["Vladivostok", "Khabarovsk", "Blagoveshchensk", "Birobidzhan", "Ulan Bator", "Chita", "Okha",
                  "Petropavlovsk-Kamchatsky", "Aleksandrovsk-Sakhalinsky", "Anadyr", "Nikolayevsk-on-Amur",
                  "Sovetskaya Gavan", "Komsomolsk-on-Amur", "Ulan-Ude", "Irkutsk"]


def _ok(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stdout          # progress bars and notices go to stderr


def test_run_json_is_the_documented_shape():
    r = json.loads(_ok(["run", "--seed", "3", "--format", "json"]))
    assert r["scenario"] == "operation-otsu" and r["seed"] == 3
    assert (r["start"], r["end"]) == ("1944-06-02", "1944-07-09")
    assert r["result"]["label"] in ("Axis victory", "Soviet victory", "Inconclusive")
    for side in ("japan", "ussr"):
        s = r["sides"][side]
        assert s["killed"] > 0 and s["wounded"] > 0 and s["missing"] > 0
        assert s["commanders"] and s["strength"] > 100_000
    assert set(ARTICLE_PLACES) <= set(r["control"])
    assert set(r["control"].values()) <= {"japan", "ussr"}


@pytest.fixture(scope="module")
def ensemble_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("ens") / "otsu"
    summary = json.loads(_ok(["ensemble", "--runs", "24", "--seed", "2", "--batch-size", "8", "--out", str(out),
                              "--format", "json"]))
    assert summary["runs"] == 24 and abs(sum(summary["result_share"].values()) - 1.0) < 1e-9
    return out


def test_report_html_and_wikitext_from_an_ensemble(ensemble_dir, tmp_path):
    html = tmp_path / "otsu.html"
    _ok(["report", str(ensemble_dir), "--html", str(html)])
    page = html.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page and "Operation Otsu" in page
    assert "417006" in page, "the scenario's claimed Soviet killed are marked on the distributions"
    wiki = _ok(["report", str(ensemble_dir), "--format", "wikitext"])
    assert wiki.startswith("{{Infobox military conflict") and "| casualties2" in wiki
    assert "10–90 %" in wiki or "10-90" in wiki


def test_check_the_seed_article(ensemble_dir):
    out = json.loads(_ok(["check", str(ROOT / "examples" / "operation-otsu.txt"), "--results", str(ensemble_dir),
                          "--format", "json"]))
    claims = {(c["side"], c["category"]): c for c in out["claims"]}
    assert claims[("ussr", "killed")]["claimed"] == 417006
    # 1.46 million claimed Soviet losses against 1.16 million Soviet troops in the whole Far East
    assert not claims[("ussr", "killed")]["plausible"] and "1,162,991" in claims[("ussr", "killed")]["reason"]
    assert out["verdict"]


def test_missing_inputs_exit_2(tmp_path):
    (tmp_path / "not-a-result.json").write_text('{"x": 1}', encoding="utf-8")
    (tmp_path / "garbage.json").write_text("not json", encoding="utf-8")
    (tmp_path / "article.txt").write_text("no figures here", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    for args in (["run", str(tmp_path / "none.yaml")], ["report", str(tmp_path / "nothing")],
                 ["check", str(tmp_path / "no-article.txt")],
                 ["report", str(tmp_path / "not-a-result.json")], ["report", str(tmp_path / "garbage.json")],
                 ["report", str(tmp_path / "empty")],
                 ["check", str(tmp_path / "article.txt"), "--results", str(tmp_path / "empty")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and "Traceback" not in result.output, (args, result.output)


def test_validate_campaigns_json_has_the_documented_keys():
    r = json.loads(_ok(["validate", "--campaigns", "lake-khasan-1938", "--runs", "10", "--format", "json"]))
    (c,) = r["campaigns"]
    assert c["name"] == "lake-khasan-1938" and c["runs"] == 10
    assert 0.0 <= c["winner_share"] <= 1.0
    for side in c["sides"].values():
        assert side["p10"] <= side["p50"] <= side["p90"]
        assert {"recorded", "percentile", "missing_share"} <= set(side)
    assert {"place", "recorded_date", "fell_share", "median_error_days"} <= set(c["captures"][0])
    assert set(r["shared_fit"]["chosen"]) and "leave_one_out" in c


def test_validate_campaigns_refuses_a_scenario_without_a_record():
    result = runner.invoke(app, ["validate", "--campaigns", "operation-otsu", "--runs", "2"])
    assert result.exit_code == 2
    assert "record" in result.output


MINI = ROOT / "tests" / "scenarios" / "mini.yaml"


def test_unwritable_output_paths_are_a_clear_error(tmp_path):
    # a path under a file (not a folder): --out, --html and --plots end in one line and exit 2, not a traceback
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    res = runner.invoke(app, ["run", str(MINI), "--format", "json", "--out", str(blocked / "r.json")])
    assert res.exit_code == 2 and "cannot write here" in res.output and "Traceback" not in res.output
    good = tmp_path / "r.json"
    assert runner.invoke(app, ["run", str(MINI), "--format", "json", "--out", str(good)]).exit_code == 0
    for opt in ("--html", "--plots"):
        res = runner.invoke(app, ["report", str(good), opt, str(blocked / "x")])
        assert res.exit_code == 2 and "cannot write here" in res.output, res.output


def test_an_ensemble_cannot_ask_for_a_trillion_runs(tmp_path):
    res = runner.invoke(app, ["ensemble", str(MINI), "--runs", "1000000000000", "--out", str(tmp_path / "e")])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_a_copied_scenario_runs_from_anywhere(tmp_path):
    # `places.file` is relative to the scenario: a plain copy of Otsu failed to load; `theatre:` and `new` fix it
    import shutil

    from kriegsspiel.scenario.bundled import resolve

    plain = tmp_path / "copy.yaml"
    shutil.copy(resolve("operation-otsu"), plain)
    a = json.loads(_ok(["run", str(plain), "--seed", "2", "--format", "json"]))
    b = json.loads(_ok(["run", "--seed", "2", "--format", "json"]))
    assert a["sides"] == b["sides"] and a["control"] == b["control"]
    res = runner.invoke(app, ["new", "my-otsu", "--to", str(tmp_path / "mine")])
    assert res.exit_code == 0, res.output
    made = tmp_path / "mine" / "my-otsu.yaml"
    assert json.loads(_ok(["run", str(made), "--seed", "2", "--format", "json"]))["scenario"] == "my-otsu"
    assert runner.invoke(app, ["new", "my-otsu", "--to", str(tmp_path / "mine")]).exit_code == 2   # no overwrite
    assert runner.invoke(app, ["new", "../evil", "--to", str(tmp_path)]).exit_code == 2


def test_an_unknown_theatre_is_a_clear_error(tmp_path):
    text = (ROOT / "tests" / "scenarios" / "mini.yaml").read_text(encoding="utf-8")
    f = tmp_path / "t.yaml"
    f.write_text("theatre: atlantis\n" + text, encoding="utf-8")
    res = runner.invoke(app, ["run", str(f)])
    assert res.exit_code == 2 and "a bundled theatre" in res.output


def test_set_gives_an_assumption_a_value_that_the_run_uses():
    base = json.loads(_ok(["run", "--seed", "1", "--format", "json"]))
    cut = json.loads(_ok(["run", "--seed", "1", "--format", "json", "--set", "ussr_rifle_division_strength=1.0"]))
    assert cut["sides"]["ussr"]["strength"] < base["sides"]["ussr"]["strength"]       # the outcome moves
    used = {a["id"]: a["value"] for a in cut["assumptions"]}
    assert used["ussr_rifle_division_strength"] == 1.0                                  # and the JSON says so
    for bad, words in (("ussr_rifle_division_strength=3", "range"), ("nope=1", "unknown"), ("x", "ID=VALUE"),
                       ("ussr_tanks=100", "changes nothing")):
        res = runner.invoke(app, ["run", "--set", bad])
        assert res.exit_code == 2 and words in res.output and "Traceback" not in res.output, (bad, res.output)


def test_editing_an_assumptions_value_in_the_file_moves_the_run(tmp_path):
    # the written_as of a bundled assumption records the value its targets were written for: editing `value` in a
    # copy scales them, the same as --set does
    from kriegsspiel.scenario.bundled import resolve

    text = resolve("operation-otsu").read_text(encoding="utf-8")
    old = "value: 1.25, written_as: 1.25, basis: assumption, range: [1.0, 1.45]"
    assert old in text
    edited = tmp_path / "edited.yaml"
    edited.write_text(text.replace(old, old.replace("value: 1.25", "value: 1.0")), encoding="utf-8")
    by_edit = json.loads(_ok(["run", str(edited), "--seed", "1", "--format", "json"]))
    by_set = json.loads(_ok(["run", "--seed", "1", "--format", "json", "--set", "ussr_rifle_division_strength=1.0"]))
    base = json.loads(_ok(["run", "--seed", "1", "--format", "json"]))
    assert by_edit["sides"]["ussr"]["strength"] == by_set["sides"]["ussr"]["strength"] \
        < base["sides"]["ussr"]["strength"]
    assert {a["id"]: a["value"] for a in by_edit["assumptions"]}["ussr_rifle_division_strength"] == 1.0
    # an edited value outside its own range is refused with the file and line
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, old.replace("value: 1.25", "value: 3.0")), encoding="utf-8")
    res = runner.invoke(app, ["run", str(bad)])
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if old in ln)
    assert res.exit_code == 2 and f"bad.yaml:{line}" in res.output and "range" in res.output, res.output


def test_ensemble_set_is_part_of_the_ensembles_identity(tmp_path):
    text = (ROOT / "tests" / "scenarios" / "mini.yaml").read_text(encoding="utf-8").replace(
        "note: divisions in the attack, range: [3, 6]}",
        'note: divisions in the attack, range: [3, 6], applies_to: ["units[1st Army].count"]}')
    mini = str(tmp_path / "mini.yaml")
    (tmp_path / "mini.yaml").write_text(text, encoding="utf-8")
    _ok(["ensemble", mini, "--runs", "4", "--out", str(tmp_path / "e"), "--set", "japanese_strength=5",
         "--no-progress"])
    m = json.loads((tmp_path / "e" / "manifest.json").read_text())
    assert m["settings"] == {"japanese_strength": 5.0}
    res = runner.invoke(app, ["ensemble", mini, "--runs", "6", "--out", str(tmp_path / "e"), "--no-progress"])
    assert res.exit_code == 2 and "another ensemble" in res.output


def test_otsu_can_start_in_august_and_says_what_winter_forbids(tmp_path):
    # the summer climatology ended in August: an August start running into September was refused
    from kriegsspiel.scenario.bundled import resolve

    text = resolve("operation-otsu").read_text(encoding="utf-8")
    aug = tmp_path / "aug.yaml"
    aug.write_text(text.replace("start: 1944-06-02", "start: 1944-08-01").replace("end: 1944-07-09", "end: 1944-09-07"),
                   encoding="utf-8")
    r = json.loads(_ok(["run", str(aug), "--seed", "1", "--format", "json"]))
    assert r["end"] == "1944-09-07" and len(r["timeline"]["dates"]) == 38
    jan = tmp_path / "jan.yaml"
    jan.write_text(text.replace("start: 1944-06-02", "start: 1944-01-01").replace("end: 1944-07-09", "end: 1944-02-07"),
                   encoding="utf-8")
    # in January the Amur is frozen and the northern sea lanes closed: the river and sea operations do not take
    # place, and the run and its article say why
    r = json.loads(_ok(["run", str(jan), "--seed", "1", "--format", "json"]))
    cancelled = {op["name"]: op["cancelled"] for op in r["operations"] if op["state"] == "cancelled"}
    assert any("frozen" in why for why in cancelled.values()) and any("ice" in why for why in cancelled.values())
    assert "Opposed crossing of the Amur at Heihe" in cancelled and r["end"] == "1944-02-07"
    article = _ok(["run", str(jan), "--seed", "1", "--format", "wikitext"])
    assert "Opposed crossing of the Amur at Heihe (Japanese river operation) did not take place: the river" in article


def test_a_seed_beyond_2_to_the_128_is_a_usage_error():
    res = runner.invoke(app, ["run", str(ROOT / "tests" / "scenarios" / "mini.yaml"), "--seed", str(2**130)])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_the_readme_main_command_with_no_arguments_runs_otsu():
    # `.venv/bin/kriegsspiel` with nothing after it: the README's main job
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "kriegsspiel.cli"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("Operation Otsu")


def test_two_sets_that_together_pass_a_schema_bound_are_one_clear_error(tmp_path):
    # each value inside its own range, but a rifle division's strength (1.25) x 1.45/1.25 x 760,000/652,253 = 1.69
    # passes the schema's 1.5: exit 2 with one line naming both assumptions and the bound, no pydantic dump
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "kriegsspiel.cli", "run", "--set", "ussr_rifle_division_strength=1.45",
                        "--set", "ussr_split_ground_units_men=760000"], capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "Traceback" not in r.stderr and "pydantic" not in r.stderr and "validation error" not in r.stderr
    assert "ussr_rifle_division_strength" in lines[0] and "ussr_split_ground_units_men" in lines[0]
    assert "at most 1.5" in lines[0] and "strength" in lines[0]
    res = runner.invoke(app, ["ensemble", "--runs", "2", "--no-progress", "--out", str(tmp_path / "e"),
                              "--set", "ussr_rifle_division_strength=1.45", "--set", "ussr_split_ground_units_men=760000"])
    assert res.exit_code == 2 and "at most 1.5" in res.output and "Traceback" not in res.output
