"""The content of the campaign article, built once from a result dictionary.

`build_article` turns a result (docs/design.md) and, optionally, an ensemble summary into an
`Article`: plain, unescaped strings in infobox rows and sections. The wikitext and Markdown
views only escape and lay out those strings, so both say the same thing. Every figure comes
from the result or the ensemble; nothing here invents numbers.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

CATEGORIES = ("killed", "wounded", "missing")
OPENING_DAYS = 3
MAX_BATTLES = 3
OFFENSIVE = {"ground_assault", "amphibious_landing", "airborne_drop", "air_raid", "naval_bombardment", "siege"}

# How each event kind reads: "{side} forces <verb> {place}".
VERBS = {
    "naval_bombardment": "bombarded {place} from the sea",
    "amphibious_landing": "landed at {place}",
    "air_raid": "raided {place} from the air",
    "airborne_drop": "dropped airborne troops at {place}",
    "ground_assault": "attacked {place}",
    "capture": "took {place}",
    "link_up": "linked up at {place}",
    "siege": "besieged {place}",
}


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    level: int = 2


@dataclass(frozen=True)
class Article:
    title: str
    infobox: list[tuple[str, list[str]]]  # (template parameter, lines)
    lead: str  # follows the title, which the views set in bold: "<title> is a ..."
    sections: list[Section]


def fmt_int(n) -> str:
    return f"{int(round(n)):,}"


def count(n, noun: str, plural: str | None = None) -> str:
    """A whole number with its noun, singular for one: "1 day", "2 days", "1,200 men" (count(n, "man", "men"))."""
    text = fmt_int(n)
    return f"{text} {noun if text == '1' else (plural or noun + 's')}"


def fmt_value(v) -> str:
    """A scenario value as it is written: whole numbers with thousands separators, fractions with all the digits
    they were given (1.25, not 1; 0.7, not 1), flags and words as they are."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    return f"{v:,}"


def fmt_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d:%B} {d.year}"


def fmt_span(start: str, end: str) -> str:
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if a.year == b.year:
        return f"{a.day} {a:%B} – {fmt_date(end)}" if a.month != b.month else f"{a.day}–{fmt_date(end)}"
    return f"{fmt_date(start)} – {fmt_date(end)}"


def which_run(result: dict) -> str:
    """Which run a single-run view draws: "run 17 of 100, nearest the ensemble's medians, seed 0" for an ensemble's
    representative run, else "run 0, seed 0"."""
    rep = result.get("representative")
    if rep:
        return f"run {rep['run']} of {rep['runs']:,}, nearest the ensemble's medians, seed {result['seed']}"
    return f"run {result.get('run', 0)}, seed {result['seed']}"


def campaign_days(result: dict) -> int:
    return (dt.date.fromisoformat(result["end"]) - dt.date.fromisoformat(result["start"])).days + 1


def side_order(result: dict) -> list[str]:
    """Attacker first: the side with the most offensive events (ties keep the result's order)."""
    sides = list(result["sides"])
    count = Counter(e["side"] for e in result["events"] if e["kind"] in OFFENSIVE)
    return sorted(sides, key=lambda s: -count.get(s, 0))


def _name(result: dict, side: str) -> str:
    return result["sides"].get(side, {}).get("name", side)


def _band(ensemble: dict | None, side: str, cat: str) -> str:
    q = ((ensemble or {}).get("casualties") or {}).get(side, {}).get(cat)
    if not q:
        return ""
    return f" (10–90 %: {fmt_int(q['p10'])}–{fmt_int(q['p90'])})"


def _loss_total(result: dict, side: str) -> int:
    s = result["sides"][side]
    return sum(int(s[c]) for c in CATEGORIES)


def _event_sentence(result: dict, ev: dict) -> str:
    """The event's own dated sentence (the engine writes one with its figures), else a generic one."""
    detail = (ev.get("detail") or "").strip()
    if detail:
        return detail if detail.endswith((".", "!", "?")) else detail + "."
    verb = VERBS.get(ev["kind"], ev["kind"].replace("_", " ") + " at {place}").format(place=ev["place"])
    return f"{_name(result, ev['side'])} forces {verb}."


def _assault_summary(result: dict, evs: list[dict]) -> str:
    """Days of ground assaults at one place, as one sentence with their figures."""
    first, last = evs[0]["date"], evs[-1]["date"]
    cost = sum(int(e.get("value", 0)) for e in evs)
    won = sum(1 for e in evs if e.get("won"))
    span = f"On {fmt_date(first)}" if first == last else f"From {fmt_date(first)} to {fmt_date(last)}"
    return (f"{span}, {count(len(evs), 'day')} of {_name(result, evs[0]['side'])} assaults at "
            f"{evs[0]['place']} cost both sides {count(cost, 'casualty', 'casualties')}; the attacker prevailed on "
            f"{won} of them.")


