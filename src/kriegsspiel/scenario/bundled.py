"""The scenarios that ship with kriegsspiel (data/scenarios/*.yaml)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

DEFAULT = "operation-otsu"


def scenario_dir() -> Path:
    return Path(str(resources.files("kriegsspiel.data").joinpath("scenarios")))


def _theatre_root() -> Path:
    return Path(str(resources.files("kriegsspiel.data").joinpath("theatres")))


def theatres() -> list[str]:
    """The bundled theatres' names (data/theatres/NAME)."""
    return sorted(p.name for p in _theatre_root().iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def theatre_dir(name: str) -> Path | None:
    """The folder of the bundled theatre `name`, or None if there is none by that name."""
    return _theatre_root() / name if name in theatres() else None


def list_scenarios() -> list[dict]:
    out = []
    for path in sorted(scenario_dir().glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            head = yaml.safe_load(fh) or {}
        out.append({"name": path.stem, "title": head.get("title", ""), "start": str(head.get("start", "")),
                    "end": str(head.get("end", "")), "path": str(path)})
    return out


def resolve(name_or_path: str | Path | None) -> Path:
    """A bundled scenario's name (e.g. 'operation-otsu') or a path to a scenario file."""
    if name_or_path is None:
        name_or_path = DEFAULT
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p
    bundled = scenario_dir() / f"{name_or_path}.yaml"
    return bundled if bundled.exists() else p
