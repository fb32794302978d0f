"""The story a single run tells: the article and the chronology agree with the run's events and timeline, counts
read as English ("1 ship"), assumptions show their values as written and no clause says "None"."""
import re

import pytest

from kriegsspiel import api
from kriegsspiel.engine.events import Event, EventKind, sentence
from kriegsspiel.report import markdown, wikitext
from kriegsspiel.report.article import build_article, count, fmt_date, fmt_value
from kriegsspiel.report.html import render_html

SEEDS = (0, 1, 2)


@pytest.fixture(scope="module")
def otsu_runs():
    return {seed: api.run("operation-otsu", seed=seed).to_dict() for seed in SEEDS}


def _ops_lines(result) -> dict[str, str]:
    """Each operation's bullet in the article's Operations section, by operation name."""
    sec = next(s for s in build_article(result).sections if s.heading == "Operations")
    return {op["name"]: next(b for b in sec.bullets if b.startswith(op["name"] + " (")) for op in result["operations"]}


# ---- assumptions: values as written, no "None" -------------------------------------------------------------------

@pytest.mark.parametrize("value,text", [(1.25, "1.25"), (0.7, "0.7"), (0.75, "0.75"), (652253, "652,253"),
                                        (1.0, "1.0"), (True, "True"), ("as in the article", "as in the article"),
                                        (1162991, "1,162,991"), (0.0125, "0.0125")])
def test_values_are_shown_as_written(value, text):
    # ussr_rifle_division_strength 1.25 read "1" and mpra_quality 0.8 read "1"
    assert fmt_value(value) == text


def test_assumptions_without_source_or_note_say_nothing_of_it(result):
    result["assumptions"] += [
        {"id": "ussr_rifle_division_strength", "value": 1.25, "basis": "assumption", "source": None,
         "note": "Far East divisions nearer the 1941-42 shtats"},
        {"id": "mpra_quality", "value": 0.8, "basis": "assumption", "source": None, "note": None},
        {"id": "unsourced_fact", "value": 4006, "basis": "historical", "source": None, "note": None},
    ]
    for text in (wikitext.render_article(result), markdown.render_article(result), render_html(result)):
        assert "None" not in text
        assert "source: scenario" in text                     # a source given is still named
    wt = wikitext.render_article(result)
    assert "* ussr_rifle_division_strength: 1.25 — Far East divisions nearer the 1941-42 shtats\n" in wt
    assert "* mpra_quality: 0.8\n" in wt
    assert "unsourced_fact: 4,006." in wt


def test_the_otsu_article_has_no_source_none_and_its_fractions(otsu_runs):
    result = otsu_runs[0]
    for text in (wikitext.render_article(result), render_html(result)):
        assert "(source: None)" not in text and "— None" not in text
    wt = wikitext.render_article(result)
    assert "ussr_rifle_division_strength: 1.25 —" in wt and "mpra_quality: 0.8" in wt


# ---- counts in sentences -------------------------------------------------------------------------------------------

def _say(kind, form=None, value=0, **args):
    names = {"who": "Japanese", "enemy": "Soviet", "place": "Okha", "unit": "a unit", "op": "an offensive",
             "n": f"{value:,}"}
    return sentence(Event(0, 0, EventKind(kind), 0, 0, value, args={**({"form": form} if form else {}), **args}), names)


