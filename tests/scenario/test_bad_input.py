"""Bad scenario input: exit status 2 and one message per problem naming file, line, field, value, expectation."""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kriegsspiel.cli import app
from kriegsspiel.scenario.errors import ScenarioError
from kriegsspiel.scenario.load import load_scenario

runner = CliRunner()


def _problems(path):
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    return exc.value.problems


def _cli(path):
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


CASES = {
    # name: (text transformation, expected field path, words expected in the message, expected line)
    "malformed_yaml": (lambda t: t.replace("start: 1944-06-02", "start: [1944-06-02"), "(document)", "well-formed YAML", None),
    "unknown_field": (lambda t: t.replace("title: Mini", "titel: Oops\ntitle: Mini"), "titel", "no such field", 3),
    "misspelt_unit_field": (lambda t: t.replace("count: 4, location: Suifenhe", "cuont: 4, location: Suifenhe"),
                            "units[0].cuont", "no such field", None),
    # an unquoted comma inside a {...} mapping splits a value: the rest reads as a field, and the message says so
    "comma_in_flow_mapping": (lambda t: t.replace("{name: 1st Army,", "{name: 1st Army (Kondo, Hayashi),"),
                              "units[0].Hayashi)", "put that value in quotes", 35),
    "wrong_type": (lambda t: t.replace("count: 2, location: Khabarovsk", "count: many, location: Khabarovsk"),
                   "units[6].count", "valid number", None),
    "negative_strength": (lambda t: t.replace("count: 1, location: Pogranichny",
                                              "count: 1, strength: -0.5, location: Pogranichny"),
                          "units[3].strength", "greater than 0", None),
    "unknown_place": (lambda t: t.replace("location: Ussuriysk}", "location: Ussurisk}"),
                      "units[4].location", "name of a place", None),
    "unknown_objective": (lambda t: t.replace("objective: Vladivostok", "objective: Vladivostock"),
                          "operations[0].objective", "name of a place", None),
    "dates_out_of_order": (lambda t: t.replace("end: 1944-06-21", "end: 1944-05-21"), "(document)", "before start", None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_with_location(case, mini_text, write_scenario):
    transform, field, words, line = CASES[case]
    text = transform(mini_text)
    assert text != mini_text, "the case must change the scenario"
    path = write_scenario(text)
    problems = _problems(path)
    assert problems, "a problem must be reported"
    hit = [p for p in problems if (p.path or "(document)") == field]
    assert hit, [str(p) for p in problems]
    p = hit[0]
    assert p.file == str(path)
    assert words.lower() in p.expected.lower(), str(p)
    if line is not None:
        assert p.line == line
    out = _cli(path)
    assert str(path) in out and (field in out or field == "(document)")
    assert re.search(r":\d+: ", out), "the message carries a line number"


def test_objective_no_route_reaches(mini_text, write_scenario):
    text = mini_text.replace(
        "  - {name: Khabarovsk,",
        "  - {name: Island, lat: 45.0, lon: 150.0, terrain: volcanic_island, country: USSR}\n  - {name: Khabarovsk,",
    ).replace("objective: Vladivostok", "objective: Island")
    path = write_scenario(text)
    problems = _problems(path)
    assert any(p.path == "operations[0].objective" and "route" in p.expected for p in problems), problems
    assert _cli(path).count("error:") >= 1


def test_every_problem_reported_at_once(mini_text, write_scenario):
    text = mini_text.replace("location: Ussuriysk}", "location: Nowhere}").replace(
        "objective: Vladivostok", "objective: Elsewhere")
    problems = _problems(write_scenario(text))
    paths = {p.path for p in problems}
    assert {"units[4].location", "operations[0].objective"} <= paths


def test_missing_file_and_non_mapping(tmp_path, write_scenario):
    assert "readable scenario file" in _problems(tmp_path / "nope.yaml")[0].expected
    assert "mapping" in _problems(write_scenario("- just\n- a list\n"))[0].expected


def test_yaml_tags_are_never_executed(write_scenario, tmp_path):
    marker = tmp_path / "pwned"
    text = f"name: !!python/object/apply:os.system ['touch {marker}']\n"
    problems = _problems(write_scenario(text))
    assert problems and not marker.exists()


def test_duplicate_keys_are_an_error(mini_text, write_scenario):
    problems = _problems(write_scenario(mini_text.replace("title: Mini", "title: A\ntitle: Mini")))
    assert any("once" in p.expected for p in problems)


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path):
    # ten levels of ten aliases: 10**10 nodes once expanded, 1 KB on disk (issue: 3 GB and a traceback before)
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    lines.append("claims: {bomb: [" + ", ".join(["*a9"] * 10) + "]}")
    f = tmp_path / "bomb.yaml"
    f.write_text("\n".join(lines) + "\n")
    problems = _problems(f)
    assert len(problems) == 1 and str(f) in str(problems[0]) and "aliases" in problems[0].expected


def test_a_few_aliases_are_fine(mini_text, write_scenario):
    # an alias used a handful of times is ordinary YAML: the title reused as the description
    text = mini_text.replace("title: Mini test campaign", "title: &t Mini test campaign\ndescription: *t", 1)
    loaded = load_scenario(write_scenario(text))
    assert loaded.scenario.description == loaded.scenario.title == "Mini test campaign"


@pytest.mark.parametrize("old,new,field", [
    ("men: 19770", "men: .inf", "men"),                       # used to crash the engine
    ("men: 19770", "men: 4611686018427387904", "men"),        # 2**62: wrapped round to -4.6e18 killed
    ("guns: 64", "guns: .nan", "guns"),
    ("men: 800", "men: -800", "men"),
])
def test_numbers_are_finite_and_bounded(mini_text, write_scenario, old, new, field):
    problems = _problems(write_scenario(mini_text.replace(old, new, 1)))
    assert any(p.path.endswith(field) for p in problems), problems


@pytest.mark.parametrize("value,words", [(-1, ">= 0"), (".inf", "finite"), (1e12, "finite")])
def test_parameter_overrides_keep_their_sign_and_size(mini_text, write_scenario, value, words):
    # `attacker_rate_scale: -1` gave -51,060 killed
    text = mini_text.rstrip("\n") + f"\nparameters: {{attacker_rate_scale: {value}}}\n"
    problems = _problems(write_scenario(text))
    assert any("attacker_rate_scale" in p.path and words in p.expected for p in problems), problems


def test_a_campaign_of_centuries_is_refused(mini_text, write_scenario):
    import re as _re
    text = _re.sub(r"^end: .*$", "end: 9999-12-31", mini_text, count=1, flags=_re.M)
    assert any("at most" in str(p) for p in _problems(write_scenario(text)))


def test_a_fifo_or_device_is_not_read(tmp_path):
    import os
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert "regular file" in _problems(fifo)[0].expected       # used to hang
    assert "regular file" in _problems(Path("/dev/zero"))[0].expected   # used to read forever


def test_a_scenario_with_no_operations_runs(mini_text, write_scenario):
    # `operations: []` used to raise in the ground phase
    import yaml as _yaml

    from kriegsspiel import api

    doc = _yaml.safe_load(mini_text)
    doc["operations"] = []
    r = api.run(write_scenario(_yaml.safe_dump(doc, sort_keys=False)), seed=1).to_dict()
    assert r["operations"] == [] and all(s["killed"] >= 0 for s in r["sides"].values())


def test_an_infinite_unit_count_is_refused(mini_text, write_scenario):
    import yaml as _yaml

    doc = _yaml.safe_load(mini_text)
    doc["units"][0]["count"] = float("inf")
    problems = _problems(write_scenario(_yaml.safe_dump(doc, sort_keys=False)))
    assert any(p.path.endswith("count") for p in problems)
