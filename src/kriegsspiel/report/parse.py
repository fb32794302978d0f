"""Read an article's claims: title, result, dates and killed/wounded/missing per combatant.

Two shapes are understood: plain text copied from a rendered wiki page (the seed article:
"Result…", "Date…", then "N killed, N wounded, N missing" under each combatant's heading),
and wikitext with an ``{{Infobox military conflict}}`` (combatant1/2, casualties1/2, result, date).
"""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

# A number as written in an article: digit groups of three separated by a comma, a point, a space, a no-break
# space or a narrow no-break space ("368,411", "368 411"), or up to 12 plain digits. It may not start right
# after a digit or inside "1,2" (the lookbehinds), so a run of digits is tried once and each try is bounded: the
# scan is linear in the text (a 100 KB line of digits used to backtrack for minutes).
_SEP = ",.\u202f\u00a0 "
_NUM = r"(?<!\d)(?<!\d[,.])(\d{1,3}(?:[" + _SEP + r"]\d{3}){1,4}(?![\d])|\d{1,12}(?![\d]))"
_CAT = {"killed": "killed", "dead": "killed", "wounded": "wounded", "missing": "missing",
        "captured": "missing", "prisoners": "missing", "pow": "missing"}
_CASUALTY = re.compile(_NUM + r"\s+(killed|dead|wounded|missing|captured|prisoners|pow)\b", re.I)
_MONTHS = {m.lower(): i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}
_DATE_MDY = re.compile(r"([A-Z][a-z]+)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_DATE_DMY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Z][a-z]+),?\s+(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass
class Claims:
    title: str = ""
    result: str | None = None
    dates: list[str] = field(default_factory=list)  # ISO dates, in the order written
    casualties: dict[str, dict[str, int]] = field(default_factory=dict)  # combatant as written -> category -> n
    format: str = "text"


def _int(s: str) -> int:
    return int(re.sub(r"[^\d]", "", s))


_SPAN_DAYS = re.compile(r"\b(\d{1,2})\s*[–-]\s*(\d{1,2})\s+([A-Z][a-z]+),?\s+(\d{4})")
_SPAN_MONTHS = re.compile(r"\b(\d{1,2})\s+([A-Z][a-z]+)\s*[–-]\s*(\d{1,2})\s+([A-Z][a-z]+),?\s+(\d{4})")


def parse_dates(text: str) -> list[str]:
    # "2–6 June 1944" and "2 June – 9 July 1944" name the year (and month) once
    text = _SPAN_DAYS.sub(r"\1 \3 \4 – \2 \3 \4", text)
    text = _SPAN_MONTHS.sub(r"\1 \2 \5 – \3 \4 \5", text)
    found = []
    for rx, order in ((_DATE_ISO, "ymd"), (_DATE_MDY, "mdy"), (_DATE_DMY, "dmy")):
        for m in rx.finditer(text):
            g = m.groups()
            try:
                if order == "ymd":
                    d = dt.date(int(g[0]), int(g[1]), int(g[2]))
                elif order == "mdy":
                    d = dt.date(int(g[2]), _MONTHS[g[0].lower()], int(g[1]))
                else:
                    d = dt.date(int(g[2]), _MONTHS[g[1].lower()], int(g[0]))
            except (KeyError, ValueError):
                continue
            found.append((m.start(), d.isoformat()))
    return [d for _, d in sorted(found)]


def _casualties_in(text: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for m in _CASUALTY.finditer(text):
        cat = _CAT[m.group(2).lower()]
        out[cat] = out.get(cat, 0) + _int(m.group(1))
    return out


def _drop_refs(value: str) -> str:
    """`value` without its <ref ...>...</ref> footnotes, in one left-to-right pass (an unclosed <ref> keeps the
    rest of the text as it is)."""
    out, i = [], 0
    low = value.lower()
    while True:
        j = low.find("<ref", i)
        if j < 0:
            break
        k = low.find(">", j)
        if k < 0:
            break
        if value[k - 1] == "/":                      # <ref name=x />
            out.append(value[i:j])
            i = k + 1
            continue
        end = low.find("</ref>", k)
        if end < 0:
            break
        out.append(value[i:j])
        i = end + len("</ref>")
    out.append(value[i:])
    return "".join(out)


def _strip_wiki(value: str) -> str:
    value = re.sub(r"<br\s*/?>", "\n", value, flags=re.I)
    for _ in range(3):  # nested templates such as {{flagicon|...}} carry no claims
        value = re.sub(r"\{\{[^{}]*\}\}", "", value)
    # bounded repeats: an unclosed "[[" or "<" is tried over at most 500 characters, so the scan stays linear
    value = re.sub(r"\[\[(?:[^|\]\[]{0,500}\|)?([^\]\[]{0,500})\]\]", r"\1", value)
    value = _drop_refs(value)
    value = re.sub(r"<[^<>]{1,500}>|'''?", "", value)
    return html.unescape(value).strip()


def _infobox_params(text: str) -> dict[str, str] | None:
    start = re.search(r"\{\{\s*Infobox military conflict", text, re.I)
    if not start:
        return None
    depth, i = 0, start.start()
    while i < len(text):
        if text.startswith("{{", i):
            depth, i = depth + 1, i + 2
        elif text.startswith("}}", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                break
        else:
            i += 1
    body = text[start.end():i - 2]
    params, depth, cur = {}, 0, []
    parts = []
    for k, ch in enumerate(body):  # split on top-level "|" only
        if body.startswith("{{", k) or body.startswith("[[", k):
            depth += 1
        elif (body.startswith("}}", k) or body.startswith("]]", k)) and depth:
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    for part in parts[1:]:
        if "=" in part:
            key, value = part.split("=", 1)
            params[key.strip().lower()] = value.strip()
    return params


def _parse_wikitext(text: str, params: dict[str, str]) -> Claims:
    c = Claims(format="wikitext", title=_strip_wiki(params.get("conflict", "")))
    c.result = _strip_wiki(params.get("result", "")).split("\n")[0] or None
    c.dates = parse_dates(_strip_wiki(params.get("date", "")))
    for k in ("1", "2"):
        name = _strip_wiki(params.get(f"combatant{k}", "")).split("\n")[0] or f"combatant{k}"
        cas = _casualties_in(_strip_wiki(params.get(f"casualties{k}", "")))
        if cas:
            c.casualties[name] = cas
    return c


def _parse_text(text: str) -> Claims:
    lines = [ln.strip() for ln in text.splitlines()]
    c = Claims(title=next((ln for ln in lines if ln), ""))
    for ln in lines:
        if c.result is None and ln.lower().startswith("result"):
            c.result = ln[6:].lstrip(" :\t") or None
        if not c.dates and ln.lower().startswith("date"):
            c.dates = parse_dates(ln[4:])
    side = None
    for ln in lines:
        if not ln:
            continue
        cas = _casualties_in(ln)
        if cas and side:
            for cat, n in cas.items():
                c.casualties.setdefault(side, {})
                c.casualties[side][cat] = c.casualties[side].get(cat, 0) + n
        elif ln.endswith(":") and not re.search(r"\d", ln) and "casualties" not in ln.lower():
            side = ln[:-1].strip()
        elif not cas and c.casualties and side in c.casualties:
            side = None  # the casualty block has ended
    return c


def parse_article(text: str) -> Claims:
    params = _infobox_params(text)
    return _parse_wikitext(text, params) if params is not None else _parse_text(text)