def test_a_count_of_one_takes_the_singular():
    # "1 ships lost", "after 1 days ashore", "1 rail sections cut", "1 defending fighters" were printed
    naval = _say("naval_bombardment", jop="B", shell_t=47.0, fog=False, hit=1, broken=False, batteries=True,
                 battery_guns=1, hits=0.4, fleet_action=True, enemy_ships_lost=1.0, ships_lost=1.0)
    assert "about 1 defender hit" in naval and "(1 gun) score 0 hits" in naval
    assert "loses 1 ship;" in naval and "; 1 ship lost." in naval
    raid = _say("air_raid", jop="R", sorties=1.2, bombs_t=1.0, bombers_lost=1.0, fighters_lost=0.6, military=1,
                civilians_killed=1, civilians_wounded=2)
    assert "fly 1 sortie against" in raid and "1 bomber lost" in raid and "1 defending fighter shot down" in raid
    assert "about 1 military casualty;" in raid
    taken = _say("amphibious_landing", "landing_taken", jop="L", days=1, attackers_hit=1, defenders_hit=2)
    assert "after 1 day ashore" in taken and "1 attacker, 2 defenders" in taken
    seized = _say("airborne_drop", "airborne_seized", value=1, men=488, landed=488, whole=True, demolition=True)
    assert "(1 rail section cut)" in seized
    assert "1 man captured" in _say("surrender", value=1)
    assert "with 1 man." in _say("offensive", value=1)
    assert "2 ships lost" in _say("naval_bombardment", jop="B", shell_t=1.0, hit=0, hits=2.6, batteries=True,
                                  battery_guns=8, ships_lost=2.0)


def test_expected_hits_are_whole_in_the_sentence_not_in_the_data():
    text = _say("naval_bombardment", jop="B", shell_t=168.0, hit=17, batteries=True, battery_guns=8, hits=0.4,
                ships_lost=1.0)
    assert "score 0 hits" in text and "0.4" not in text


@pytest.mark.parametrize("n,noun,plural,text", [(1, "day", None, "1 day"), (2, "day", None, "2 days"),
                                                (0, "tank", None, "0 tanks"), (1, "man", "men", "1 man"),
                                                (1200, "man", "men", "1,200 men"), (0.6, "ship", None, "1 ship")])
def test_count(n, noun, plural, text):
    assert count(n, noun, plural) == text


def test_no_plural_after_one_in_a_whole_run(otsu_runs):
    plural_after_one = re.compile(r"(?<![\d.,])1 (?:ships|days|bombers|transports|men|rail sections|fighters|defending "
                                  r"fighters|sorties|transport sorties|hits|guns|casualties|military casualties|"
                                  r"attackers|defenders|tanks)\b")
    fractional_whole = re.compile(r"\d\.\d+ (?:hits|ships|bombers|transports|fighters)")
    for result in otsu_runs.values():
        texts = [e["detail"] for e in result["events"]] + [wikitext.render_article(result)]
        for text in texts:
            assert not plural_after_one.search(text), plural_after_one.search(text).group(0)
            assert not fractional_whole.search(text), text


# ---- the story of one run ------------------------------------------------------------------------------------------

def test_landings_are_dated_by_the_day_they_landed(otsu_runs):
    # "Landing at Anadyr ... went in on 1 July" though it landed on 9 July
    seen = 0
    for result in otsu_runs.values():
        lines = _ops_lines(result)
        for op in result["operations"]:
            if op["type"] not in ("amphibious_landing", "river_assault") or op["state"] in ("not started", "cancelled"):
                continue
            landings = [e for e in result["events"] if e.get("operation") == op["name"] and "landed" in e]
            if not landings:
                continue
            day = landings[0]["date"]
            seen += 1
            assert op["landed"] == day, op
            verb = "landed" if op["type"] == "amphibious_landing" else "crossed"
            assert f"{verb} on {fmt_date(day)}" in lines[op["name"]], lines[op["name"]]
            if op["started"] != day:
                assert f"set out on {fmt_date(op['started'])}" in lines[op["name"]]
    assert seen >= 3 * 6


def test_an_offensive_reaches_the_place_and_date_its_events_show(otsu_runs):
    # "reached Aleksandrovsk-Sakhalinsky on 5 June" though it fell on 2 June and the event said Okha
    seen = 0
    for result in otsu_runs.values():
        lines = _ops_lines(result)
        for op in result["operations"]:
            reached = [e for e in result["events"] if e.get("operation") == op["name"] and e["kind"] == "objective_reached"]
            if not reached:
                continue
            seen += 1
            ev = reached[0]
            assert (op["ended_at"], op["ended"]) == (ev["place"], ev["date"])
            assert f"reached {ev['place']} on {fmt_date(ev['date'])}" in lines[op["name"]], lines[op["name"]]
            if ev["place"] != op["objective"]:
                assert f"its first objective, {op['objective']}, was taken on" in lines[op["name"]]
    assert seen