def _day_losses(result: dict, iso: str) -> str:
    tl = result["timeline"]
    if iso not in tl["dates"]:
        return ""
    i = tl["dates"].index(iso)
    parts = []
    for side in side_order(result):
        seq = tl["sides"][side]
        daily = [seq[c][i] - (seq[c][i - 1] if i else 0) for c in CATEGORIES]
        parts.append(f"{_name(result, side)} {fmt_int(sum(daily))} ("
                     + ", ".join(f"{fmt_int(v)} {c}" for v, c in zip(daily, CATEGORIES)) + ")")
    return " Losses that day: " + "; ".join(parts) + "."


def _chronicle(result: dict, events: list[dict], losses: bool) -> list[str]:
    """One paragraph per date: the day's events in the log's order, then the day's losses."""
    by_date: dict[str, list[dict]] = {}
    for ev in events:
        by_date.setdefault(ev["date"], []).append(ev)
    paras = []
    for iso in sorted(by_date):
        text = f"On {fmt_date(iso)}: " + " ".join(_event_sentence(result, e) for e in by_date[iso])
        paras.append(text + (_day_losses(result, iso) if losses else ""))
    return paras


def _places_of(result: dict, side: str, at_end: bool) -> list[str]:
    if at_end:
        return [p for p, s in result["control"].items() if s == side]
    return [p["name"] for p in result["places"] if p["initial_owner"] == side]


def _control(result: dict, place: str) -> list[str]:
    """Who held `place` before the campaign and then at the end of each day: the timeline's first entry is the end of
    the first day, so a place taken that day differs from its initial owner there, not from an earlier entry."""
    seq = ((result.get("timeline") or {}).get("control") or {}).get(place) or []
    first = next((p["initial_owner"] for p in result.get("places", []) if p["name"] == place), None)
    return [first or (seq[0] if seq else None)] + list(seq)


def _changes(result: dict) -> list[tuple[str, str, str, str]]:
    """(place, date, from side, to side) for every change of control in the timeline, the first day's included."""
    dates = result["timeline"]["dates"]
    out = []
    for place in result["timeline"]["control"]:
        seq = _control(result, place)
        out += [(place, dates[i - 1], seq[i - 1], seq[i]) for i in range(1, len(seq)) if seq[i] != seq[i - 1]]
    return sorted(out, key=lambda c: (c[1], c[0]))


def _infobox(result: dict, ensemble: dict | None, order: list[str]) -> list[tuple[str, list[str]]]:
    box = [("conflict", [result["title"]]),
           ("partof", [f"simulated scenario {result['scenario']}, seed {result['seed']}"]),
           ("image", []), ("caption", []),
           ("date", [fmt_span(result["start"], result["end"])]),
           ("place", [result["place"]]),
           ("result", [result["result"]["label"], result["result"]["reason"]])]
    for k, side in enumerate(order[:2], start=1):
        s = result["sides"][side]
        box += [(f"combatant{k}", [s["name"]]), (f"commander{k}", list(s["commanders"])),
                (f"strength{k}", [count(s['strength'], 'man', 'men')])]
    for k, side in enumerate(order[:2], start=1):
        s = result["sides"][side]
        lines = [f"{fmt_int(s[c])} {c}{_band(ensemble, side, c)}" for c in CATEGORIES]
        box.append((f"casualties{k}", lines + [f"{count(s['tanks_lost'], 'tank')} lost"]))
    civ = result.get("civilians") or {}
    if civ:
        box.append(("casualties3", [f"Civilians ({_name(result, side)}): {fmt_int(c['killed'])} killed, "
                                    f"{fmt_int(c['wounded'])} wounded" for side, c in civ.items()]))
    if ensemble:
        rep = result.get("representative")
        which = (f"Figures: run {rep['run']} of {fmt_int(rep['runs'])}, the run nearest the medians among those "
                 f"ending in the most common result. " if rep else "")
        box.append(("notes", [f"{which}Bands: 10th–90th percentile of {fmt_int(ensemble['runs'])} runs "
                              f"(root seed {ensemble['seed']})."]))
    return box


