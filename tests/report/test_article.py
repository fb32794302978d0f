import re

from kriegsspiel.report import markdown, wikitext
from kriegsspiel.report.article import build_article

INFOBOX_KEYS = ["conflict", "partof", "image", "caption", "date", "place", "result", "combatant1",
                "combatant2", "commander1", "commander2", "strength1", "strength2", "casualties1", "casualties2"]


def _infobox(text: str) -> dict[str, str]:
    body = text[text.index("{{Infobox military conflict"):text.index("\n}}")]
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| (\w+)\s*= ?(.*)$", body, re.M)}


def test_infobox_uses_the_templates_parameter_names(result):
    box = _infobox(wikitext.render_article(result))
    assert set(INFOBOX_KEYS) <= set(box)
    # the attacker (most offensive events) is combatant1
    assert box["combatant1"] == "Empire of Japan" and box["combatant2"] == "Soviet Union"
    assert box["casualties2"].startswith("7,900 killed<br />18,000 wounded<br />5,100 missing")
    assert box["date"] == "2–6 June 1944"


def test_sections_follow_the_seed_order(result):
    text = wikitext.render_article(result)
    heads = re.findall(r"^== (.+) ==$", text, re.M)
    assert heads[:3] == ["Origins of the Attack", "Opposing Forces", "The Opening Attacks"]
    assert "The Defence of Vladivostok" in heads
    assert heads.index("The Defence of Vladivostok") < heads.index("Outcome") < heads.index("Assumptions of this scenario")


def test_fallen_place_gets_a_fall_heading(result):
    for ev in result["events"]:
        if ev["place"] == "Vladivostok":
            ev["place"] = "Okha"
    heads = [s.heading for s in build_article(result).sections]
    assert "The Fall of Okha" in heads and not any("Vladivostok" in h for h in heads)


def test_assumptions_are_listed_as_assumptions_not_history(result):
    text = wikitext.render_article(result)
    section = text.split("== Assumptions of this scenario ==")[1].split("\n== ")[0]
    assert "not historical facts" in section
    assert "* japanese_airborne_lift: 1 brigade per wave" in section
    assert "soviet_far_east_personnel" not in section  # a historical input is not an assumption


def test_every_figure_in_the_article_comes_from_the_result(result):
    text = wikitext.render_article(result)
    allowed = set()
    def add(v):
        if isinstance(v, bool):
            return
        if isinstance(v, (int, float)):
            allowed.add(int(round(v)))
        elif isinstance(v, dict):
            for x in v.values():
                add(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                add(x)
        elif isinstance(v, str):
            for n in re.findall(r"\d[\d,]*", v):
                allowed.add(int(n.replace(",", "")))
    add(result)
    tl = result["timeline"]
    for side in result["sides"]:  # daily losses, totals and the side's loss total are derived
        seq = tl["sides"][side]
        for i in range(len(tl["dates"])):
            daily = [seq[c][i] - (seq[c][i - 1] if i else 0) for c in ("killed", "wounded", "missing")]
            allowed.update(daily + [sum(daily)])
        allowed.add(sum(result["sides"][side][c] for c in ("killed", "wounded", "missing")))
    allowed.add(sum(tl["freight_east_t"]))
    allowed.update(range(1, 32))  # day-of-month, counts of places and days
    prose = re.sub(r"\d+\.\d+ %|\d{4}-\d\d-\d\d|sha256 \w+…", "", text)
    prose = re.sub(r"\b(?:19|20)\d\d\b", "", prose)
    numbers = {int(n.replace(",", "")) for n in re.findall(r"\b\d[\d,]*\b", prose)}
    assert numbers - allowed == set()


def test_ensemble_bands_in_both_views(result, ensemble):
    wt, md = wikitext.render_article(result, ensemble), markdown.render_article(result, ensemble)
    for text in (wt, md):
        assert "7,900 killed (10–90 %: 5,200–11,000)" in text
        assert "Inconclusive 61 %" in text
    assert "(10–90 %" not in wikitext.render_article(result)


def test_markdown_has_same_content_as_wikitext(result):
    md = markdown.render_article(result)
    assert md.startswith("# Operation Otsu\n")
    art = build_article(result)
    for sec in art.sections:
        assert ("#" * sec.level + " " + sec.heading) in md
    assert "| casualties1 | 2,260 killed<br>5,600 wounded<br>66 missing<br>37 tanks lost |" in md


def test_the_representative_run_lies_inside_the_bands_it_is_shown_with(tmp_path):
    # the ensemble article showed "106,780 killed (10–90 %: 106,928–124,903)": its run outside its own band
    from pathlib import Path

    from kriegsspiel import run_ensemble
    from kriegsspiel.report.inputs import load_report_inputs

    mini = Path(__file__).resolve().parents[1] / "scenarios" / "mini.yaml"
    run_ensemble(str(mini), runs=40, seed=2, out=tmp_path / "e", batch_size=40)
    result, ens = load_report_inputs(tmp_path / "e")
    rep = result["representative"]
    assert 0 <= rep["run"] < 40 and result["result"]["label"] == rep["result"]
    for side, cats in ens["casualties"].items():
        for cat in ("killed", "wounded", "missing"):
            assert cats[cat]["p10"] <= result["sides"][side][cat] <= cats[cat]["p90"], (side, cat)
    from kriegsspiel.report import wikitext
    assert f"run {rep['run']} of 40" in wikitext.render_article(result, ens)


def test_the_article_names_every_operation_and_what_became_of_it():
    # the article used to drop most of the campaign (no Kamchatka or Sakhalin landings, no Komsomolsk river assault)
    from kriegsspiel import api
    from kriegsspiel.report import wikitext

    result = api.run("operation-otsu", seed=1).to_dict()
    text = wikitext.render_article(result)
    ops = result["operations"]
    assert len(ops) == len(api.load_scenario("operation-otsu").scenario.operations)
    for op in ops:
        assert op["name"] in text, op["name"]
    for op in ops:
        if op["state"] == "not started" and op["waited_for"]:
            line = next(ln for ln in text.splitlines() if op["name"] in ln and "did not take place" in ln)
            assert all(p in line for p in op["waited_for"])