def test_the_objective_is_told_as_the_timeline_holds_it(otsu_runs):
    # "Primorye offensive ... still under way (Posyet held)" after Posyet fell; "the troops ashore were still
    # fighting for Okha" after Okha fell; "Bamovskaya not taken" though the paratroops took it on the first day
    for result in otsu_runs.values():
        lines = _ops_lines(result)
        initial = {p["name"]: p["initial_owner"] for p in result["places"]}
        for op in result["operations"]:
            line, obj = lines[op["name"]], op["objective"]
            held = result["control"][obj] == op["side"]
            seq = [initial[obj]] + result["timeline"]["control"][obj]
            took = [result["timeline"]["dates"][i - 1] for i in range(1, len(seq)) if seq[i] == op["side"] != seq[i - 1]]
            assert "held)" not in line and "still fighting" not in line or not held, line
            if held:
                assert f"{obj} was not taken" not in line and "stayed in enemy hands" not in line, line
            if f"{obj} was not taken" in line:
                assert not took, line
            if took and f"{obj} was " in line:
                assert f"taken on {fmt_date(took[-1])}" in line, line


def test_a_landing_at_a_place_already_held_says_so(otsu_runs):
    result = otsu_runs[0]
    line = _ops_lines(result)["Landing at Okha (from Karafuto, once the Okhotsk coast is free of ice)"]
    assert "in Japanese hands since 5 June 1944, and held it to the end" in line
    ev = next(e for e in result["events"] if e.get("operation", "").startswith("Landing at Okha") and "landed" in e)
    assert "already in Japanese hands" in ev["detail"] and "unopposed" in ev["detail"]


def test_changes_of_hands_include_the_first_day(otsu_runs):
    text = wikitext.render_article(otsu_runs[0])
    assert "Aleksandrovsk-Sakhalinsky from Soviet Union to Empire of Japan on 2 June 1944" in text


_NUM = r"(\d[\d,]*)"


def _n(s: str) -> int:
    return int(s.replace(",", ""))


def test_paratroops_are_counted_as_the_men_who_landed(otsu_runs):
    # "561 dropped ... 13 % lost, then 538 men seize Bamovskaya"; "1,118 dropped at Izvestkovaya, then 1,835 men lost"
    told = 0
    for result in otsu_runs.values():
        landed: dict = {}
        for e in result["events"]:
            key = (e.get("operation"), e["place"])
            m = re.search(_NUM + r" men in today's lift, (\d+)% of them lost .*?, " + _NUM + " fit to fight", e["detail"])
            if e["kind"] == "airborne_drop" and m:
                dropped, share, fit = _n(m.group(1)), int(m.group(2)), _n(m.group(3))
                assert abs(fit - dropped * (1 - share / 100)) <= 0.006 * dropped + 1, e["detail"]
                landed[key] = (landed.get(key, (0, 0))[0] + fit, landed.get(key, (0, 0))[1] + 1)
                continue
            if e["kind"] not in ("airborne_drop", "link_up") or "paratroops" not in e["detail"] or key not in landed:
                continue
            total, lifts = landed[key]
            d = e["detail"]
            said = re.search(r"the " + _NUM + r" who landed", d) or re.search(r"all " + _NUM + r" men who landed", d) \
                or re.search(r"\(" + _NUM + r" men, all who landed", d)
            assert said and _n(said.group(1)) == total, (d, total)
            men = re.search(_NUM + r" men (?:lost|left|of the)", d)
            if men:
                assert _n(men.group(1)) <= total, d
            assert (f"in {lifts} lifts" in d) == (lifts > 1), d
            assert e.get("value", 0) <= total or "seize" in d
            told += 1
    assert told >= 10