def _origins(result: dict, order: list[str]) -> Section:
    n = len(result["places"])
    held = [f"{_name(result, s)} held {len(_places_of(result, s, False))} of the {n} places of the scenario "
            f"({', '.join(_places_of(result, s, False))})" for s in order]
    paras = [f"On {fmt_date(result['start'])}, " + "; ".join(held) + "."]
    facts = [a for a in result["assumptions"] if a["basis"] == "historical"]
    if facts:
        paras.append("Historical inputs: " + " ".join(
            f"{a.get('note') or a['id']}: {fmt_value(a['value'])}{_source(a, ' ({})')}." for a in facts))
    return Section("Origins of the Attack", paras)


def _source(a: dict, form: str) -> str:
    """The assumption's source in `form` ("({})", "(source: {})"), or nothing when it names none."""
    src = a.get("source")
    return form.format(src) if src not in (None, "", "None") else ""


def _forces(result: dict, order: list[str]) -> list[Section]:
    tl = result["timeline"]
    out = [Section("Opposing Forces")]
    for side in order:
        s = result["sides"][side]
        cmd = ", ".join(s["commanders"]) or "no commander named"
        end_strength = tl["sides"][side]["strength"][-1]
        text = (f"{s['name']} entered the campaign with {count(s['strength'], 'man', 'men')} under {cmd}. "
                f"By {fmt_date(result['end'])} it had lost {fmt_int(s['killed'])} killed, "
                f"{fmt_int(s['wounded'])} wounded, {fmt_int(s['missing'])} missing and "
                f"{count(s['tanks_lost'], 'tank')}; its strength on that day was {fmt_int(end_strength)}.")
        out.append(Section(s["name"], [text], level=3))
    return out


def _battles(result: dict, order: list[str]) -> list[Section]:
    """The places with the most events after the opening days, or under siege."""
    start = dt.date.fromisoformat(result["start"])
    later = [e for e in result["events"]
             if (dt.date.fromisoformat(e["date"]) - start).days >= OPENING_DAYS or e["kind"] == "siege"]
    count = Counter(e["place"] for e in later)
    picked = [p for p, c in count.most_common() if c >= 2 or any(
        e["place"] == p and e["kind"] == "siege" for e in later)][:MAX_BATTLES]
    initial = {p["name"]: p["initial_owner"] for p in result["places"]}
    out = []
    for place in picked:
        owner0, owner1 = initial.get(place), result["control"].get(place)
        heading = (f"The Defence of {place}" if owner0 == owner1 else
                   f"The Fall of {place}" if owner0 and owner1 else f"The Battle of {place}")
        evs = [e for e in result["events"] if e["place"] == place]
        assaults = [e for e in evs if e["kind"] == "ground_assault"]
        paras = [" ".join(_chronicle(result, [e for e in evs if e["kind"] != "ground_assault"], losses=False))]
        if assaults:
            paras.append(_assault_summary(result, assaults))
        paras = [p for p in paras if p]
        if owner1:
            paras.append(f"On {fmt_date(result['end'])} {place} was held by {_name(result, owner1)}.")
        out.append(Section(heading, paras))
    return out


_TYPE_WORDS = {"ground_offensive": "offensive", "naval_bombardment": "naval bombardment",
               "amphibious_landing": "landing", "river_assault": "river operation", "air_raid": "air raids",
               "airborne_drop": "airdrop", "siege": "siege"}


_LANDED_VERB = {"amphibious_landing": "landed", "river_assault": "crossed", "airborne_drop": "made its first drop"}
_NOT_YET = {"amphibious_landing": "was still at sea at the end", "airborne_drop": "had made no drop by the end"}


def _hands(result: dict, place: str, side: str) -> tuple[list[str], list[str]]:
    """(the dates `side` took `place`, the dates it lost it) from the timeline's daily control."""
    changes = [(d, a, b) for p, d, a, b in _changes(result) if p == place] if (result.get("timeline") or {}).get(
        "control") else []
    return [d for d, _, b in changes if b == side], [d for d, a, _ in changes if a == side]


def _fate(result: dict, op: dict) -> str:
    """What became of the operation's objective by the end, as the timeline shows it: "taken on D", "taken on D and
    lost again on D2", "held throughout" or "not taken" (whoever took it: a place can fall to other forces)."""
    place, side = op["objective"], op["side"]
    took, lost = _hands(result, place, side)
    held = result.get("control", {}).get(place, side if op.get("objective_held") else None) == side
    if held:
        return f"taken on {fmt_date(took[-1])}" if took else "held throughout"
    if took:
        return f"taken on {fmt_date(took[-1])} and lost again on {fmt_date(lost[-1])}"
    return "not taken"


