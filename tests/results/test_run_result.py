"""The result of one campaign (results/run_result.py) on tests/scenarios/mini.yaml: men conserved per side,
labels and control consistent, the same run k as in a batch or an ensemble row."""

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from kriegsspiel import api, run_ensemble
from kriegsspiel.engine.outcome import labels, winner_of
from kriegsspiel.results import run_result as rr

MINI = Path(__file__).resolve().parents[1] / "scenarios" / "mini.yaml"
SEED = 3


@pytest.fixture(scope="module")
def compiled():
    return api.compile(str(MINI))


@pytest.fixture(scope="module")
def result(compiled):
    return api.run(compiled, seed=SEED)


def test_men_are_conserved_per_side(result):
    for key, side in result["sides"].items():
        lost = side["killed"] + side["wounded"] + side["missing"]
        assert side["strength"] == side["strength_at_start"] + side["reinforcements"], key
        assert side["strength"] == lost + side["present_at_end"] + side["departed"], key
        assert min(side["killed"], side["wounded"], side["missing"], side["present_at_end"]) >= 0
        assert 0 <= side["tanks_lost"] <= side["tanks_at_start"]


def test_sides_are_the_scenarios(result):
    # mini: 4 x 19,770 + 2 x 800 + 19,770 Japanese; 6 x 9,435 Soviet at the start and 9,435 arriving on day 10
    assert result["sides"]["japan"]["strength_at_start"] == 5 * 19770 + 2 * 800
    assert result["sides"]["ussr"]["strength_at_start"] == 6 * 9435
    assert result["sides"]["ussr"]["reinforcements"] == 9435
    assert result["sides"]["japan"]["tanks_at_start"] == 160
    assert result["sides"]["japan"]["commanders"] == ["Test General A"]


def test_result_label_winner_and_control(result, compiled):
    res = result["result"]
    assert res["label"] in labels(compiled) and res["winner"] == winner_of(compiled, res["label"]) and res["reason"]
    assert set(result["control"]) == set(compiled.theatre.names)
    assert set(result["control"].values()) <= {"japan", "ussr"}
    if res["label"] == "Axis victory":
        assert result["control"]["Vladivostok"] == "japan"


def test_timeline_is_daily_and_ends_with_the_final_state(result):
    tl = result["timeline"]
    assert tl["dates"][0] == result["start"] and tl["dates"][-1] == result["end"]
    assert len(tl["dates"]) == (dt.date.fromisoformat(result["end"]) - dt.date.fromisoformat(result["start"])).days + 1
    for key, side in result["sides"].items():
        series = tl["sides"][key]
        for k in ("killed", "wounded", "missing"):
            assert len(series[k]) == len(tl["dates"]) and series[k][-1] == side[k]
            assert (np.diff(series[k]) >= 0).all(), (key, k)           # losses only accumulate
    assert {n: v[-1] for n, v in tl["control"].items()} == result["control"]


def test_events_are_dated_in_the_campaign_and_in_order(result):
    dates = [e["date"] for e in result["events"]]
    assert dates and dates == sorted(dates) and result["start"] <= dates[0] and dates[-1] <= result["end"]
    assert {e["kind"] for e in result["events"]} >= {"offensive", "ground_assault"}
    for e in result["events"]:
        if e["kind"] in ("offensive", "ground_assault", "reinforcement"):
            assert f"{round(e['value']):,}" in e["detail"], e      # the figure, formatted with thousands commas
        if e["kind"] == "ground_assault" and e["side"] == "japan":
            assert e["detail"].startswith("Japanese assault at " + e["place"])
            assert f"combat-power ratio {e['ratio']:.2f}" in e["detail"]


def test_provenance_and_repeatability(result, compiled):
    assert result["provenance"]["scenario_sha256"] == compiled.loaded.sha256
    assert result["provenance"]["seed"] == result["seed"] == SEED and result["run"] == 0
    assert result.to_dict() is result.data and result["scenario"] == "mini"
    assert api.run(compiled, seed=SEED).to_dict() == result.to_dict()
    assert {p["name"] for p in result["places"]} == set(compiled.theatre.names)
    assert len(result["network"]) == len(compiled.theatre.edges)


def test_run_k_alone_equals_row_k_of_a_batch_and_the_ensemble_row(compiled, tmp_path):
    eng = api.simulate(compiled, runs=3, seed=SEED, record=True)
    rows = run_ensemble(compiled, 3, SEED, tmp_path / "o").table()
    for k in range(3):
        alone = api.run(compiled, seed=SEED, run_index=k)
        batch = rr.build_run_result(compiled, eng, k)
        assert batch["run"] == alone["run"] == k
        assert batch["sides"] == alone["sides"] and batch["control"] == alone["control"]
        assert batch["result"]["label"] == alone["result"]["label"] == rows["result"][k]
        for side in ("japan", "ussr"):
            for what in ("killed", "wounded", "missing"):
                assert alone["sides"][side][what] == rows[f"{side}_{what}"][k]


