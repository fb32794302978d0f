"""Fuzz the loader: generated and mutated scenario files end in a clear error or a valid scenario."""

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kriegsspiel.scenario.errors import ScenarioError
from kriegsspiel.scenario.load import LoadedScenario, load_scenario
from tests import fuzz
from tests.conftest import MINI

BASE = yaml.safe_load(MINI.read_text(encoding="utf-8"))

PATHS = fuzz.PATHS


def _set(obj, path, value):
    return fuzz.set_at(obj, path, value)


def _check(path):
    try:
        assert isinstance(load_scenario(path), LoadedScenario)
    except ScenarioError as exc:
        assert exc.problems
        for p in exc.problems:
            text = str(p)
            assert str(path) in text and p.expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), value=fuzz.values)
def test_mutated_scenarios(path, value, tmp_path):
    f = tmp_path / "m.yaml"
    f.write_text(yaml.safe_dump(_set(BASE, path, value), allow_unicode=True), encoding="utf-8")
    _check(f)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_arbitrary_text(text, tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(text, encoding="utf-8")
    _check(f)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, len(MINI.read_text(encoding="utf-8"))), junk=st.text(max_size=20))
def test_truncated_and_spliced(cut, junk, tmp_path):
    text = MINI.read_text(encoding="utf-8")
    f = tmp_path / "c.yaml"
    f.write_text(text[:cut] + junk + text[cut + len(junk):], encoding="utf-8")
    _check(f)
