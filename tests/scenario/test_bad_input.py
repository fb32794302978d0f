"""Bad scenario input: exit status 2 and one message per problem naming file, line, field, value, expectation."""

import re

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
