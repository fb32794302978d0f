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


# Ranged assumptions of bundled scenarios that nothing varies yet (no `applies_to`, or a date for a value): their
# files are not part of this change. The list may only shrink: a new ranged assumption without a target fails.
KNOWN_NOT_VARIED = {
    "ardennes-1944": {"us_initial_men", "fortification_schnee_eifel"},
    "bagration-1944": {"german_tanks", "fortification_fortresses", "fortification_front"},
    "compass-1940": {"italian_tobruk_men", "fortification_camps", "fortification_bardia_tobruk", "bardia_perimeter_km",
                     "tobruk_perimeter_km", "tobruk_depth_km", "halfaya_sollum_frontage_km",
                     "capitulation_strength_share"},
    "france-1940": {"dutch_men", "german_tanks", "fortification_sedan", "fortification_maginot_metz",
                    "fortification_rhine", "fortification_belgian_forts", "fortification_dutch_lines",
                    "fortification_westwall", "frontage_meuse_gorges", "first_armoured_division_arrival"},
    "ichigo-1944": {"chinese_men_hunan", "fortification_changsha", "fortification_guilin", "fortification_hengyang",
                    "fortification_luoyang", "fortification_tongguan", "japanese_guns"},
    "khalkhin-gol-1939": {"japanese_men"},
    "kursk-south-1943": {"fortification_first_belt", "fortification_rear_belts", "fortification_second_belt",
                         "ii_ss_departure", "soviet_arrival_5gta"},
    "lake-khasan-1938": {"japanese_men"},
    "malaya-1941": {"fortification_jitra", "fortification_kota_bharu", "fortification_kampar", "fortification_mersing",
                    "fortification_penang", "fortification_singapore"},
    "philippines-1941": {"fortification_abucay_mauban", "fortification_orion_bagac", "fortification_corregidor"},
    "vistula-oder-1945": {"fortification_front"},
    "jassy-kishinev-1944": {"fortification_front"},
}


def _bundled():
    from kriegsspiel.scenario.bundled import list_scenarios

    return [s["name"] for s in list_scenarios()]


@pytest.mark.parametrize("name", _bundled())
def test_every_ranged_assumption_of_a_bundled_scenario_has_a_target(name):
    # an assumption with a `range` declares a knob: without `applies_to` (or with a value that is no number to scale
    # by) editing it changes nothing and sensitivity cannot vary it. Operation Otsu, the flagship, has none such
    from kriegsspiel.api import load_scenario

    s = load_scenario(name).scenario
    not_varied = {a.id for a in A.unmapped(s)}
    allowed = KNOWN_NOT_VARIED.get(name, set())
    assert not_varied <= allowed, f"{name}: ranged assumptions without a target: {sorted(not_varied - allowed)}"
    ranged = {a.id for a in s.assumptions if a.range is not None}
    assert {a.id for a in A.uncertain(s)} == ranged - not_varied


def test_otsu_ranged_assumptions_are_knobs_and_each_end_is_accepted():
    # every ranged Otsu assumption has targets; each end of each range, set alone, changes the inputs and is one the
    # schema accepts; the default (no settings) is the file as written
    from kriegsspiel.api import load_scenario

    loaded = load_scenario("operation-otsu")
    s = loaded.scenario
    assert not A.unmapped(s) and len(A.uncertain(s)) == sum(a.range is not None for a in s.assumptions)
    A.check(loaded)
    base = s.model_dump(exclude={"assumptions"})
    for a in A.uncertain(s):
        for v in a.range:
            new = A.resolve(loaded, {a.id: v}).scenario.model_dump(exclude={"assumptions"})
            assert (new != base) == (float(v) != float(a.value)), a.id


def test_otsu_new_knobs_scale_what_they_say():
    from kriegsspiel.api import load_scenario

    loaded = load_scenario("operation-otsu")
    base_days = __import__("kriegsspiel.params", fromlist=["x"]).default_params().scalars["initial_stock_days"]
    new = A.resolve(loaded, {"ussr_reinforcement_divisions": 12, "japan_ammunition_kaisenbun_per_division": 2.0,
                             "japan_raiding_brigade_men": 2500}).scenario
    stavka = [u for u in new.units if u.name.startswith("Stavka reserve rifle division")]
    assert len(stavka) == 6 and sum(u.count for u in stavka) == pytest.approx(12)
    assert new.sides["japan"].initial_stock_days == pytest.approx(2 * base_days)
    brigade = next(u for u in new.units if u.name == "1st Raiding Brigade")
    assert brigade.strength * new.unit_types["ija_raiding_brigade"].men == pytest.approx(2500)
    for aid in ("ussr_split_fleet_and_flotilla_men", "ussr_split_air_and_pvo_men", "ussr_split_rear_men",
                "ussr_readiness", "july_rain_road_factor"):
        a = next(x for x in loaded.scenario.assumptions if x.id == aid)
        assert a.range is None and not a.applies_to and "NOT A MODEL INPUT" in a.note


def test_a_combination_past_a_schema_bound_is_one_clear_line_per_field():
    # each value inside its own range, but together they scale a rifle division's strength past 1.5: refused with the
    # assumptions, the value reached and the bound, not a pydantic dump
    from kriegsspiel.api import load_scenario

    loaded = load_scenario("operation-otsu")
    with pytest.raises(A.OutOfBounds) as e:
        A.resolve(loaded, {"ussr_rifle_division_strength": 1.45, "ussr_split_ground_units_men": 760000,
                           "japan_quality": 1.2})
    assert len(e.value.problems) == 1
    text = str(e.value)
    assert "\n" not in text and "pydantic" not in text and "validation error" not in text
    assert "ussr_rifle_division_strength, ussr_split_ground_units_men:" in text and "japan_quality," not in text
    assert "at most 1.5" in text and "1.69" in text and "strength" in text
    assert e.value.reasons == ["units.strength past the schema's bound (at most 1.5): ussr_rifle_division_strength "
                               "with ussr_split_ground_units_men"]
    A.resolve(loaded, {"ussr_rifle_division_strength": 1.45, "ussr_split_ground_units_men": 600000})   # inside


def test_simulate_takes_settings_like_run(sens_yaml):
    # kriegsspiel.simulate(settings=) is the batch form of kriegsspiel.run(settings=): the same runs, the same checks
    import numpy as np

    import kriegsspiel as ks

    base = ks.simulate(sens_yaml, runs=3, seed=2)
    more = ks.simulate(sens_yaml, runs=3, seed=2, settings={"japanese_strength": 8})
    assert more.st.men.sum() != base.st.men.sum()
    one = ks.run(sens_yaml, seed=2, run_index=1, settings={"japanese_strength": 8}).to_dict()
    killed = sum(v["killed"] for v in one["sides"].values())
    assert killed == pytest.approx(float(more.st.killed[1].sum()), rel=0, abs=1)
    assert np.array_equal(ks.simulate(sens_yaml, runs=3, seed=2, settings={}).st.men, base.st.men)
    with pytest.raises(ScenarioError, match="range"):
        ks.simulate(sens_yaml, runs=1, settings={"japanese_strength": 100})
    with pytest.raises(KeyError, match="unknown"):
        ks.simulate(sens_yaml, runs=1, settings={"nope": 1})
