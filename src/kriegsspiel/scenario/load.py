"""Load a scenario file: safe YAML with line numbers, schema validation, cross-reference checks.

Nothing in a scenario is executed: YAML is read with ``yaml.SafeLoader`` (no Python tags), the result is
validated by the pydantic schema, and the data files it names are read as CSV. Every problem is collected
and raised at once as a :class:`ScenarioError`.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from .errors import Problem, ScenarioError, short
from .schema import Place, PlacesFile, Scenario

MAX_BYTES = 5_000_000
# YAML aliases repeat a node without copying it; expanded, a few kilobytes of nested aliases become billions of
# nodes ("billion laughs"). A scenario may use aliases, but its expanded tree may hold at most this many nodes
# (Otsu, the largest bundled scenario, has about 6,700).
MAX_NODES = 1_000_000


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with the places it names resolved and the lines of its fields."""

    scenario: Scenario
    path: Path
    sha256: str
    places: list[Place]
    rail_rows: list[dict] = field(default_factory=list)
    lines: dict[tuple, int] = field(default_factory=dict)

    def line(self, *path: object) -> int | None:
        return _nearest_line(self.lines, tuple(path))


def _line_map(node: yaml.Node, path: tuple = (), out: dict | None = None, dupes: list | None = None) -> dict:
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if dupes is not None and key in seen:
                dupes.append((path + (key,), key_node.start_mark.line + 1))
            seen.add(key)
            _line_map(value_node, path + (key,), out, dupes)
            out[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (i,), out, dupes)
    return out


