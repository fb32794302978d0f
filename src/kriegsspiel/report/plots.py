"""Static figures (PNG and SVG) for papers and wiki uploads, drawn with matplotlib's Agg backend."""
from __future__ import annotations

import math
from pathlib import Path

from .article import CATEGORIES, which_run
from .html import load_geometry

PALETTE = ["#b2182b", "#2166ac", "#1b7837", "#762a83", "#e08214"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _colours(result: dict) -> dict[str, str]:
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(result["sides"])}


def _dates(result: dict):
    import numpy as np

    return np.array(result["timeline"]["dates"], dtype="datetime64[D]")


def _which(result: dict) -> str:
    """Which run a single-run figure shows (the representative run of an ensemble says so)."""
    return which_run(result)


def _men_axis(axis, top: float, nbins: int = 4) -> str:
    """Readable counts of men on an axis: at most `nbins` + 1 ticks, written in thousands ("100", "250") when the
    axis reaches 10,000, else whole numbers with separators ("1,500"); returns the unit for the axis label."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]))
    if top >= 10_000:
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v / 1000:,.0f}"))
        return "thousand men"
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    return "men"


def _date_axis(fig, ax) -> None:
    """Readable date ticks: at most about eight, concise labels, no collisions."""
    import matplotlib.dates as mdates

    loc = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    ax.set_xlabel("date")


def _save(fig, outdir: Path, stem: str) -> list[Path]:
    paths = [outdir / f"{stem}.png", outdir / f"{stem}.svg"]
    fig.savefig(paths[0], dpi=150, bbox_inches="tight")
    fig.savefig(paths[1], bbox_inches="tight")
    return paths


def _strength(plt, result, colours):
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for side, seq in result["timeline"]["sides"].items():
        ax.plot(_dates(result), seq["strength"], color=colours[side], label=result["sides"][side]["name"])
    top = max(max(seq["strength"]) for seq in result["timeline"]["sides"].values())
    ax.set(title=f"Strength in the theatre — {_which(result)}", ylabel=f"present ({_men_axis(ax.yaxis, top, 6)})")
    ax.legend()
    _date_axis(fig, ax)
    return fig


def _casualties(plt, result, colours):
    fig, ax = plt.subplots(figsize=(7, 3.5))
    styles = {"killed": "-", "wounded": "--", "missing": ":"}
    for side, seq in result["timeline"]["sides"].items():
        for cat in CATEGORIES:
            ax.plot(_dates(result), seq[cat], styles[cat], color=colours[side],
                    label=f"{result['sides'][side]['name']}, {cat}")
    top = max(max(seq[cat]) for seq in result["timeline"]["sides"].values() for cat in CATEGORIES)
    ax.set(title=f"Cumulative casualties — {_which(result)}", ylabel=f"cumulative ({_men_axis(ax.yaxis, top, 6)})")
    ax.legend(fontsize=7)
    _date_axis(fig, ax)
    return fig


def _map(plt, result, colours):
    from matplotlib.patches import Polygon

    geo = load_geometry()
    lons = [p["lon"] for p in result["places"]]
    lats = [p["lat"] for p in result["places"]]
    fig, ax = plt.subplots(figsize=(9, 6))
    ax.set_facecolor("#cfe3f2")
    for ring in geo["land"]:
        ax.add_patch(Polygon(ring, closed=True, facecolor="#efe9d8", edgecolor="#8a8470", lw=0.4))
    for ring in geo["lakes"]:
        ax.add_patch(Polygon(ring, closed=True, facecolor="#cfe3f2", edgecolor="#6f9fc4", lw=0.3))
    for layer, style in (("rivers", dict(color="#6f9fc4", lw=0.5)),
                         ("borders", dict(color="#9a8fa8", lw=0.6, ls="--")),
                         ("borders_1944", dict(color="#7a3b8f", lw=1.0, ls="--"))):
        for line in geo[layer]:
            xs, ys = zip(*line)
            ax.plot(xs, ys, **style)
    where = {p["name"]: p for p in result["places"]}
    for e in result["network"]:
        a, b = where.get(e["from"]), where.get(e["to"])
        if a and b and e["kind"] == "rail":
            ax.plot([a["lon"], b["lon"]], [a["lat"], b["lat"]], color="#333", lw=1.2)
    # the front at the end: the land edges whose two ends are held by different sides, their middle third drawn
    front = False
    for e in result["network"]:
        a, b = where.get(e["from"]), where.get(e["to"])
        if not (a and b) or e["kind"] == "sea" or result["control"].get(a["name"]) == result["control"].get(b["name"]):
            continue
        x0, y0 = a["lon"] + (b["lon"] - a["lon"]) / 3, a["lat"] + (b["lat"] - a["lat"]) / 3
        x1, y1 = a["lon"] + 2 * (b["lon"] - a["lon"]) / 3, a["lat"] + 2 * (b["lat"] - a["lat"]) / 3
        ax.plot([x0, x1], [y0, y1], color="#f0a30a", lw=3.5, solid_capstyle="butt", zorder=3)
        front = True
    if front:
        ax.plot([], [], color="#f0a30a", lw=3.5, label="front (edges between the sides)")
    texts = []
    for p in result["places"]:
        side = result["control"].get(p["name"])
        ax.plot(p["lon"], p["lat"], "o", color=colours.get(side, "#888"), mec="white", ms=7)
        texts.append(ax.annotate(p["name"], (p["lon"], p["lat"]), xytext=(4, 3), textcoords="offset points",
                                 fontsize=7))
    for side, c in colours.items():
        ax.plot([], [], "o", color=c, label=result["sides"][side]["name"])
    x0, x1, y0, y1 = map_view(lons, lats)
    _no_data(ax, geo, (x0, x1, y0, y1))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))  # equirectangular, x scaled by cos(mid-latitude)
    ax.set_title(f"Control on {result['end']} — {_which(result)}")
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.legend(loc="lower right", fontsize=8)
    fig.canvas.draw()             # the axes' final box (aspect, title, labels) before the labels are sorted out
    _declutter(fig, texts, result)
    return fig


def map_view(lons, lats) -> tuple[float, float, float, float]:
    """(west, east, south, north) of a map that shows every place: a margin round them, wider to the east for the
    labels, within the world (the HTML map's "All" view uses the same box)."""
    return (max(-180.0, min(lons) - 4), min(180.0, max(lons) + 12),
            max(-85.0, min(lats) - 3), min(85.0, max(lats) + 3))


def _no_data(ax, geo, view) -> None:
    """Grey out the parts of the view outside the packaged geometry (no coast, rivers or borders known there), so
    that a place beyond it is drawn on a blank, labelled ground rather than left out or set in a false sea."""
    from matplotlib.patches import Rectangle

    x0, x1, y0, y1 = view
    pts = [p for ring in geo["land"] for p in ring]
    if pts:
        gx0, gx1 = min(p[0] for p in pts), max(p[0] for p in pts)
        gy0, gy1 = min(p[1] for p in pts), max(p[1] for p in pts)
        strips = [(x0, gx0, y0, y1), (gx1, x1, y0, y1), (x0, x1, y0, gy0), (x0, x1, gy1, y1)]
    else:
        strips = [(x0, x1, y0, y1)]
    label = "no map data"
    for a, b, c, d in strips:
        if b > a and d > c:
            ax.add_patch(Rectangle((a, c), b - a, d - c, facecolor="#e4e4e4", edgecolor="none", zorder=0.5,
                                   label=label))
            label = None


def _declutter(fig, texts, result) -> None:
    """Hide the place labels that would overlap one already shown, the busiest places (most events) labelled
    first: no label is drawn over another (the markers stay; the HTML report's map zooms in for the rest)."""
    busy = {}
    for e in result.get("events", []):
        busy[e.get("place")] = busy.get(e.get("place"), 0) + 1
    renderer = fig.canvas.get_renderer()
    shown = []
    for t in sorted(texts, key=lambda t: -busy.get(t.get_text(), 0)):
        box = t.get_window_extent(renderer).expanded(1.05, 1.1)
        if any(box.overlaps(b) for b in shown):
            t.set_visible(False)
        else:
            shown.append(box)


def _ensemble(plt, result, ensemble, colours, claims):
    """A panel per side and loss category: the runs' histogram (where the samples are given), the 10–90 % band of
    the runs shaded and labelled, the median, and a checked article's claim; x in men, few ticks that never meet."""
    cas = ensemble["casualties"]
    sides = list(cas)
    fig, axes = plt.subplots(len(sides), 3, figsize=(11, 3.0 * len(sides)), squeeze=False)
    for r, side in enumerate(sides):
        for c, cat in enumerate(CATEGORIES):
            ax, q = axes[r][c], cas[side].get(cat)
            if not q:
                ax.axis("off")
                continue
            colour, samples = colours.get(side, "#888"), q.get("samples")
            ax.axvspan(q["p10"], q["p90"], color=colour, alpha=0.18 if samples else 0.35, lw=0,
                       label=f"10–90 % of runs: {q['p10']:,.0f}–{q['p90']:,.0f}")
            if samples:
                ax.hist(samples, bins=24, color=colour, alpha=0.6, label="runs")
            ax.axvline(q["p50"], color="#222", lw=1.2, label=f"median {q['p50']:,.0f}")
            claim = claims.get(side, {}).get(cat)
            if claim is not None:
                ax.axvline(claim, color="#d7301f", lw=2, label=f"claimed {claim:,}")
            top = max([q["p90"], *(samples or []), *([claim] if claim is not None else [])])
            unit = _men_axis(ax.xaxis, top, 4)
            ax.set_title(f"{result['sides'].get(side, {}).get('name', side)}: {cat}", fontsize=9)
            ax.set_xlabel(f"{cat} ({unit})", fontsize=8)
            if samples:
                ax.set_ylabel("runs (count)", fontsize=8)
            else:
                ax.set_yticks([])          # a band alone has no height to read
            ax.tick_params(labelsize=7)
            ax.legend(fontsize=6)
    fig.suptitle(f"Ensemble of {ensemble['runs']:,} runs (root seed {ensemble['seed']}): losses per run; "
                 f"shaded, the 10–90 % band of the runs; black line, the median")
    fig.tight_layout()
    return fig


def write_plots(result: dict, outdir, ensemble: dict | None = None, *, check: dict | None = None) -> list[Path]:
    """Write strength, casualties, control map (and ensemble) figures as PNG and SVG; return the paths."""
    plt = _pyplot()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    colours = _colours(result)
    claims: dict = {}
    for c in (check or {}).get("claims", []):
        if c["category"] != "result":
            claims.setdefault(c["side"], {})[c["category"]] = c["claimed"]
    paths: list[Path] = []
    # names are data, drawn as plain text: no "$...$" math, whatever a side or a place is called
    with plt.rc_context({"text.parse_math": False, "text.usetex": False}):
        figures = [("strength", _strength(plt, result, colours)), ("casualties", _casualties(plt, result, colours)),
                   ("map", _map(plt, result, colours))]
        if ensemble and ensemble.get("casualties"):
            figures.append(("ensemble", _ensemble(plt, result, ensemble, colours, claims)))
        for stem, fig in figures:
            paths += _save(fig, outdir, stem)
            plt.close(fig)
    return paths
