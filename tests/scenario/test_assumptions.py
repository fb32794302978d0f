"""Assumptions and their targets (scenario.assumptions): a value scales its targets, a bad target is refused with
the file and line, rail lines and a side's stocks are targets."""

from __future__ import annotations

import pytest

from kriegsspiel.scenario import assumptions as A
from kriegsspiel.scenario.errors import ScenarioError


def test_apply_scales_targets(sens_yaml):
    from kriegsspiel.api import load_scenario

    loaded = load_scenario(sens_yaml)
    new = A.apply(loaded, {"japanese_strength": 6, "soviet_quality": 1.2})
    units = {u.name: u for u in new.scenario.units}
    assert units["1st Army"].count == 6
    assert all(u.quality == pytest.approx(1.2) for u in new.scenario.units if u.side == "ussr")
    assert A.apply(loaded, {}) is loaded


def test_bad_target_reported(tmp_path, sens_yaml):
    from kriegsspiel.api import load_scenario

    bad = tmp_path / "bad.yaml"
    bad.write_text(sens_yaml.read_text().replace("units[1st Army].count", "units[Nobody].count")
                   .replace("units[side=ussr].quality", "parameters.no_such_parameter"))
    with pytest.raises(ScenarioError) as e:
        A.check(load_scenario(bad))
    assert len(e.value.problems) == 2 and "Nobody" in str(e.value)


def test_setting_one_assumption_does_not_trip_over_another_ones_declaration(sens_yaml, tmp_path):
    # a scenario may declare a non-numeric assumption with targets (France 1940's arrival date): setting another
    # assumption (a back-test's input point, --set) must still work; only the assumptions being set are checked
    from kriegsspiel.api import load_scenario

    text = sens_yaml.read_text().replace(
        "assumptions:\n", 'assumptions:\n  - {id: a_date, value: "1944-06-05", basis: assumption, '
        'applies_to: ["units[Siberian reinforcements].arrives_day"]}\n', 1)
    path = tmp_path / "dated.yaml"
    path.write_text(text)
    loaded = load_scenario(path)
    out = A.resolve(loaded, {"japanese_strength": 5})
    assert {a.id: a.value for a in out.scenario.assumptions}["japanese_strength"] == 5
    with pytest.raises(ScenarioError, match="a non-zero number"):
        A.resolve(loaded, {"a_date": 3})


def test_rail_capacities_are_targets(mini, tmp_path):
    # an assumption can stand for a rail line's capacity: the scenario's own edges (edges[FROM>TO]) and the lines of
    # its rail file (rail_lines[LINE], Otsu's Trans-Siberian)
    import numpy as np

    from kriegsspiel import api

    text = mini.read_text()
    head = text[: text.index("assumptions:")]
    path = tmp_path / "rail.yaml"
    path.write_text(head + "assumptions:\n  - {id: vlad_line, value: 8000, written_as: 8000, basis: assumption, "
                    'range: [2000, 9000], applies_to: ["edges[Vladivostok>Ussuriysk].capacity_t_per_day"]}\n')
    base = api.compile(str(path))
    cut = api.compile(str(path), settings={"vlad_line": 2000})
    assert sorted(base.rail_cap) != sorted(cut.rail_cap) and 2000.0 in cut.rail_cap and 2000.0 not in base.rail_cap
    otsu = api.compile("operation-otsu")
    more = api.compile("operation-otsu", settings={"trans_siberian_capacity_t_per_day": 20000})
    assert (more.rail_cap == 20000).sum() == (otsu.rail_cap == 14000).sum() > 10
    assert np.array_equal(np.sort(otsu.rail_cap[otsu.rail_cap != 14000]), np.sort(more.rail_cap[more.rail_cap != 20000]))


def test_a_sides_initial_stocks_are_a_target(mini, tmp_path):
    # sides[SIDE].initial_stock_days: the side's formations start with (and are refilled toward) that many days of
    # combat supply; unset, the model's initial_stock_days is the base the assumption scales
    import numpy as np

    from kriegsspiel import api
    from kriegsspiel.engine.loop import make_engine

    text = mini.read_text()
    head = text[: text.index("assumptions:")]
    path = tmp_path / "stocks.yaml"
    base_days = api.compile(str(mini)).params["initial_stock_days"]
    path.write_text(head + "assumptions:\n  - {id: depots, value: 60, basis: assumption, range: [15, 120], "
                    'applies_to: ["sides[ussr].initial_stock_days"]}\n')
    c = api.compile(str(path), settings={"depots": 120})
    ussr = np.array([c.side_keys[s] == "ussr" for s in c.unit_side])
    assert np.allclose(c.stock0[ussr], base_days * 2) and np.allclose(c.stock0[~ussr], base_days)
    st = make_engine(c, np.arange(2), 1).st
    assert np.allclose(st.stock[:, ussr], base_days * 2)
    with pytest.raises(ScenarioError, match="selects some sides"):
        bad = tmp_path / "bad.yaml"
        bad.write_text(head + "assumptions:\n  - {id: depots, value: 60, basis: assumption, range: [15, 120], "
                       'applies_to: ["sides[martians].initial_stock_days"]}\n')
        api.compile(str(bad), settings={"depots": 90})
