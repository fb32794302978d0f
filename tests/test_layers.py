"""The package's layers: no import runs back up. Each rule names a package and the packages it must not import
(directly, at module level or inside a function): results and reports read stored runs, they do not run
ensembles; the scenario layer knows nothing of the engine that runs it; the world (geography) knows nothing of
scenarios; the pure models know neither. Read from the source with `ast`, so a lazy import counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "kriegsspiel"

FORBIDDEN = {
    "results": ("ensemble", "report", "validation", "cli"),
    "report": ("ensemble", "validation", "cli"),
    "scenario": ("engine", "ensemble", "report", "results", "validation", "cli"),
    "world": ("scenario", "engine", "ensemble", "report", "results", "validation", "cli"),
    "models": ("scenario", "engine", "ensemble", "report", "results", "validation", "cli"),
    "engine": ("ensemble", "report", "validation", "cli"),
}


def _imports(path: Path, src: Path = SRC) -> set[str]:
    """The first-level subpackages of kriegsspiel that the module at `path` (in the package at `src`) imports."""
    rel = path.relative_to(src.parent).with_suffix("").parts
    package = list(rel if path.name == "__init__.py" else rel[:-1])
    if package and package[-1] == "__init__":
        package = package[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module else [])]
            else:
                target = (node.module or "").split(".")
            names = [target] if node.module or not node.level else [[*target, a.name] for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".") for a in node.names]
        else:
            continue
        for t in names:
            if len(t) >= 2 and t[0] == "kriegsspiel":
                out.add(t[1])
    return out


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_import_runs_back_up(layer):
    bad = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for target in _imports(path) & set(FORBIDDEN[layer]):
            bad.append(f"{path.relative_to(SRC)} imports kriegsspiel.{target}")
    assert not bad, "\n".join(bad)


def test_the_rule_reader_sees_relative_and_lazy_imports(tmp_path):
    # the checker itself, on a made-up package: a relative import inside a function, an absolute one, and
    # `from .. import name` are all found; a standard-library import is not
    pkg = tmp_path / "kriegsspiel" / "report"
    pkg.mkdir(parents=True)
    mod = pkg / "x.py"
    mod.write_text("import os\nfrom kriegsspiel.results import store\nfrom .. import api\n\n"
                   "def f():\n    from ..ensemble.api import open_results\n    return open_results\n")
    assert _imports(mod, tmp_path / "kriegsspiel") == {"results", "api", "ensemble"}
