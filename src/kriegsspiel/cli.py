"""The `kriegsspiel` command: a thin layer over the public API (heavy imports happen inside the commands)."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .cliutil import TextJson, fail, parse_sets, run_app
from .cliutil import read_article as _read_article
from .cliutil import write_out as _write
from .cliutil import writing as _writing

app = typer.Typer(add_completion=False, no_args_is_help=False, help=(
    "Theatre-level campaign simulator for what-if operations of the Second World War.\n\n"
    "With no command, runs the bundled Operation Otsu scenario once (seed 0)."))


class RunFormat(str, Enum):
    text = "text"
    json = "json"
    wikitext = "wikitext"
    markdown = "markdown"


_fail = fail


def _guard(fn, *args, **kwargs):
    """Call fn; a bad scenario or input ends in its problems on stderr and exit status 2, never a traceback."""
    from .scenario.errors import ScenarioError

    try:
        return fn(*args, **kwargs)
    except ScenarioError as exc:
        _fail(exc.problems)
    except (FileNotFoundError, IsADirectoryError, PermissionError, NotADirectoryError) as exc:
        _fail([f"{exc.filename}: {exc.strerror}"])
    except KeyError as exc:                # an unknown assumption or parameter name
        _fail([str(exc.args[0]) if exc.args else "unknown name"])


@app.callback(invoke_without_command=True)
def _default(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        run(scenario=None, seed=0, fmt=RunFormat.text, out=None, sets=[])


@app.command()
def run(
    scenario: Optional[str] = typer.Argument(None, help="bundled scenario name or path (default: operation-otsu)"),
    seed: int = typer.Option(0, "--seed", "-s", min=0, max=2**128 - 1, help="root random seed (a non-negative integer)"),
    fmt: RunFormat = typer.Option(RunFormat.text, "--format", "-f", help="output format"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write to this file instead of stdout"),
    sets: list[str] = typer.Option([], "--set", help="ID=VALUE: give the scenario's assumption ID this value (its "
                                   "`applies_to` inputs follow; inside its range); repeatable"),
) -> None:
    """Run one campaign and print its infobox and chronology (or JSON, wikitext, Markdown)."""
    from . import jit

    # one campaign in a process that then exits: the kernels run as Python, skipping numba's start (kriegsspiel.jit;
    # the same results bit for bit; KRIEGSSPIEL_JIT=1 keeps them compiled)
    jit.prefer_interpreted()
    from . import api
    from .report import render

    result = _guard(api.run, scenario, seed=seed, settings=parse_sets(sets)).to_dict()
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
def new(
    name: str = typer.Argument(..., help="the new scenario's name (letters, digits, - and _)"),
    source: str = typer.Option("operation-otsu", "--from", help="the scenario to copy: a bundled name or a path"),
    to: Path = typer.Option(Path("."), "--to", help="the folder to write NAME.yaml in"),
) -> None:
    """Write an editable copy of a scenario (its text, comments kept, renamed) that runs from wherever it is."""
    import re

    from .scenario.bundled import resolve
    from .scenario.load import load_scenario

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,80}", name):
        _fail([f"{name}: a scenario name of letters, digits, - and _ (at most 81 characters)"])
    src = resolve(source)
    loaded = _guard(load_scenario, src)
    out = to / f"{name}.yaml"
    if out.exists():
        _fail([f"{out}: exists already; choose another name or folder"])
    text = src.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^name:[^\n]*$", f"name: {name}", text, count=1)
    if not n:
        text = f"name: {name}\n" + text
    if loaded.scenario.theatre is None and (loaded.scenario.network.rail is not None
                                            or not isinstance(loaded.scenario.places, list)):
        typer.echo(f"note: {src.name} reads data files beside it and names no bundled theatre; copy them too", err=True)
    _writing(out, _write_new, to, out, text)
    typer.echo(f"wrote {out}: edit it, then `kriegsspiel run {out}`", err=True)


def _write_new(folder: Path, out: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")


@app.command()
def validate(
    scenarios: list[str] = typer.Argument(None, help="with --campaigns: scenarios with a `record` (default: the "
                                          "bundled campaigns)"),
    fmt: TextJson = typer.Option(TextJson.text, "--format", "-f"),
    quick: bool = typer.Option(False, "--quick", help="fewer runs of the theatre scenarios (for CI)"),
    campaigns: bool = typer.Option(False, "--campaigns", help="back-test whole campaigns against their records"),
    runs: int = typer.Option(200, "--runs", min=1, max=100000, help="runs per campaign (--campaigns)"),
    seed: int = typer.Option(19400510, "--seed", min=0, max=2**128 - 1, help="root seed (--campaigns)"),
) -> None:
    """Calibration and back-testing: CDB90 held-out accuracy beside the baselines, and the theatre's battles;
    with --campaigns, real campaigns of movement run against their record (winner, losses, captures and dates).

    `python -m kriegsspiel.validation.report --write` refits and regenerates docs/validation.md."""
    if campaigns:
        from .scenario.errors import ScenarioError
        from .validation.campaigns import render_text as render_campaigns
        from .validation.campaigns import validate_campaigns

        try:
            res = validate_campaigns(scenarios or None, runs=runs, seed=seed)
        except ScenarioError as exc:
            fail(exc.problems)
        typer.echo(json.dumps(res, indent=2) if fmt is TextJson.json else render_campaigns(res))
        return
    from .validation.report import public, render_text
    from .validation.report import validate as run_validation

    result = run_validation(quick=quick)
    typer.echo(json.dumps(public(result), indent=2) if fmt is TextJson.json else render_text(result))


@app.command()
def report(
    source: Path = typer.Argument(..., help="an ensemble directory (kriegsspiel ensemble --out) or a run's JSON file"),
    html: Optional[Path] = typer.Option(None, "--html", help="write the offline HTML report to this file"),
    plots: Optional[Path] = typer.Option(None, "--plots", help="write PNG and SVG figures into this directory"),
    fmt: Optional[RunFormat] = typer.Option(None, "--format", "-f", help="also print the article in this format"),
    article: Optional[Path] = typer.Option(
        None, "--article", help="mark this article's claimed figures on the distributions (default: the scenario's "
        "own `claims`, if it has any)"),
) -> None:
    """Reports from stored results: HTML with the map replay, figures, and the article."""
    from .report import render
    from .report.inputs import claims_check, load_report_inputs

    if not source.exists():
        _fail([f"{source}: no such ensemble directory or result file"])
    if article is not None and not article.is_file():
        _fail([f"{article}: no such article file"])
    try:
        result, ensemble = _guard(load_report_inputs, source)
    except typer.Exit:
        raise
    except Exception as exc:  # noqa: BLE001 - a file or folder that is not our results: say so, no traceback
        _fail([f"{source}: not a readable kriegsspiel result ({type(exc).__name__}: {str(exc).splitlines()[0]})"])
    checked = None
    if ensemble is not None:
        text = _read_article(article) if article is not None else None
        checked = _guard(claims_check, source, result, ensemble, text)
    if html is not None:
        from .report.html import render_html

        _writing(html, html.write_text, render_html(result, ensemble, check=checked), encoding="utf-8")
        typer.echo(f"wrote {html}", err=True)
    if plots is not None:
        from .report.plots import write_plots

        for path in _writing(plots, write_plots, result, plots, ensemble, check=checked):
            typer.echo(f"wrote {path}", err=True)
    if fmt is not None or (html is None and plots is None):
        _write(render(result, (fmt or RunFormat.markdown).value, ensemble), None)


@app.command()
def check(
    article: Path = typer.Argument(..., help="an article: plain text like the seed, or wikitext with an infobox"),
    scenario: Optional[str] = typer.Option(None, "--scenario", help="the matching scenario (default: operation-otsu)"),
    runs: int = typer.Option(300, "--runs", "-n", min=10, help="campaigns in the ensemble to compare with"),
    seed: int = typer.Option(0, "--seed", "-s", min=0, max=2**128 - 1, help="root random seed (a non-negative integer)"),
    results: Optional[Path] = typer.Option(None, "--results", help="reuse this ensemble directory instead of running"),
    fmt: TextJson = typer.Option(TextJson.text, "--format", "-f"),
) -> None:
    """Is an article's claimed outcome plausible? Each claim's percentile among simulated campaigns, and why."""
    from . import api
    from .ensemble.api import open_results, run_ensemble
    from .report.check import check_article
    from .report.inputs import check_context, ensemble_with_samples

    text = _read_article(article)
    stored = _guard(open_results, results) if results is not None else None
    # the forces of the check's context are those of the stored runs: their assumption settings (--set) included
    c = _guard(api.compile, scenario, settings=(stored.manifest.settings or None) if stored is not None else None)
    ens = stored if stored is not None else _guard(run_ensemble, c, runs=runs, seed=seed)
    verdict = check_article(text, ensemble_with_samples(ens), check_context(c))
    if fmt is TextJson.json:
        typer.echo(json.dumps(verdict, indent=2, ensure_ascii=False))
        return
    typer.echo(f"Verdict: {verdict['verdict']}")
    for claim in verdict["claims"]:
        pct = "" if claim.get("percentile") is None else f" (percentile {claim['percentile']:.1f})"
        mark = "plausible  " if claim["plausible"] else "IMPLAUSIBLE"
        typer.echo(f"  {mark} {claim['side']:>6} {claim['category']:<8} {claim['claimed']}{pct}: {claim['reason']}")


def _register_extensions() -> None:
    from .ensemble.cli import register

    register(app)


_register_extensions()


def main() -> None:
    run_app(app)


if __name__ == "__main__":
    main()
