"""The terminal view of one campaign: an infobox in the article's shape, then the dated chronology."""

from __future__ import annotations

# Event kinds left out of the chronology (they repeat daily); their figures are in the infobox and JSON.
QUIET = {"ground_assault"}


def _n(x) -> str:
    return f"{int(x):,}"


def render_text(result: dict, chronology_limit: int = 400) -> str:
    sides = result["sides"]
    keys = list(sides)
    lines = [result.get("title", result["scenario"]), "=" * len(result.get("title", result["scenario"]))]
    lines.append(f"Date        {result['start']} - {result['end']}")
    if result.get("place"):
        lines.append(f"Place       {result['place']}")
    lines.append(f"Result      {result['result']['label']}")
    lines.append("")
    longest = [len(sides[k]["name"]) for k in keys] + [len(c) for k in keys for c in sides[k]["commanders"]]
    width = min(52, max(24, max(longest) + 2))
    lines.append(" " * 14 + "".join(f"{sides[k]['name']:>{width}}" for k in keys))
    n_cmd = max(len(sides[k]["commanders"]) for k in keys)
    for i in range(n_cmd):
        cells = []
        for k in keys:
            cmd = sides[k]["commanders"]
            name = cmd[i] if i < len(cmd) else ""
            cells.append(f"{(name if len(name) <= width - 2 else name[: width - 5] + '...'):>{width}}")
        lines.append(f"{'Commanders' if i == 0 else '':<14}" + "".join(cells))
    for label, key in (("Strength", "strength"), ("Killed", "killed"), ("Wounded", "wounded"), ("Missing", "missing")):
        lines.append(f"{label:<14}" + "".join(f"{_n(sides[k][key]):>{width}}" for k in keys))
    if any("tanks_lost" in sides[k] for k in keys):
        lines.append(f"{'Tanks lost':<14}" + "".join(f"{_n(sides[k].get('tanks_lost', 0)):>{width}}" for k in keys))
    notes = [sides[k]["commander_notes"] for k in keys if sides[k].get("commander_notes")]
    for note in notes:
        lines.append(f"Note: {note}")
    lines.append("")
    key = _key_places(result)
    lines.append(f"Result: {result['result']['label']} ({result['result'].get('reason', '')})")
    for k in keys:
        held = sorted(p for p, s in result["control"].items() if s == k and p in key)
        lines.append(f"Held by {sides[k]['name']} at the end: {', '.join(held) or 'none of the contested places'}")
    lines.append("")
    lines.append("Chronology")
    lines.append("----------")
    shown = [e for e in result["events"] if e["kind"] not in QUIET]
    for e in shown[:chronology_limit]:
        lines.append(f"{e['date']}  {e['detail']}")
    if len(shown) > chronology_limit:
        lines.append(f"... {len(shown) - chronology_limit} more events (see --format json)")
    return "\n".join(lines) + "\n"


def _key_places(result: dict) -> set[str]:
    """Places that changed hands or were fought over, plus the places of the victory conditions."""
    return {e["place"] for e in result["events"]
            if e["kind"] in ("capture", "ground_assault", "encircled", "objective_reached")}
