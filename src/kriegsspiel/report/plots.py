"""Static figures (PNG and SVG) for papers and wiki uploads, drawn with matplotlib's Agg backend."""
from __future__ import annotations

from pathlib import Path

from .article import CATEGORIES
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
    rep = result.get("representative")
    if rep:
        return f"run {rep['run']} of {rep['runs']:,} (nearest the ensemble's medians), seed {result['seed']}"
    return f"run {result.get('run', 0)}, seed {result['seed']}"


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
    ax.set(title=f"Strength in the theatre — {_which(result)}", ylabel="men present")
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
    ax.set(title=f"Cumulative casualties — {_which(result)}", ylabel="men (cumulative)")
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
    ax.set_xlim(max(85, min(lons) - 5), min(180, max(lons) + 10))
    ax.set_ylim(max(35, min(lats) - 3), min(70, max(lats) + 3))
    ax.set_aspect(1 / 0.62)  # equirectangular, stretched by 1/cos(52 deg)
    ax.set_title(f"Control on {result['end']} — {_which(result)}")
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.legend(loc="lower right", fontsize=8)
    fig.canvas.draw()             # the axes' final box (aspect, title, labels) before the labels are sorted out
    _declutter(fig, texts, result)
    return fig


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
    cas = ensemble["casualties"]
    sides = list(cas)
    fig, axes = plt.subplots(len(sides), 3, figsize=(10, 2.6 * len(sides)), squeeze=False)
    for r, side in enumerate(sides):
        for c, cat in enumerate(CATEGORIES):
            ax, q = axes[r][c], cas[side].get(cat)
            if not q:
                ax.axis("off")
                continue
            if q.get("samples"):
                ax.hist(q["samples"], bins=24, color=colours.get(side, "#888"), alpha=0.6)
            else:
                ax.axvspan(q["p10"], q["p90"], color=colours.get(side, "#888"), alpha=0.35, label="p10–p90")
            ax.axvline(q["p50"], color="#222", lw=1.2, label="median")
            claim = claims.get(side, {}).get(cat)
            if claim is not None:
                ax.axvline(claim, color="#d7301f", lw=2, label=f"claimed {claim:,}")
            ax.set_title(f"{result['sides'].get(side, {}).get('name', side)}: {cat}", fontsize=9)
            ax.set_xlabel(f"{cat} (men)", fontsize=8)
            ax.set_ylabel("runs" if q.get("samples") else "", fontsize=8)
            ax.legend(fontsize=6)
    fig.suptitle(f"Ensemble of {ensemble['runs']:,} runs (root seed {ensemble['seed']})")
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
