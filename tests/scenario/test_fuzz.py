"""Fuzz the loader: generated and mutated scenario files end in a clear error or a valid scenario."""

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kriegsspiel.scenario.errors import ScenarioError
from kriegsspiel.scenario.load import LoadedScenario, load_scenario
from tests.conftest import MINI

BASE = yaml.safe_load(MINI.read_text(encoding="utf-8"))

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=12), st.dates().map(str))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


PATHS = [p for p in _paths(BASE) if p]


def _set(obj, path, value):
    import copy

    obj = copy.deepcopy(obj)
    cur = obj
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value
    return obj


def _check(path):
    try:
        assert isinstance(load_scenario(path), LoadedScenario)
    except ScenarioError as exc:
        assert exc.problems
        for p in exc.problems:
            text = str(p)
            assert str(path) in text and p.expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), value=values)
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