def _nearest_line(lines: dict[tuple, int], path: tuple) -> int | None:
    path = tuple(str(p) if not isinstance(p, int) else p for p in path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def _expanded_nodes(node: yaml.Node, limit: int) -> int:
    """Nodes in the tree `node` stands for once its aliases are expanded (a shared node counts each time it is
    used), counted without expanding; stops early past `limit`."""
    memo: dict[int, int] = {}
    # post-order over the node graph (a graph, not a tree, with aliases; a YAML alias cannot point at an ancestor)
    stack = [(node, False)]
    while stack:
        n, done = stack.pop()
        if id(n) in memo:
            continue
        kids = ([x for kv in n.value for x in kv] if isinstance(n, yaml.MappingNode)
                else list(n.value) if isinstance(n, yaml.SequenceNode) else [])
        if done:
            memo[id(n)] = min(limit + 1, 1 + sum(memo[id(k)] for k in kids))
        else:
            stack.append((n, True))
            stack.extend((k, False) for k in kids if id(k) not in memo)
    return memo[id(node)]


def _fmt_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # data only: no tags that construct objects


def read_limited(path: Path, limit: int, name: str, what: str, field: str = "", line: int | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else (missing, unreadable, a directory, a FIFO
    or device that would block or never end, too large) is a ScenarioError naming `name`, `line` and `field`. The
    size is checked before reading, and no more than `limit` + 1 bytes are ever read."""
    try:
        if not path.is_file():
            raise ScenarioError([Problem(name, line, field, short(str(path)), f"{what} (a regular file)")])
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise ScenarioError([Problem(name, line, field, short(str(path)), f"{what} ({exc.strerror})")])
    if len(raw) > limit:
        raise ScenarioError([Problem(name, line, field, f"more than {limit} bytes", f"a file of at most {limit} bytes")])
    return raw


def _read_yaml(path: Path) -> tuple[object, dict]:
    name = str(path)
    raw = read_limited(path, MAX_BYTES, name, "a readable scenario file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(name, None, "", f"byte {exc.start}", "UTF-8 text")])
    try:
        # compose once (libyaml when available), keep the node for line numbers, construct data from it
        loader = _SafeLoader(text)
        try:
            node = loader.get_single_node()
            n = _expanded_nodes(node, MAX_NODES) if node is not None else 0
            if n > MAX_NODES:
                raise ScenarioError([Problem(name, None, "", f"more than {MAX_NODES:,} nodes once its aliases are expanded",
                                             f"a scenario of at most {MAX_NODES:,} YAML nodes (aliases counted each "
                                             "time they are used)")])
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError([Problem(name, line, "", short(what), "well-formed YAML")])
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise ScenarioError([Problem(name, None, "", short(str(exc)), "well-formed YAML")])
    if not isinstance(data, dict) or node is None:
        raise ScenarioError([Problem(name, 1, "", short(type(data).__name__), "a mapping of scenario fields")])
    dupes: list = []
    lines = _line_map(node, (), {}, dupes)
    if dupes:
        raise ScenarioError(
            [Problem(name, line, _fmt_path(p), short(p[-1]), "each key once per mapping") for p, line in dupes]
        )
    return data, lines


def _validate(data: dict, name: str, lines: dict) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS))
            kind = err["type"]
            if kind == "extra_forbidden":
                expected = "no such field (misspelt or unknown)"
                if err.get("input") is None:
                    # `{name: Group A, B, type: x}` reads `B` as a field: a comma ends a value in a {...} mapping
                    expected += "; if it is the rest of a value with a comma, put that value in quotes"
            elif kind == "missing":
                expected = "this required field"
            else:
                expected = err["msg"]
            value = err.get("input", "")
            problems.append(
                Problem(name, _nearest_line(lines, loc), _fmt_path(loc), short(value) if kind != "missing" else "nothing", expected)
            )
        raise ScenarioError(_dedupe(problems)) from None


_UNION_TAGS = {"list[Place]", "PlacesFile", "function-after[_sourced(), Assumption]"}


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.line, p.path, p.expected)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _resolve_data_file(base: Path, rel: str, name: str, line: int | None, path: str, theatre: str | None = None) -> Path:
    """The CSV `rel` beside the scenario, else (with `theatre`) the file of that name in the bundled theatre."""
    from .bundled import theatre_dir

    target = (base / rel).resolve()
    if target.suffix.lower() == ".csv" and target.is_file():
        return target
    bundled = theatre_dir(theatre) if theatre else None
    if bundled is not None and (bundled / Path(rel).name).is_file() and Path(rel).suffix.lower() == ".csv":
        return bundled / Path(rel).name
    where = f"relative to the scenario or in the bundled theatre {theatre}" if theatre else "relative to the scenario"
    raise ScenarioError([Problem(name, line, path, short(rel), f"an existing .csv file, {where}")])


def _read_csv(path: Path) -> list[tuple[int, dict]]:
    raw = read_limited(path, MAX_BYTES, str(path), "a readable CSV file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(str(path), None, "", f"byte {exc.start}", "UTF-8 text")])
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        return [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise ScenarioError([Problem(str(path), None, "", short(str(exc)), "well-formed CSV")])


def _places_from_csv(path: Path) -> tuple[list[Place], list[Problem]]:
    places, problems = [], []
    for line, row in _read_csv(path):
        try:
            places.append(
                Place(
                    name=row["name"].strip(),
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    kind=row.get("kind") or "",
                    terrain=(row.get("terrain") or "flat_mixed").strip() or "flat_mixed",
                    country=row.get("country_1944") or row.get("country"),
                )
            )
        except (KeyError, ValueError, TypeError, ValidationError) as exc:
            problems.append(Problem(str(path), line, "places", short(row.get("name")), f"a place row with name, lat, lon ({exc})"))
    return places, problems


def _inputs_sha256(inputs: list[tuple[str, Path]]) -> str:
    """sha256 over the contents of the files a scenario reads (the YAML, its places and rail CSVs), each tagged
    with its role: an edit to any of them makes another scenario (a resumed ensemble refuses to mix them). The
    files' locations do not enter: a copied scenario is the same scenario."""
    h = hashlib.sha256()
    for role, p in inputs:
        data = Path(p).read_bytes()
        h.update(f"{role}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read, validate and cross-check a scenario file; raise :class:`ScenarioError` listing every problem."""
    from .checks import check_references

    path = Path(path)
    name = str(path)
    data, lines = _read_yaml(path)
    scenario = _validate(data, name, lines)
    problems: list[Problem] = []
    if scenario.theatre is not None:
        from .bundled import theatre_dir, theatres

        if theatre_dir(scenario.theatre) is None:
            raise ScenarioError([Problem(name, _nearest_line(lines, ("theatre",)), "theatre", short(scenario.theatre),
                                         f"a bundled theatre, one of {theatres()}")])
    inputs = [("scenario", path)]        # every file the scenario reads, hashed together (LoadedScenario.sha256)
    if isinstance(scenario.places, PlacesFile):
        csv_path = _resolve_data_file(path.parent, scenario.places.file, name, _nearest_line(lines, ("places", "file")),
                                      "places.file", scenario.theatre)
        places, csv_problems = _places_from_csv(csv_path)
        inputs.append(("places", csv_path))
        problems += csv_problems
    else:
        places = list(scenario.places)
    places += list(scenario.extra_places)
    by_name = {pl.name: i for i, pl in enumerate(places)}
    for pname, props in scenario.place_properties.items():
        if pname not in by_name:
            problems.append(Problem(name, _nearest_line(lines, ("place_properties", pname)), f"place_properties.{pname}",
                                    short(pname), "the name of a place of the scenario"))
            continue
        i = by_name[pname]
        places[i] = places[i].model_copy(update={k: v for k, v in props.model_dump().items() if v is not None})
    rail_rows: list[dict] = []
    if scenario.network.rail is not None:
        rail_path = _resolve_data_file(
            path.parent, scenario.network.rail.file, name, _nearest_line(lines, ("network", "rail", "file")), "network.rail.file",
            scenario.theatre
        )
        rail_rows = [dict(row, _line=line, _file=str(rail_path)) for line, row in _read_csv(rail_path)]
        inputs.append(("rail", rail_path))
    loaded = LoadedScenario(
        scenario=scenario,
        path=path,
        sha256=_inputs_sha256(inputs),
        places=places,
        rail_rows=rail_rows,
        lines=lines,
    )
    problems += check_references(loaded)
    if problems:
        raise ScenarioError(problems)
    return loaded
