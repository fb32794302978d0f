"use strict";
// Draws the offline report from the JSON block #ks-data. Data strings only ever reach the page
// through textContent or SVG attributes, never as markup.
(function () {
  const D = JSON.parse(document.getElementById("ks-data").textContent);
  const R = D.result, TL = R.timeline, NS = "http://www.w3.org/2000/svg";
  const SIDES = Object.keys(R.sides);
  const PALETTE = ["#b2182b", "#2166ac", "#1b7837", "#762a83", "#e08214"];
  const COLOUR = Object.fromEntries(SIDES.map((s, i) => [s, PALETTE[i % PALETTE.length]]));
  const fmt = (n) => Math.round(n).toLocaleString("en-GB");
  const sideName = (s) => (R.sides[s] && R.sides[s].name) || s;

  function el(tag, attrs, parent, text) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  // ---- map: equirectangular, x scaled by cos(mid latitude), fitted to every place of the scenario ----
  // (a margin round them, wider to the east for the labels; the packaged geometry covers less than some theatres:
  // what lies outside it is drawn as "no map data", never cut off)
  const lons = R.places.map((p) => p.lon), lats = R.places.map((p) => p.lat);
  const box = {
    lon0: Math.max(-180, Math.min(...lons) - 4), lon1: Math.min(180, Math.max(...lons) + 12),
    lat0: Math.max(-85, Math.min(...lats) - 3), lat1: Math.min(85, Math.max(...lats) + 3),
  };
  const geoBox = D.geo.land.flat().reduce((b, [lon, lat]) => ({
    lon0: Math.min(b.lon0, lon), lon1: Math.max(b.lon1, lon), lat0: Math.min(b.lat0, lat), lat1: Math.max(b.lat1, lat),
  }), { lon0: Infinity, lon1: -Infinity, lat0: Infinity, lat1: -Infinity });
  const hasGeo = geoBox.lon0 <= geoBox.lon1;
  const kx = Math.cos(((box.lat0 + box.lat1) / 2) * Math.PI / 180), S = 22;
  const W = (box.lon1 - box.lon0) * kx * S, H = (box.lat1 - box.lat0) * S;
  const px = (lon) => ((lon - box.lon0) * kx * S).toFixed(1);
  const py = (lat) => ((box.lat1 - lat) * S).toFixed(1);
  const path = (pts, close) => "M" + pts.map((p) => px(p[0]) + "," + py(p[1])).join("L") + (close ? "Z" : "");

  const map = document.getElementById("map");
  map.setAttribute("viewBox", `0 0 ${W.toFixed(0)} ${H.toFixed(0)}`);
  const layer = (style, lines, close) => {
    const g = el("g", style, map);
    for (const ln of lines) el("path", { d: path(ln, close) }, g);
    return g;
  };
  // the parts of the view outside the packaged geometry: no coast, rivers or borders known there
  const NODATA = { fill: "#e4e4e4", stroke: "none", class: "nodata" };
  const nodata = el("g", NODATA, map);
  const strips = hasGeo ? [[box.lon0, geoBox.lon0, box.lat0, box.lat1], [geoBox.lon1, box.lon1, box.lat0, box.lat1],
    [box.lon0, box.lon1, box.lat0, geoBox.lat0], [box.lon0, box.lon1, geoBox.lat1, box.lat1]]
    : [[box.lon0, box.lon1, box.lat0, box.lat1]];
  for (const [x0, x1, y0, y1] of strips) {
    if (x1 <= x0 || y1 <= y0) continue;
    el("title", {}, el("path", { d: path([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], true) }, nodata),
      "no map data: outside the packaged coastline, rivers and borders");
  }
  layer({ fill: "#efe9d8", stroke: "#8a8470", "stroke-width": 0.6 }, D.geo.land, true);
  layer({ fill: "#cfe3f2", stroke: "#6f9fc4", "stroke-width": 0.5 }, D.geo.lakes, true);
  layer({ fill: "none", stroke: "#6f9fc4", "stroke-width": 0.7 }, D.geo.rivers, false);
  layer({ fill: "none", stroke: "#9a8fa8", "stroke-width": 0.8, "stroke-dasharray": "4 2" }, D.geo.borders, false);
  layer({ fill: "none", stroke: "#7a3b8f", "stroke-width": 1.2, "stroke-dasharray": "5 2" }, D.geo.borders_1944, false);

  const where = Object.fromEntries(R.places.map((p) => [p.name, p]));
  const EDGE = {
    rail: { label: "railway", stroke: "#333", "stroke-width": 1.6 },
    road: { label: "road", stroke: "#8c5a2b", "stroke-width": 1.1 },
    track: { label: "track", stroke: "#8c5a2b", "stroke-width": 1, "stroke-dasharray": "1 2.5" },
    river: { label: "river route", stroke: "#2b6cb0", "stroke-width": 1.4, "stroke-dasharray": "2 2" },
    sea: { label: "sea lane", stroke: "#4a90c2", "stroke-width": 1, "stroke-dasharray": "6 3" },
  };
  const LAND = new Set(["rail", "road", "track"]);
  const edgeStyle = (kind) => { const { label, ...st } = EDGE[kind] || EDGE.road; return st; };
  const edges = el("g", { fill: "none" }, map);
  for (const e of R.network) {
    const a = where[e.from], b = where[e.to];
    if (!a || !b) continue;
    el("path", Object.assign({ d: path([[a.lon, a.lat], [b.lon, b.lat]]), class: "edge-" + e.kind }, edgeStyle(e.kind)), edges);
  }
  // the land links between places, once per pair: the front runs along those whose ends differ in owner
  const landPairs = [], seenPair = new Set();
  for (const e of R.network) {
    if (!LAND.has(e.kind) || !where[e.from] || !where[e.to] || e.from === e.to) continue;
    const key = [e.from, e.to].sort().join("\u0000");
    if (seenPair.has(key)) continue;
    seenPair.add(key);
    landPairs.push([e.from, e.to]);
  }
  const FRONT = { stroke: "#f28e00", width: 5 };
  const frontG = el("g", { fill: "none", stroke: FRONT.stroke, "stroke-width": FRONT.width, "stroke-linecap": "round", class: "front" }, map);
  const forcesG = el("g", { class: "forces" }, map);
  const eventRing = el("g", {}, map);
  const marks = {}, labels = {};
  const placesG = el("g", {}, map), labelsG = el("g", { fill: "#222", class: "labels" }, map);
  for (const p of R.places) {
    const g = el("g", { class: "place" }, placesG);
    const c = el("circle", { cx: px(p.lon), cy: py(p.lat), r: 5, stroke: "#fff", "stroke-width": 1.2 }, g);
    el("title", {}, c, p.name);
    labels[p.name] = el("text", {}, labelsG, p.name);
    marks[p.name] = c;
  }

  // ---- forces: a circle per side with men at a place, area in proportion to the men ----
  const FORCES = TL.forces || {};
  let maxMen = 1;
  for (const bySide of Object.values(FORCES)) for (const seq of Object.values(bySide)) maxMen = Math.max(maxMen, ...seq);
  const R_MAX = 20;  // screen pixels for the largest force of the campaign
  const radiusPx = (men) => Math.max(1.5, R_MAX * Math.sqrt(men / maxMen));

  // ---- zoom and pan: the view is a viewBox of the same shape as the whole map ----
  const full = { x: 0, y: 0, w: W, h: H };
  let view = Object.assign({}, full), day = 0;
  const scale = () => (map.getBoundingClientRect().width || 700) / view.w;  // screen px per map unit
  function clampView(v) {
    const w = Math.min(full.w, Math.max(full.w / 40, v.w)), h = w * full.h / full.w;
    return { x: Math.min(full.w - w, Math.max(0, v.x)), y: Math.min(full.h - h, Math.max(0, v.y)), w, h };
  }
  function setView(v) {
    view = clampView(v);
    map.setAttribute("viewBox", [view.x, view.y, view.w, view.h].map((n) => n.toFixed(1)).join(" "));
    restyle();
  }
  function fitTo(names) {
    const pts = names.map((n) => where[n]).filter(Boolean);
    if (!pts.length) return setView(full);
    const xs = pts.map((p) => +px(p.lon)), ys = pts.map((p) => +py(p.lat)), pad = 1.2 * S;
    let x0 = Math.min(...xs) - pad, x1 = Math.max(...xs) + pad, y0 = Math.min(...ys) - pad, y1 = Math.max(...ys) + pad;
    let w = x1 - x0, h = y1 - y0;
    if (w / h < full.w / full.h) w = h * full.w / full.h; else h = w * full.h / full.w;
    setView({ x: (x0 + x1) / 2 - w / 2, y: (y0 + y1) / 2 - h / 2, w, h });
  }
  function zoomAt(factor, cx, cy) {  // factor > 1 zooms in, about the map point (cx, cy)
    const w = view.w / factor, h = view.h / factor;
    setView({ x: cx - (cx - view.x) / factor, y: cy - (cy - view.y) / factor, w, h });
  }
  // where the fighting is: both ends of every front segment and every place held by men of two sides
  const fighting = new Set();
  for (const [a, b] of landPairs) {
    const ca = TL.control[a], cb = TL.control[b];
    if (ca && cb && ca.some((s, i) => s !== cb[i])) { fighting.add(a); fighting.add(b); }
  }
  const onLand = new Set(landPairs.flat());
  for (const [name, bySide] of Object.entries(FORCES)) {
    const seqs = Object.values(bySide);
    if (onLand.has(name) && TL.dates.some((_, i) => seqs.filter((q) => q[i] > 0).length > 1)) fighting.add(name);
  }
  const KIND_WEIGHT = { city: 3, port: 2, rail_junction: 1 };
  const peak = (name) => Math.max(0, ...Object.values(FORCES[name] || {}).flat());
  const byWeight = R.places.slice().sort((a, b) => ((b.key === true) - (a.key === true)) ||
    (fighting.has(b.name) - fighting.has(a.name)) ||
    ((KIND_WEIGHT[b.kind] || 0) - (KIND_WEIGHT[a.kind] || 0)) || (peak(b.name) - peak(a.name)));
  const toMap = (evt) => {
    const r = map.getBoundingClientRect();
    return [view.x + (evt.clientX - r.left) / r.width * view.w, view.y + (evt.clientY - r.top) / r.height * view.h];
  };
  map.addEventListener("wheel", (evt) => {
    evt.preventDefault();
    const [cx, cy] = toMap(evt);
    zoomAt(evt.deltaY < 0 ? 1.25 : 0.8, cx, cy);
  }, { passive: false });
  let drag = null;
  map.addEventListener("pointerdown", (evt) => {
    drag = { x: evt.clientX, y: evt.clientY, view: Object.assign({}, view) };
    map.setPointerCapture(evt.pointerId);
  });
  map.addEventListener("pointermove", (evt) => {
    if (!drag) return;
    const k = map.getBoundingClientRect().width / view.w;
    setView(Object.assign({}, drag.view, { x: drag.view.x - (evt.clientX - drag.x) / k, y: drag.view.y - (evt.clientY - drag.y) / k }));
  });
  const endDrag = () => { drag = null; };
  map.addEventListener("pointerup", endDrag);
  map.addEventListener("pointercancel", endDrag);
  const centre = () => [view.x + view.w / 2, view.y + view.h / 2];
  document.getElementById("zoom-in").addEventListener("click", () => zoomAt(1.5, ...centre()));
  document.getElementById("zoom-out").addEventListener("click", () => zoomAt(1 / 1.5, ...centre()));
  document.getElementById("zoom-fight").addEventListener("click", () => fitTo([...fighting]));
  document.getElementById("zoom-all").addEventListener("click", () => setView(full));

  // sizes that stay the same on screen whatever the zoom
  function restyle() {
    const k = scale();
    labelsG.setAttribute("font-size", (10 / k).toFixed(2));
    const taken = [];  // screen boxes of the labels shown: the most important places are labelled first
    for (const p of byWeight) {
      const x = +px(p.lon) + 5 / k, y = +py(p.lat) + 3.5 / k, t = labels[p.name];
      marks[p.name].setAttribute("r", (3.5 / k).toFixed(2));
      t.setAttribute("x", x.toFixed(1));
      t.setAttribute("y", y.toFixed(1));
      t.setAttribute("display", "inline");
      t.setAttribute("text-anchor", "start");
      // the label's box as laid out (its real text width), on screen, with a pixel to spare
      const box = () => {
        const bb = t.getBBox();
        return [(bb.x - view.x) * k - 1, (bb.y - view.y) * k - 1,
                (bb.x + bb.width - view.x) * k + 1, (bb.y + bb.height - view.y) * k + 1];
      };
      let b = box();
      if (b[2] > view.w * k) {  // it would run off the right edge: put it left of the mark
        t.setAttribute("x", (+px(p.lon) - 5 / k).toFixed(1));
        t.setAttribute("text-anchor", "end");
        b = box();
      }
      const clash = b[0] < 0 || b[2] > view.w * k ||   // cut by an edge of the map: no half labels
        taken.some((o) => b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]);
      t.setAttribute("display", clash ? "none" : "inline");
      if (!clash) taken.push(b);
    }
    for (const ring of eventRing.children) ring.setAttribute("r", (9 / k).toFixed(2));
    drawDay(day);
  }

  function drawDay(i) {
    const k = scale();
    frontG.replaceChildren();
    for (const [a, b] of landPairs) {
      const sa = (TL.control[a] || [])[i], sb = (TL.control[b] || [])[i];
      if (!sa || !sb || sa === sb) continue;
      const pa = where[a], pb = where[b];
      const seg = el("path", { d: path([[pa.lon, pa.lat], [pb.lon, pb.lat]]), "data-from": a, "data-to": b }, frontG);
      el("title", {}, seg, `front: ${a} (${sideName(sa)}) – ${b} (${sideName(sb)})`);
    }
    forcesG.replaceChildren();
    const order = Object.entries(FORCES).map(([name, bySide]) => {
      const here = SIDES.filter((s) => bySide[s] && bySide[s][i] > 0).map((s) => [s, bySide[s][i]]);
      return [name, here, here.reduce((t, h) => t + h[1], 0)];
    }).filter((x) => x[1].length && where[x[0]]).sort((x, y) => y[2] - x[2]);  // the largest underneath
    for (const [name, here] of order) {
      const p = where[name], rs = here.map((h) => radiusPx(h[1]) / k);
      // side by side, touching at the place itself when two sides are there
      let x = +px(p.lon) - (here.length > 1 ? rs[0] : 0);
      here.forEach(([side, men], j) => {
        const c = el("circle", {
          cx: x.toFixed(2), cy: py(p.lat), r: rs[j].toFixed(2), fill: COLOUR[side] || "#888", "fill-opacity": 0.45,
          stroke: COLOUR[side] || "#888", "stroke-width": 1.2, class: "force", "data-force-side": side,
          "data-place": name, "data-men": men,
        }, forcesG);
        el("title", {}, c, `${name} — ${sideName(side)}: ${fmt(men)} men`);
        x += rs[j] + (rs[j + 1] || 0);
      });
    }
  }

  // ---- legend: sides, the symbols and the network ----
  const legend = document.getElementById("legend");
  function legendItem(text, draw) {
    const span = document.createElement("span");
    const svg = el("svg", { width: 30, height: 18, viewBox: "0 0 30 18", "aria-hidden": "true" }, span);
    draw(svg);
    span.appendChild(document.createTextNode(text));
    legend.appendChild(span);
  }
  for (const s of SIDES) {
    legendItem(`${sideName(s)}: place held`, (g) => el("circle", { cx: 15, cy: 9, r: 4, fill: COLOUR[s], stroke: "#fff" }, g));
  }
  const NICE = [100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000];
  const big = NICE.filter((n) => n <= maxMen).pop() || maxMen;
  const small = NICE.filter((n) => n <= big / 8).pop();
  for (const men of small ? [big, small] : [big]) {
    const r = radiusPx(men);
    legend.appendChild(Object.assign(document.createElement("span"), { className: "legend-force" }));
    const span = legend.lastChild, d = 2 * R_MAX + 2;
    const svg = el("svg", { width: d, height: d, viewBox: `0 0 ${d} ${d}`, "aria-hidden": "true" }, span);
    el("circle", { cx: d / 2, cy: d - 1 - r, r, fill: "#999", "fill-opacity": 0.45, stroke: "#666" }, svg);
    span.appendChild(document.createTextNode(`${fmt(men)} men present`));
  }
  legendItem("front (land link between places held by different sides)", (g) =>
    el("line", { x1: 2, x2: 28, y1: 9, y2: 9, stroke: FRONT.stroke, "stroke-width": FRONT.width, "stroke-linecap": "round" }, g));
  for (const kind of ["rail", "road", "track", "river", "sea"]) {
    if (!R.network.some((e) => e.kind === kind)) continue;
    legendItem(EDGE[kind].label, (g) => el("line", Object.assign({ x1: 1, x2: 29, y1: 9, y2: 9 }, edgeStyle(kind)), g));
  }
  legendItem("event of the day", (g) => el("circle", { cx: 15, cy: 9, r: 6, fill: "none", stroke: "#555", "stroke-width": 2 }, g));
  legendItem("1944 border", (g) => el("line", { x1: 1, x2: 29, y1: 9, y2: 9, stroke: "#7a3b8f", "stroke-width": 1.2, "stroke-dasharray": "5 2" }, g));
  if (nodata.children.length) legendItem("no map data", (g) => el("rect", { x: 4, y: 3, width: 22, height: 12, fill: NODATA.fill, stroke: "#bbb" }, g));

  // ---- charts: one line per side, a cursor at the selected day ----
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const dayMonth = (iso) => `${+iso.slice(8, 10)} ${MONTHS[+iso.slice(5, 7) - 1]}`;
  // date ticks: every 1, 2, 7, 14, 28... days from the first, at most 6, so that no two labels meet
  function dateTicks(n) {
    const step = [1, 2, 7, 14, 28, 56, 91, 182, 364].find((k) => Math.ceil(n / k) <= 6) || Math.ceil(n / 6);
    const out = [];
    for (let i = 0; i < n; i += step) out.push(i);
    return out;
  }
  const years = [...new Set([TL.dates[0], TL.dates[TL.dates.length - 1]].map((d) => d.slice(0, 4)))];
  const X_LABEL = `date (${years.join("–")})`;
  function chart(svg, title, yLabel, series, fromZero) {
    const w = 520, h = 236, m = { l: 76, r: 14, t: 20, b: 42 };
    svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    const n = TL.dates.length, all = series.flatMap((s) => s.values);
    let lo = Math.min(...all), hi = Math.max(...all, 1);
    if (fromZero) lo = Math.min(0, lo);
    else { const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.01 || 1; lo -= pad; hi += pad; }
    const x = (i) => m.l + (n > 1 ? i / (n - 1) : 0.5) * (w - m.l - m.r);
    const y = (v) => h - m.b - ((v - lo) / (hi - lo || 1)) * (h - m.t - m.b);
    el("text", { x: m.l, y: 13, "font-weight": 600 }, svg, title);
    el("line", { x1: m.l, x2: w - m.r, y1: h - m.b, y2: h - m.b, stroke: "#999" }, svg);
    el("line", { x1: m.l, x2: m.l, y1: m.t, y2: h - m.b, stroke: "#999" }, svg);
    for (const v of [lo, (lo + hi) / 2, hi]) {
      el("text", { x: m.l - 4, y: y(v) + 4, "text-anchor": "end" }, svg, fmt(v));
    }
    el("text", { x: 12, y: (m.t + h - m.b) / 2, "text-anchor": "middle", class: "axis-label",
      transform: `rotate(-90 12 ${(m.t + h - m.b) / 2})` }, svg, yLabel);
    const ticks = el("g", { class: "date-ticks" }, svg);
    for (const i of dateTicks(n)) {
      el("line", { x1: x(i), x2: x(i), y1: h - m.b, y2: h - m.b + 4, stroke: "#999" }, ticks);
      el("text", { x: x(i), y: h - m.b + 15, "text-anchor": "middle", "data-date": TL.dates[i] }, ticks, dayMonth(TL.dates[i]));
    }
    el("text", { x: (m.l + w - m.r) / 2, y: h - 4, "text-anchor": "middle", class: "axis-label" }, svg, X_LABEL);
    for (const s of series) {
      el("polyline", {
        points: s.values.map((v, i) => x(i).toFixed(1) + "," + y(v).toFixed(1)).join(" "),
        fill: "none", stroke: s.colour, "stroke-width": 2, "stroke-dasharray": s.dash || "",
      }, svg);
    }
    const cursor = el("line", { y1: m.t, y2: h - m.b, stroke: "#555", "stroke-dasharray": "3 3" }, svg);
    return (i) => { cursor.setAttribute("x1", x(i)); cursor.setAttribute("x2", x(i)); };
  }
  const strengthCursor = chart(document.getElementById("chart-strength"), "Strength (men)", "men present",
    SIDES.map((s) => ({ values: TL.sides[s].strength, colour: COLOUR[s] })));
  const lossesCursor = chart(document.getElementById("chart-losses"),
    "Cumulative losses: killed + wounded + missing (dashed: killed)", "men (cumulative)",
    SIDES.flatMap((s) => {
      const t = TL.sides[s];
      return [{ values: t.killed.map((k, i) => k + t.wounded[i] + t.missing[i]), colour: COLOUR[s] },
        { values: t.killed, colour: COLOUR[s], dash: "4 3" }];
    }), true);
  const freightSvg = document.getElementById("chart-freight");
  const freightCursor = freightSvg
    ? chart(freightSvg, "Rail freight reaching " + (TL.freight_reference || "the front") + " (t/day)", "tonnes a day",
      [{ values: TL.freight_east_t, colour: "#555" }], true)
    : () => {};

  // ---- ensemble distributions, with an article's claims marked ----
  function distribution(parent, side, cat, q, claim) {
    const svg = el("svg", { class: "chart", viewBox: "0 0 520 150" }, parent);
    const w = 520, m = { l: 75, r: 75 };
    const vals = (q.samples || []).concat([q.p10, q.p90]);
    let lo = Math.min(...vals), hi = Math.max(...vals);
    if (claim) { lo = Math.min(lo, claim.claimed); hi = Math.max(hi, claim.claimed); }
    const span = hi - lo || 1;
    lo -= span * 0.05; hi += span * 0.05;
    const x = (v) => m.l + ((v - lo) / (hi - lo)) * (w - m.l - m.r);
    el("text", { x: m.l, y: 14, "font-weight": 600 }, svg, `${sideName(side)}: ${cat}`);
    // the 10-90 % band of the runs, shaded behind the histogram (or alone, without samples)
    const band = el("rect", { x: x(q.p10), y: 25, width: Math.max(1, x(q.p90) - x(q.p10)), height: 85, fill: COLOUR[side],
      opacity: q.samples && q.samples.length ? 0.15 : 0.35, class: "band" }, svg);
    el("title", {}, band, `10–90 % of runs: ${fmt(q.p10)}–${fmt(q.p90)} men`);
    if (q.samples && q.samples.length) {
      const bins = 24, counts = new Array(bins).fill(0);
      const a = Math.min(...q.samples), b = Math.max(...q.samples), width = (b - a) / bins || 1;
      for (const v of q.samples) counts[Math.min(bins - 1, Math.floor((v - a) / width))]++;
      const top = Math.max(...counts);
      counts.forEach((c, i) => {
        const x0 = x(a + i * width), x1 = x(a + (i + 1) * width), bh = (c / top) * 80;
        el("rect", { x: x0, y: 110 - bh, width: Math.max(1, x1 - x0 - 1), height: bh, fill: COLOUR[side], opacity: 0.6 }, svg);
      });
    }
    el("line", { x1: x(q.p50), x2: x(q.p50), y1: 25, y2: 110, stroke: "#222", "stroke-width": 1.5 }, svg);
    el("text", { x: x(q.p50) + 3, y: 36 }, svg, "median " + fmt(q.p50));
    el("line", { x1: m.l, x2: w - m.r, y1: 110, y2: 110, stroke: "#999" }, svg);
    el("line", { x1: x(q.p10), x2: x(q.p10), y1: 110, y2: 116, stroke: "#555" }, svg);
    el("line", { x1: x(q.p90), x2: x(q.p90), y1: 110, y2: 116, stroke: "#555" }, svg);
    el("text", { x: x(q.p10), y: 128, "text-anchor": "end" }, svg, "p10 " + fmt(q.p10));
    el("text", { x: x(q.p90), y: 128 }, svg, "p90 " + fmt(q.p90));
    el("text", { x: w - m.r + 4, y: 114, class: "axis-label" }, svg, "men");
    if (claim) {
      const cx = x(claim.claimed), right = cx > w / 2;
      el("line", { x1: cx, x2: cx, y1: 20, y2: 112, stroke: "#d7301f", "stroke-width": 2.5,
        class: claim.plausible === false ? "claim implausible" : "claim", "stroke-dasharray": claim.plausible === false ? "" : "4 3" }, svg);
      const pct = claim.percentile === null ? "" : ` (percentile ${claim.percentile.toFixed(1)})`;
      el("text", { x: right ? cx - 4 : cx + 4, y: 145, fill: "#d7301f", "text-anchor": right ? "end" : "start" },
        svg, "claimed " + fmt(claim.claimed) + pct);
    }
  }
  if (D.ensemble && D.ensemble.casualties) {
    const panel = document.getElementById("ensemble-panel"), box2 = document.getElementById("ensemble");
    panel.hidden = false;
    const note = document.createElement("p");
    note.textContent = `${fmt(D.ensemble.runs)} runs, root seed ${D.ensemble.seed}. Results: ` +
      Object.entries(D.ensemble.result_share || {}).map(([k, v]) => `${k} ${(100 * v).toFixed(0)} %`).join(", ");
    panel.insertBefore(note, box2);
    for (const [side, cats] of Object.entries(D.ensemble.casualties)) {
      for (const [cat, q] of Object.entries(cats)) {
        distribution(box2, side, cat, q, ((D.claims || {})[side] || {})[cat]);
      }
    }
  }

  // ---- the day slider and the play button ----
  const slider = document.getElementById("day"), dateOut = document.getElementById("date");
  const list = document.getElementById("events"), play = document.getElementById("play");
  const VERB = {
    naval_bombardment: "naval bombardment of", amphibious_landing: "landing at", air_raid: "air raid on",
    airborne_drop: "airborne drop at", ground_assault: "assault on", capture: "capture of",
    link_up: "link-up at", siege: "siege of",
  };
  slider.max = String(TL.dates.length - 1);

  function show(i) {
    const iso = TL.dates[i];
    dateOut.textContent = new Date(iso + "T00:00:00Z").toLocaleDateString("en-GB",
      { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    dateOut.setAttribute("data-date", iso);
    for (const [name, seq] of Object.entries(TL.control)) {
      if (!marks[name]) continue;
      marks[name].setAttribute("fill", COLOUR[seq[i]] || "#888");
      marks[name].setAttribute("data-side", seq[i]);
    }
    day = i;
    drawDay(i);
    eventRing.replaceChildren();
    list.replaceChildren();
    for (const e of R.events.filter((ev) => ev.date === iso)) {
      const li = document.createElement("li");
      li.textContent = `${sideName(e.side)}: ${VERB[e.kind] || e.kind.replace(/_/g, " ")} ${e.place}` +
        (e.detail ? ` — ${e.detail}` : "");
      li.style.borderLeft = "4px solid " + (COLOUR[e.side] || "#888");
      li.style.paddingLeft = "6px";
      list.appendChild(li);
      const p = where[e.place];
      if (p) el("circle", { cx: px(p.lon), cy: py(p.lat), r: (9 / scale()).toFixed(2), fill: "none", stroke: COLOUR[e.side] || "#888", "stroke-width": 2, opacity: 0.8 }, eventRing);
    }
    if (!list.children.length) {
      const li = document.createElement("li");
      li.textContent = "No events on this day.";
      list.appendChild(li);
    }
    strengthCursor(i);
    lossesCursor(i);
    freightCursor(i);
  }
  slider.addEventListener("input", () => show(+slider.value));
  let timer = null;
  play.addEventListener("click", () => {
    if (timer) { clearInterval(timer); timer = null; play.textContent = "Play"; return; }
    if (+slider.value >= TL.dates.length - 1) slider.value = "0";
    play.textContent = "Pause";
    timer = setInterval(() => {
      const next = +slider.value + 1;
      if (next > TL.dates.length - 1) { clearInterval(timer); timer = null; play.textContent = "Play"; return; }
      slider.value = String(next);
      show(next);
    }, 700);
  });
  show(0);
  if (fighting.size) fitTo([...fighting]); else setView(full);
  window.addEventListener("resize", restyle);
})();