@pytest.mark.parametrize("n,text", [(0, "0"), (999.4, "999"), (1234.6, "1,235"), (80680, "80,680")])
def test_fmt(n, text):
    assert rr._fmt(n) == text


def test_jsonable_turns_dates_into_strings():
    got = rr._jsonable({1: [dt.date(1944, 6, 2), ("a", 2.5)], "k": {"d": dt.date(1945, 8, 9)}})
    assert got == {"1": ["1944-06-02", ["a", 2.5]], "k": {"d": "1945-08-09"}}


def test_side_word_prefers_the_adjective(compiled):
    assert [rr.side_word(compiled, s) for s in range(2)] == ["Japanese", "Soviet"]


def _ev(kind, place=3, value=0, **args):
    from kriegsspiel.engine.events import Event, EventKind

    return Event(0, 0, EventKind(kind), 0, place, value, args=args)


def test_paratroops_are_told_against_the_men_who_landed():
    # "561 dropped, 13 % lost, then 538 men seize Bamovskaya"; "1,118 dropped, then 1,835 men lost": the engine counts
    # the formation's share, the sentences the men who landed
    events = [_ev("airborne_drop", jop="A", dropped=561, landed=488),
              _ev("airborne_drop", form="airborne_seized", value=1, jop="A", men=538, demolition=True),
              _ev("airborne_drop", place=4, jop="A", dropped=561, landed=510),
              _ev("airborne_drop", jop="A", dropped=557, landed=491),
              _ev("airborne_drop", form="airborne_destroyed", value=1835, jop="A", men=1835),
              _ev("link_up", place=4, value=300, jop="A", men=300),
              _ev("airborne_drop", place=9, form="airborne_destroyed", value=40, jop="B", men=40)]
    told = rr.with_paratroops_landed(events)
    seized, destroyed, linked, alone = told[1], told[4], told[5], told[6]
    assert (seized.args["men"], seized.args["landed"], seized.args["whole"], seized.args["lifts"]) == (488, 488, True, 0)
    assert seized.value == 1                                   # its value counts rail sections, unchanged
    assert (destroyed.args["men"], destroyed.args["landed"], destroyed.args["lifts"], destroyed.value) == (979, 979, 2, 979)
    assert linked.args["part"] and (linked.args["men"], linked.args["landed"]) == (300, 510)
    assert alone.args["alone"] and alone.args["men"] == 40
    assert told[0] is events[0] and events[1].args["men"] == 538          # the log's own events are left as they were
    from kriegsspiel.engine.events import sentence

    names = {"who": "Japanese", "enemy": "Soviet", "place": "Bamovskaya", "n": "1"}
    assert sentence(seized, names) == "The Japanese paratroops, the 488 who landed, seize Bamovskaya and blow the " \
                                      "railway there (1 rail section cut)."
    assert sentence(destroyed, names) == ("The Japanese paratroops at Bamovskaya are destroyed, unrelieved, with all "
                                          "979 men who landed there in 2 lifts.")
    assert sentence(linked, names).endswith("(300 men left of the 510 who landed).")


def test_events_name_their_operation_and_operations_their_landing_day():
    # the article said landings went in on the day they set out (Anadyr: 1 July) rather than the day they landed
    result = api.run("operation-otsu", seed=0).to_dict()
    ops = {op["name"]: op for op in result["operations"]}
    for e in result["events"]:
        if e["kind"] in ("offensive", "amphibious_landing", "airborne_drop", "air_raid", "objective_reached"):
            assert e.get("operation") in ops, e
    anadyr = ops["Landing at Anadyr (when the Bering Sea lane opens)"]
    landing = next(e for e in result["events"] if e.get("operation") == anadyr["name"] and "landed" in e)
    assert anadyr["started"] < anadyr["landed"] == landing["date"] and anadyr["ended"] == landing["date"]
    sakhalin = ops["Advance from Karafuto into North Sakhalin (Haramitog-Aleksandrovsk-Okha)"]
    reached = next(e for e in result["events"] if e.get("operation") == sakhalin["name"] and e["kind"] == "objective_reached")
    assert (sakhalin["ended_at"], sakhalin["ended"]) == (reached["place"], reached["date"])
