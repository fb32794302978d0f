"""One self-contained, offline HTML report: article, map replay, charts and ensemble distributions.

The map replays, day by day, who holds each place, the men of each side present there (circles of
area in proportion to the men), the front (land links whose two ends are held by different sides)
and the events; it zooms with the mouse wheel or its buttons and opens fitted to the fighting.

The page carries its data as JSON in a ``<script type="application/json">`` block and draws the
map and charts with its own inline script (``static/report.js``) from the packaged geometry in
``data/geo``. Its Content-Security-Policy forbids every network load, so it opens from file://.
"""
from __future__ import annotations

import html
import json
from importlib import resources

from .article import Article, build_article, which_run

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
       "font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'")
GEO_LAYERS = ("land", "lakes", "rivers", "borders")


def _asset(*parts: str) -> str:
    return resources.files("kriegsspiel").joinpath(*parts).read_text(encoding="utf-8")


def load_geometry() -> dict:
    """The packaged map layers: polylines of [lon, lat] per layer, plus the 1944 lines."""
    geo = {name: json.loads(_asset("data", "geo", f"{name}.json")) for name in GEO_LAYERS}
    geo["borders_1944"] = [ln["points"] for ln in json.loads(_asset("data", "geo", "borders_1944.json"))["lines"]]
    return geo


def script_json(payload) -> str:
    """JSON that cannot close or open markup inside a <script> block."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _e(text) -> str:
    return html.escape(str(text), quote=True)


# The infobox as a reader sees it on a wiki: one-column rows, then the two sides side by side.
_SINGLE = (("partof", "Part of"), ("date", "Date"), ("place", "Location"), ("result", "Result"))
_PAIRED = (("combatant", "Belligerents"), ("commander", "Commanders and leaders"), ("strength", "Strength"),
           ("casualties", "Casualties and losses"))
_AFTER = (("casualties3", "Civilians"), ("notes", "Notes"))


def _lines(vals) -> str:
    return "<br>".join(_e(v) for v in vals)


def html_infobox(article: Article) -> str:
    """The article's infobox as a human-readable table (no template field names)."""
    box = dict(article.infobox)
    rows = [f"<caption>{_e(article.title)}</caption>"]
    for key, label in _SINGLE:
        if box.get(key):
            rows.append(f"<tr><th scope=\"row\">{label}</th><td>{_lines(box[key])}</td></tr>")
    for key, label in _PAIRED:
        a, b = box.get(f"{key}1") or [], box.get(f"{key}2") or []
        if a or b:
            rows.append(f"<tr><th colspan=\"2\" class=\"band\">{label}</th></tr>")
            rows.append(f"<tr><td>{_lines(a)}</td><td>{_lines(b)}</td></tr>")
    for key, label in _AFTER:
        if box.get(key):
            rows.append(f"<tr><th colspan=\"2\" class=\"band\">{label}</th></tr>"
                        f"<tr><td colspan=\"2\">{_lines(box[key])}</td></tr>")
    return f"<table class=\"infobox\">{''.join(rows)}</table>"


def format_html_article(article: Article) -> str:
    """The article as HTML: the infobox, the lead, a contents list, then its sections with anchors."""
    ids = [f"sec-{i}" for i in range(len(article.sections))]
    toc = "".join(f"<li class=\"toc-{sec.level}\"><a href=\"#{i}\">{_e(sec.heading)}</a></li>"
                  for i, sec in zip(ids, article.sections))
    body = [html_infobox(article), f"<p><b>{_e(article.title)}</b> {_e(article.lead)}</p>",
            f"<nav class=\"toc\"><h2>Contents</h2><ol>{toc}</ol></nav>"]
    for i, sec in zip(ids, article.sections):
        tag = f"h{min(sec.level + 1, 6)}"
        body.append(f"<{tag} id=\"{i}\">{_e(sec.heading)}</{tag}>")
        body += [f"<p>{_e(p)}</p>" for p in sec.paragraphs]
        if sec.bullets:
            body.append("<ul>" + "".join(f"<li>{_e(b)}</li>" for b in sec.bullets) + "</ul>")
    return "\n".join(body)


def _claims_by_side(check: dict | None) -> dict:
    out: dict = {}
    for c in (check or {}).get("claims", []):
        if c["category"] != "result":
            out.setdefault(c["side"], {})[c["category"]] = {"claimed": c["claimed"], "percentile": c["percentile"],
                                                                "plausible": c["plausible"]}
    return out


def _freight_chart(result: dict) -> str:
    """An SVG slot for the rail-freight chart when the run reports freight to a reference place."""
    tl = result.get("timeline") or {}
    return '<svg id="chart-freight" class="chart"></svg>' if any(tl.get("freight_east_t") or []) else ""


def render_html(result: dict, ensemble: dict | None = None, *, check: dict | None = None) -> str:
    """The offline report page of a run (and of its ensemble, with an article's checked claims marked)."""
    article = build_article(result, ensemble)
    keep = ("title", "start", "end", "sides", "events", "timeline", "places", "network", "control", "result")
    payload = {"result": {k: result[k] for k in keep}, "geo": load_geometry(),
               "ensemble": ensemble, "claims": _claims_by_side(check)}
    title = _e(result["title"])
    which = _e(f"Drawn: {which_run(result)}.")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>{_asset("report", "static", "report.css")}</style>
</head>
<body>
<header><h1>{title}</h1><p class="sub">{_e(result["place"])} · {_e(result["start"])} – {_e(result["end"])} ·
{_e(result["result"]["label"])}</p></header>
<main>
<div class="grid">
 <section class="panel"><h2>Control of places, forces and the front</h2>
  <p class="which">{which}</p>
  <svg id="map" role="img" aria-label="map of the theatre"></svg>
  <div class="controls"><button id="play" type="button">Play</button>
   <input id="day" type="range" min="0" max="0" value="0" aria-label="day">
   <span id="date"></span>
   <span class="zoom"><button id="zoom-in" type="button" title="zoom in (or mouse wheel)">+</button>
    <button id="zoom-out" type="button" title="zoom out">−</button>
    <button id="zoom-fight" type="button" title="fit the view to the places where the fighting is">Fighting</button>
    <button id="zoom-all" type="button" title="the whole theatre">All</button></span></div>
  <div class="legend" id="legend"></div>
 </section>
 <section class="panel"><h2>Events of the day</h2><ol id="events"></ol></section>
</div>
<section class="panel"><h2>Strength, losses and supply over time</h2>
 <p class="which">{which}</p>
 <div class="charts"><svg id="chart-strength" class="chart"></svg><svg id="chart-losses" class="chart"></svg>{_freight_chart(result)}</div>
</section>
<section class="panel" id="ensemble-panel" hidden><h2>Ensemble distributions</h2><div class="charts" id="ensemble"></div></section>
<section class="panel article">{format_html_article(article)}</section>
</main>
<script type="application/json" id="ks-data">{script_json(payload)}</script>
<script>{_asset("report", "static", "report.js")}</script>
</body>
</html>
"""
