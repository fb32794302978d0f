"""Pieces shared by the command-line modules (kept apart from cli.py so that sub-command modules can import
them without importing the whole command set)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer


class TextJson(str, Enum):
    text = "text"
    json = "json"


def fail(problems) -> None:
    """Print each problem as an error line on stderr and exit with status 2."""
    for p in problems:
        typer.echo(f"error: {p}", err=True)
    raise typer.Exit(2)


def parse_sets(sets: list[str] | None) -> dict[str, float]:
    """`--set ID=VALUE` options as {id: value}, or exit 2 naming the malformed one."""
    out: dict[str, float] = {}
    for item in sets or []:
        key, eq, value = item.partition("=")
        try:
            v = float(value)
        except ValueError:
            v = float("nan")
        if not eq or not key.strip() or v != v or abs(v) == float("inf"):
            fail([f"--set {item}: expected ID=VALUE, a scenario assumption's id and a finite number"])
        out[key.strip()] = v
    return out


def parse_ranges(ranges: list[str] | None) -> dict[str, tuple[float, float]]:
    """`--range ID=LOW:HIGH` options as {id: (low, high)}, or exit 2 naming the malformed one."""
    out: dict[str, tuple[float, float]] = {}
    for item in ranges or []:
        key, eq, value = item.partition("=")
        lo, colon, hi = value.partition(":")
        try:
            a, b = float(lo), float(hi)
        except ValueError:
            a = b = float("nan")
        if not eq or not colon or not key.strip() or not (abs(a) < float("inf") and abs(b) < float("inf")) \
                or not a < b:
            fail([f"--range {item}: expected ID=LOW:HIGH, a scenario assumption's id and two finite numbers, "
                  "LOW < HIGH"])
        out[key.strip()] = (a, b)
    return out


def run_app(app: typer.Typer) -> None:
    """Run a typer app; Ctrl-C ends with status 130 and one line, not a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


MAX_ARTICLE_BYTES = 5_000_000     # an article of a few hundred pages; larger is not an article


def read_article(article: Path) -> str:
    """The text of an article file (a regular file of at most MAX_ARTICLE_BYTES; bad UTF-8 replaced), or exit 2."""
    from .scenario.errors import ScenarioError
    from .scenario.load import read_limited

    try:
        raw = read_limited(article, MAX_ARTICLE_BYTES, str(article), "a readable article file")
    except ScenarioError as exc:
        fail([str(p) for p in exc.problems])
    return raw.decode("utf-8", errors="replace")


def writing(path: Path, fn, *args, **kwargs):
    """Call fn, which writes to `path`; an unwritable path (a missing or read-only folder, a file where a folder
    should be) ends in one line on stderr and exit status 2."""
    try:
        return fn(*args, **kwargs)
    except OSError as exc:
        fail([f"{exc.filename or path}: cannot write here ({exc.strerror or exc})"])


def write_out(text: str, out: Optional[Path]) -> None:
    """Write `text` to `out` (or standard output); an unwritable path ends in one line and exit status 2."""
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    writing(out, out.write_text, text, encoding="utf-8")
    typer.echo(f"wrote {out}", err=True)
