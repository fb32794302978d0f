"""Pieces shared by the command-line modules (kept apart from cli.py so that sub-command modules can import
them without importing the whole command set)."""

from __future__ import annotations

import sys
from enum import Enum

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


def run_app(app: typer.Typer) -> None:
    """Run a typer app; Ctrl-C ends with status 130 and one line, not a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