def _clauses(parts: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _joint_text(result: dict, op: dict, adj: str) -> str:
    """A landing, river crossing or airdrop in this run: when it set out, when its troops landed (from the events,
    not the day it set out) and how it ended, its objective named as the events and the timeline show it."""
    obj, state = op["objective"], op["state"]
    started, landed, ended = op.get("started"), op.get("landed"), op.get("ended")
    parts = [f"set out on {fmt_date(started)}"] if started and started != landed else []
    if landed:
        parts.append(f"{_LANDED_VERB.get(op['type'], 'went in')} on {fmt_date(landed)}")
    elif state == "under way" and op["type"] in _NOT_YET:
        return _clauses(parts + [_NOT_YET[op["type"]]])
    parts = parts or ["went in"]
    fate = _fate(result, op)
    if state == "objective taken":
        same = ended == landed and landed is not None
        return _clauses(parts + [f"took {obj}" + (" the same day" if same else f" on {fmt_date(ended)}" if ended else "")])
    if state == "thrown back":
        return _clauses(parts + ["was thrown back" + (f" on {fmt_date(ended)}" if ended else "")]) \
            + f"; {obj} was {fate}"
    if state == "fighting ashore":
        took, _ = _hands(result, obj, op["side"])
        if fate.startswith("taken") and took and landed and took[-1] <= landed:
            return _clauses(parts) + f" at {obj}, in {adj} hands since {fmt_date(took[-1])}, and held it to the end"
        if fate.startswith("taken"):
            return _clauses(parts) + f"; {obj} was {fate} and held to the end"
        return _clauses(parts) + f"; the troops ashore were still fighting for {obj} at the end"
    return _clauses(parts + ["was still under way at the end"]) + f"; {obj} was {fate}"


def _operation_sentence(result: dict, op: dict, ensemble: dict | None) -> str:
    """What became of one operation in this run (results.run_result.operations), and in the ensemble. Dates and
    places are those of the run's events and timeline: the day troops landed, the place an offensive reached (it
    can be sent on past its first objective), the objective held only when its side holds it at the end."""
    side = result["sides"].get(op["side"], {})
    adj = side.get("adjective") or side.get("name", op["side"])
    obj, state = op["objective"], op["state"]
    started = fmt_date(op["started"]) if op.get("started") else None
    ended = f" on {fmt_date(op['ended'])}" if op.get("ended") else ""
    reached = op.get("ended_at") or obj
    if state == "cancelled":
        text = f"did not take place: {op['cancelled']}"
    elif state == "not started":
        waited = " and ".join(op["waited_for"])
        text = (f"did not take place: it was to start once {adj} forces held {waited}, which they did not take"
                if op["waited_for"] else "did not start before the campaign ended")
    elif state == "halted":
        at = f" at {op['ended_at']}" if op.get("ended_at") else ""
        text = f"opened on {started} and halted{at}{ended}, too weak to go on; {obj} was {_fate(result, op)}"
    elif state == "done" and op["type"] == "ground_offensive":
        text = f"opened on {started} and reached {reached}{ended}"
        if reached != obj:
            text += f"; its first objective, {obj}, was {_fate(result, op)}"
    elif state == "done":
        text = f"was carried out from {started}"
    elif op["type"] in _LANDED_VERB:
        text = _joint_text(result, op, adj)
    else:
        text = f"opened on {started} and was still under way at the end; {obj} was {_fate(result, op)}"
    sent = f"{op['name']} ({adj} {_TYPE_WORDS.get(op['type'], op['type'])}) {text}."
    places = (ensemble or {}).get("places") or {}
    shares = [(p, places[p]["fell_share"]) for p in ([obj] + list(op.get("waited_for") or [])) if p in places]
    if shares:
        sent += " Across the ensemble's runs: " + ", ".join(f"{p} fell in {100 * sh:.0f} %" for p, sh in shares) + "."
    return sent


def _operations(result: dict, ensemble: dict | None) -> Section | None:
    ops = result.get("operations") or []
    if not ops:
        return None
    para = (f"The scenario's {len(ops)} operations, each with what became of it in this run"
            + (", and how often its objective fell across the ensemble." if ensemble else "."))
    return Section("Operations", [para], [_operation_sentence(result, op, ensemble) for op in ops])


def _outcome(result: dict, ensemble: dict | None, order: list[str]) -> Section:
    days = campaign_days(result)
    r = result["result"]
    paras = [f"The campaign ended on {fmt_date(result['end'])}, after {count(days, 'day')}. "
             f"Result: {r['label']} ({r['reason']})."]
    held = [f"{_name(result, s)} held {len(_places_of(result, s, True))} ({', '.join(_places_of(result, s, True))})"
            for s in order]
    paras.append("Control at the end: " + "; ".join(held) + ".")
    changes = _changes(result)
    if changes:
        paras.append("Changes of hands: " + "; ".join(
            f"{p} from {_name(result, a)} to {_name(result, b)} on {fmt_date(d)}" for p, d, a, b in changes) + ".")
    for side in order:
        s, total = result["sides"][side], _loss_total(result, side)
        share = 100.0 * total / s["strength"] if s["strength"] else 0.0
        paras.append(f"{s['name']} lost {count(total, 'man', 'men')} ({share:.1f} % of its initial {fmt_int(s['strength'])}, "
                     f"{share / days:.2f} % a day): {fmt_int(s['killed'])} killed, {fmt_int(s['wounded'])} wounded, "
                     f"{fmt_int(s['missing'])} missing.")
    civ = result.get("civilians") or {}
    if civ:
        paras.append("Civilian losses: " + "; ".join(
            f"{_name(result, s)} {fmt_int(c['killed'])} killed and {fmt_int(c['wounded'])} wounded"
            for s, c in civ.items()) + ".")
    freight = result["timeline"].get("freight_east_t") or []
    if freight:
        paras.append(f"Trans-Siberian freight delivered east of the front: {fmt_int(sum(freight))} t in all, "
                     f"{fmt_int(freight[0])} t on the first day and {fmt_int(freight[-1])} t on the last.")
    if ensemble:
        shares = sorted(ensemble["result_share"].items(), key=lambda kv: -kv[1])
        paras.append(f"Results across {fmt_int(ensemble['runs'])} runs (root seed {ensemble['seed']}): "
                     + ", ".join(f"{label} {100 * sh:.0f} %" for label, sh in shares) + ".")
    return Section("Outcome", paras)


def _assumptions(result: dict) -> Section:
    rows = [a for a in result["assumptions"] if a["basis"] != "historical"]
    bullets = [_assumption_line(a) for a in rows]
    para = ["These values are assumptions of the what-if scenario, not historical facts."] if rows else \
        ["The scenario declares no assumptions beyond its historical inputs."]
    return Section("Assumptions of this scenario", para, bullets)


def _assumption_line(a: dict) -> str:
    """"id: value — note (source: S)", the note and the source left out where the scenario gives none."""
    note = f" — {a['note']}" if a.get("note") not in (None, "", "None") else ""
    return f"{a['id']}: {fmt_value(a['value'])}{note}{_source(a, ' (source: {})')}"


def _sources(result: dict) -> Section:
    p = result["provenance"]
    para = (f"Generated by kriegsspiel {p['version']} from scenario {result['scenario']} "
            f"(sha256 {p['scenario_sha256'][:12]}…), seed {p['seed']}.")
    return Section("Sources", [para], list(p.get("sources", [])))


def build_article(result: dict, ensemble: dict | None = None) -> Article:
    order = side_order(result)
    start = dt.date.fromisoformat(result["start"])
    opening = [e for e in result["events"] if (dt.date.fromisoformat(e["date"]) - start).days < OPENING_DAYS]
    r = result["result"]
    lead = (f"is a simulated campaign (scenario {result['scenario']}, seed {result['seed']}) "
            f"fought from {fmt_date(result['start'])} to {fmt_date(result['end'])} in {result['place']}. "
            f"Result of this run: {r['label']} ({r['reason']}).")
    sections = [_origins(result, order), *_forces(result, order),
                Section("The Opening Attacks", _chronicle(result, opening, losses=True)),
                *([sec] if (sec := _operations(result, ensemble)) else []),
                *_battles(result, order), _outcome(result, ensemble, order),
                _assumptions(result), _sources(result)]
    return Article(result["title"], _infobox(result, ensemble, order), lead, sections)


def section_lines(article: Article, heading, bullet: str, escape) -> list[str]:
    """The article's sections as lines of a markup: `heading(level, text)` gives a heading's lines, `bullet` the
    prefix of a list item, `escape` makes text literal."""
    lines: list[str] = []
    for sec in article.sections:
        lines += heading(sec.level, escape(sec.heading))
        for para in sec.paragraphs:
            lines += [escape(para), ""]
        lines += [bullet + escape(b) for b in sec.bullets]
        if sec.bullets:
            lines.append("")
    return lines
