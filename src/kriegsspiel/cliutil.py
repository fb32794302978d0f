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


def run_app(app: typer.Typer) -> None:
    """Run a typer app; Ctrl-C ends with status 130 and one line, not a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
