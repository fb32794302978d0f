"""The `kriegsspiel` command: a thin layer over the public API (heavy imports happen inside the commands)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=False, help=(
    "Theatre-level campaign simulator for what-if operations of the Second World War.\n\n"
    "With no command, runs the bundled Operation Otsu scenario once (seed 0)."))


class RunFormat(str, Enum):
    text = "text"
    json = "json"
    wikitext = "wikitext"
    markdown = "markdown"


class TextJson(str, Enum):
    text = "text"
    json = "json"


def _fail(problems) -> None:
    for p in problems:
        typer.echo(f"error: {p}", err=True)
    raise typer.Exit(2)


def _guard(fn, *args, **kwargs):
    """Call fn; a bad scenario or input ends in its problems on stderr and exit status 2, never a traceback."""
    from .scenario.errors import ScenarioError

    try:
        return fn(*args, **kwargs)
    except ScenarioError as exc:
        _fail(exc.problems)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        _fail([f"{exc.filename}: {exc.strerror}"])


def _write(text: str, out: Optional[Path]) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


@app.callback(invoke_without_command=True)
def _default(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        run(scenario=None, seed=0, fmt=RunFormat.text, out=None)


@app.command()
def run(
    scenario: Optional[str] = typer.Argument(None, help="bundled scenario name or path (default: operation-otsu)"),
    seed: int = typer.Option(0, "--seed", "-s", help="root random seed"),
    fmt: RunFormat = typer.Option(RunFormat.text, "--format", "-f", help="output format"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write to this file instead of stdout"),
) -> None:
    """Run one campaign and print its infobox and chronology (or JSON, wikitext, Markdown)."""
    from . import api
    from .report import render

    result = _guard(api.run, scenario, seed=seed).to_dict()
    _write(render(result, fmt.value), out)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editors and validators)."""
    from .scenario.schema import Scenario

    typer.echo(json.dumps(Scenario.model_json_schema(by_alias=True), indent=2))


@app.command()
def scenarios() -> None:
    """List the bundled scenarios."""
    from rich.console import Console
    from rich.table import Table

    from .scenario.bundled import list_scenarios

    table = Table("name", "title", "dates")
    for s in list_scenarios():
        table.add_row(s["name"], s["title"], f"{s['start']} - {s['end']}")
    Console().print(table)


@app.command()
def validate(
    fmt: TextJson = typer.Option(TextJson.text, "--format", "-f"),
    quick: bool = typer.Option(False, "--quick", help="fewer runs of the theatre scenarios (for CI)"),
    docs: Optional[Path] = typer.Option(None, "--write-docs", help="write the validation page (e.g. docs/validation.md)"),
) -> None:
    """Calibration and back-testing: CDB90 held-out accuracy beside the baselines, and the theatre's battles."""
    from .validation.report import public, render_text, validate as run_validation, write_docs

    result = run_validation(quick=quick)
    if docs is not None:
        write_docs(result, docs)
    typer.echo(json.dumps(public(result), indent=2) if fmt is TextJson.json else render_text(result))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
