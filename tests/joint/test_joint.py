"""Joint operations: every kind happens at the article's places, men are conserved, runs repeat exactly, the
airborne cut shows in the freight east of it, and bad joint input is refused with the operation and field named."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from kriegsspiel import api
from kriegsspiel.cli import app

HERE = Path(__file__).parent
MINI = HERE / "joint_mini.yaml"
KINDS = ("naval_bombardment", "amphibious_landing", "river_assault", "air_raid", "airborne_drop", "link_up", "siege")
# where the article (S01) puts each kind (places of places.csv)
ARTICLE_PLACES = {
    "naval_bombardment": {"Petropavlovsk-Kamchatsky", "Sovetskaya Gavan", "Vladivostok",
                          "Vladivostok coastal battery No.981 (Voroshilov battery)"},
    "amphibious_landing": {"Petropavlovsk-Kamchatsky", "Aleksandrovsk-Sakhalinsky", "Okha", "Commander Islands (Nikolskoye)",
                           "Anadyr", "Nikolayevsk-on-Amur", "Sovetskaya Gavan", "Vladivostok"},
    "river_assault": {"Komsomolsk-on-Amur", "Khabarovsk", "Blagoveshchensk"},
    "air_raid": {"Petropavlovsk-Kamchatsky", "Khabarovsk", "Vladivostok", "Komsomolsk-on-Amur", "Blagoveshchensk", "Chita",
                 "Ulan-Ude", "Ulan Bator", "Irkutsk"},
    "airborne_drop": {"Tarskaya", "Skovorodino", "Bamovskaya", "Izvestkovaya", "Komsomolsk-on-Amur", "Taishet"},
    "siege": {"Vladivostok"},
}


def _json(result) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str)


@pytest.fixture(scope="module")
def otsu():
    return api.compile(None)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_joint_kind_on_otsu_at_the_articles_places(otsu, seed):
    events = api.run(otsu, seed=seed).to_dict()["events"]
    for kind in KINDS:
        places = {e["place"] for e in events if e["kind"] == kind}
        if kind == "link_up":
            continue          # it happens only where the ground war reaches the paratroops: see the next test
        assert places, f"no {kind} event for seed {seed}"
        if kind in ARTICLE_PLACES:
            assert places <= ARTICLE_PLACES[kind], (kind, places - ARTICLE_PLACES[kind])
    raids = {e["place"] for e in events if e["kind"] == "air_raid"}
    assert raids == ARTICLE_PLACES["air_raid"], "every city of the article is raided"
    landings = {e["place"] for e in events if e["kind"] == "amphibious_landing"}
    assert len(landings) >= 7, landings          # Anadyr's lane opens only in July: it may still be at sea
    for e in events:
        if e["kind"] in ("air_raid", "amphibious_landing", "airborne_drop"):
            assert any(ch.isdigit() for ch in e["detail"]), e     # losses and figures in the detail


def test_link_up_happens_in_some_runs(otsu):
    kinds = [{e["kind"] for e in api.run(otsu, seed=seed).to_dict()["events"]} for seed in range(6)]
    assert any("link_up" in k for k in kinds)


def test_otsu_control_covers_the_articles_places(otsu):
    control = api.run(otsu, seed=0).to_dict()["control"]
    for places in ARTICLE_PLACES.values():
        assert places <= set(control)


@pytest.mark.parametrize("path", [None, str(MINI)])
def test_conservation_with_joint_phases(path):
    c = api.compile(path)
    eng = api.simulate(c, runs=4, seed=3, record=False)
    st = eng.st
    start = np.where(c.arrives == 0, c.men0, 0)[None, :] + st.reinforced
    assert np.array_equal(start, st.men + st.killed + st.wounded + st.missing + st.departed)
    assert (st.men >= 0).all() and (st.killed >= 0).all() and (st.wounded >= 0).all() and (st.missing >= 0).all()
    assert st.joint.civilians_killed.sum() > 0          # reported apart from the military losses


def test_joint_run_is_byte_identical(otsu):
    assert _json(api.run(otsu, seed=5)) == _json(api.run(otsu, seed=5))
    assert _json(api.run(otsu, seed=5)) != _json(api.run(otsu, seed=6))


def test_run_k_does_not_depend_on_the_batch(otsu):
    a = api.simulate(otsu, runs=[2], seed=1).st
    b = api.simulate(otsu, runs=[0, 1, 2], seed=1).st
    assert np.array_equal(a.men[0], b.men[2]) and np.array_equal(a.freight[0], b.freight[2])


def test_airborne_cut_shows_in_freight_east_of_it():
    c = api.compile(str(MINI))
    # the seizure is a chance outcome (the drop comes in waves): take the first of a few runs where it happens
    for seed in range(10):
        eng = api.simulate(c, runs=[0], seed=seed, record=True)
        seized = [e.day for e in eng.log.events if e.kind == "airborne_drop" and e.data.get("outcome") == "seized"]
        if seized:
            break
    assert seized, "the drop zone is seized in some run"
    freight = eng.st.freight[0]
    drop_day = 3
    assert (freight[:drop_day] > 10000).all(), freight            # the Trans-Siberian runs before the drop
    assert freight[seized[0]] < 0.2 * freight[0], freight          # and is cut from the day it is seized
    cuts = [e for e in eng.log.events if e.kind == "rail_cut"]
    assert cuts and cuts[0].day == seized[0]


def test_otsu_freight_falls_after_the_drop(otsu):
    res = api.run(otsu, seed=0).to_dict()
    freight = res["timeline"]["freight_east_t"]
    assert freight[0] > 10000 and min(freight[1:]) < 0.2 * freight[0], freight


# ---------------------------------------------------------------------------------------------------- bad input
runner = CliRunner()
BAD = {
    # case: (text transformation, words that must appear in the message)
    "landing_without_coast": (lambda t: t.replace("origin: Paramushir, objective: Petropavlovsk, start_day: 0",
                                                  "origin: Paramushir, objective: Inland, start_day: 0"),
                              ["Landing at Petropavlovsk", "operations[2].objective", "coast"]),
    "river_off_network": (lambda t: t.replace("origin: Heihe, objective: Blagoveshchensk", "origin: Heihe, objective: Khabarovsk"),
                          ["Heihe crossing", "operations[3].objective", "no river edge"]),
    "drop_beyond_radius": (lambda t: t.replace("drop_zones: [Mid]", "drop_zones: [Petropavlovsk]"),
                           ["Drop on the railway", "operations[6].drop_zones[0]", "radius"]),
    "raid_beyond_radius": (lambda t: t.replace("targets: [Khabarovsk]", "targets: [Petropavlovsk]"),
                           ["Raid on Khabarovsk", "operations[5].targets[0]", "radius"]),
    "ship_that_does_not_exist": (lambda t: t.replace("heavy_cruiser_myoko: 2", "battleship_yamato_class: 2"),
                                 ["unit_types.ija_fleet.ships.battleship_yamato_class", "ship class"]),
    "aircraft_that_does_not_exist": (lambda t: t.replace("aircraft_model: Ki-21-II", "aircraft_model: B-29"),
                                     ["unit_types.ija_bombers.aircraft_model", "aircraft"]),
}


def test_a_river_out_of_season_cancels_the_operation_and_the_run_says_why(tmp_path):
    # the river opens only after the campaign's start: the crossing does not take place (it was refused before)
    text = MINI.read_text(encoding="utf-8").replace(
        "{from: Heihe, to: Blagoveshchensk, kind: river, season: [1944-05-10, 1944-10-31]}",
        "{from: Heihe, to: Blagoveshchensk, kind: river, season: [1944-07-10, 1944-10-31]}")
    path = tmp_path / "frozen.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["run", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    ops = {op["name"]: op for op in json.loads(result.output)["operations"]}
    heihe = ops["Heihe crossing"]
    assert heihe["state"] == "cancelled" and heihe["started"] is None and "frozen" in heihe["cancelled"]
    assert all(op["cancelled"] is None for name, op in ops.items() if name != "Heihe crossing")


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_joint_input_exits_2_naming_operation_and_field(case, tmp_path):
    transform, words = BAD[case]
    text = MINI.read_text(encoding="utf-8")
    bad = transform(text)
    assert bad != text, "the case must change the scenario"
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for w in words:
        assert w in result.output, (w, result.output)


def test_mini_is_valid():
    assert runner.invoke(app, ["run", str(MINI)]).exit_code == 0


@pytest.mark.slow
def test_the_default_command_runs_otsu():
    # the main job as a new user starts it (its time is measured in benchmarks/run.py, not here)
    out = subprocess.run([sys.executable, "-m", "kriegsspiel.cli", "run", "--seed", "1"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Operation Otsu" in out.stdout


def test_a_landing_force_supplied_over_the_beach_is_not_cut_off(otsu):
    # the amphibious phase feeds the troops ashore over the beach (or a taken port); the supply phase must not count
    # them cut off for it (they would break into a pocket on their own beachhead)
    from kriegsspiel.codes import OpState
    from kriegsspiel.engine.loop import make_engine

    e = make_engine(otsu, np.arange(20), 5)
    checked = 0
    for d in range(15):
        e.step(d)
        for o in e.ctx.plan.of_type("amphibious_landing"):
            ashore = (e.st.joint.op_state[:, o.j] == OpState.ashore) | (e.st.joint.op_state[:, o.j] == OpState.won)
            fed = ashore & ~e.st.reach[:, o.side, o.objective]
            for r in np.flatnonzero(fed):
                live = [u for u in o.troops if e.st.men[r, u] > 0 and e.st.loc[r, u] == o.objective]
                checked += len(live)
                assert all(e.st.cut[r, u] == 0 for u in live), (o.name, d, r)
    assert checked > 0


def test_a_single_run_loses_whole_aircraft_and_ships(otsu):
    # the narrative printed "1.1 transports shot down" and "0.8 ships lost": expected values in a single run
    from kriegsspiel.engine.loop import simulate

    J = simulate(otsu, np.arange(6), 2).st.joint
    assert (J.aircraft_lost > 0).any()
    assert np.array_equal(J.aircraft_lost, np.round(J.aircraft_lost))
    lost_ships = otsu.plan.ships0[None] - J.ships
    assert (lost_ships > 0).any() and np.allclose(lost_ships, np.round(lost_ships))


def test_whole_losses_are_unbiased():
    # integer part plus one with the fractional part's probability: the mean over many runs is the expectation
    from kriegsspiel.engine.phases.common import whole
    from kriegsspiel.engine.rng import Dice

    class Ctx:
        dice = Dice(7, np.arange(20000))

    x = np.tile(np.array([0.3, 1.75, 4.0]), (20000, 1))
    w = whole(Ctx, "air", 3, x, np.arange(3), 5)
    assert np.array_equal(w, np.round(w)) and (np.floor(x) <= w).all() and (w <= np.ceil(x)).all()
    assert np.allclose(w.mean(axis=0), [0.3, 1.75, 4.0], atol=0.02)
