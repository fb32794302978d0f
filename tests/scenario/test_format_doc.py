"""docs/scenario-format.md: its worked example loads and runs, and its field reference is the schema's."""

from pathlib import Path

import numpy as np

from kriegsspiel import api
from kriegsspiel.scenario import reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md"


def test_field_reference_is_current():
    text = DOC.read_text("utf-8")
    assert reference.updated(text) == text, "run: python -m kriegsspiel.scenario.reference --write"


def test_every_schema_model_is_documented():
    from kriegsspiel.scenario.schema import Scenario

    text = DOC.read_text("utf-8")
    for name in Scenario.model_json_schema()["$defs"]:
        assert f"### {name}" in text


def test_worked_example_loads_and_runs(tmp_path):
    text = DOC.read_text("utf-8")
    body = text.split("<!-- example scenario -->", 1)[1].split("<!-- end example scenario -->", 1)[0]
    yaml_text = body.split("```yaml", 1)[1].split("```", 1)[0]
    path = tmp_path / "river-line-1944.yaml"
    path.write_text(yaml_text, "utf-8")
    c = api.compile(str(path))
    e = api.simulate(c, runs=20, seed=1)
    ford = c.theatre.index["Ford"]
    assert (e.st.taken_day[:, 0, ford] >= 0).any()                  # the red drive gets somewhere
    lost = e.st.killed + e.st.wounded + e.st.missing
    assert (lost >= 0).all() and lost.sum() > 0
    from kriegsspiel.validation.campaigns import backtest

    res = backtest(str(path), runs=10, seed=1)
    assert res["name"] == "river-line-1944" and len(res["captures"]) == 2
    assert np.isfinite(res["winner_share"])


def test_a_side_without_a_supply_source_is_refused(tmp_path):
    import pytest

    from kriegsspiel.scenario.errors import ScenarioError

    text = DOC.read_text("utf-8")
    body = text.split("<!-- example scenario -->", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    path = tmp_path / "nosource.yaml"
    path.write_text(body.replace("owner: blue, supply_source: true", "owner: blue"), "utf-8")
    with pytest.raises(ScenarioError) as exc:
        api.load_scenario(str(path))
    (p,) = exc.value.problems
    assert p.path == "sides.blue" and "supply_source" in p.expected and p.line is not None
