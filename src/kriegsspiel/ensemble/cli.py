"""The `ensemble`, `sensitivity` and `explain` commands; ``register(app)`` adds them to the `kriegsspiel` Typer app.

Heavy imports (engine, pyarrow, duckdb, Dask, SALib) happen inside the commands, so ``--help`` stays fast.
``python -m kriegsspiel.ensemble.cli`` runs the two commands on their own.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..cliutil import TextJson, fail, parse_ranges, parse_sets, read_article, run_app, write_out


class Backend(str, Enum):
    local = "local"
    dask = "dask"


Fmt = TextJson


class ExplainFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"


class Method(str, Enum):
    morris = "morris"
    sobol = "sobol"


_fail = fail


def _stop(bar) -> None:
    if bar is not None:
        bar.stop()


def _json_out(fmt, data: dict) -> bool:
    """Write `data` as JSON when the format asks for it; True if written."""
    if fmt is Fmt.json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return True
    return False


def _problems(exc: Exception) -> list:
    """The error lines of an exception the commands end on: a scenario's problems, a file's, or the message."""
    from ..scenario.errors import ScenarioError

    if isinstance(exc, ScenarioError):
        return exc.problems
    if isinstance(exc, OSError) and exc.filename:
        return [f"{exc.filename}: {exc.strerror}"]
    return [str(exc)]


def progress_columns(unit: str) -> tuple:
    """The columns of the progress bar: description, bar, done/total, rate, then "H:MM:SS elapsed, H:MM:SS left"."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} {unit}/s" if speed else f"- {unit}/s", style="progress.data.speed")

    return (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), Rate(),
            TimeElapsedColumn(), TextColumn("elapsed,"), TimeRemainingColumn(), TextColumn("left"))


def _progress(total: int, done: int, unit: str):
    """A rich progress bar on stderr with throughput and time left (a context manager and an advance fn)."""
    from rich.console import Console
    from rich.progress import Progress

    # reads "... 0:00:01 elapsed, 0:00:26 left"
    bar = Progress(*progress_columns(unit), console=Console(stderr=True), transient=False)
    task = bar.add_task(unit, total=total, completed=done)
    return bar, (lambda n: bar.advance(task, n))


class _Ticker:
    """A progress callback (k done of total) that starts its bar on the first call."""

    def __init__(self, unit: str):
        self.unit, self.bar, self.n = unit, None, 0

    def __call__(self, k: int, total: int) -> None:
        if self.bar is None:
            self.bar, self.advance = _progress(total, 0, self.unit)
            self.bar.start()
        self.advance(k - self.n)
        self.n = k

    def stop(self) -> None:
        _stop(self.bar)


def _on_backend(backend, scheduler, workers, tick, fn, *args, **kwargs):
    """fn(*args, **kwargs, progress=tick) here, or with client= a Dask client (local cluster or `scheduler`)."""
    if backend is Backend.dask:
        from .backends import dask_client

        with dask_client(scheduler, workers) as client:
            return fn(*args, **kwargs, progress=tick, client=client)
    return fn(*args, **kwargs, progress=tick)


def _print_summary(s: dict, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    t = Table(title=f"{s['scenario']}: {s['runs']:,} runs, seed {s['seed']}")
    t.add_column("result")
    t.add_column("share", justify="right")
    for lab, v in s["result_share"].items():
        t.add_row(lab, f"{v:.1%}")
    con.print(t)
    t = Table(title="casualties per side (men): p10 / p50 / p90")
    for col in ("side", "killed", "wounded", "missing", "total"):
        t.add_column(col, justify="left" if col == "side" else "right")
    for side, d in s["casualties"].items():
        t.add_row(side, *(" / ".join(f"{d[k][q]:,.0f}" for q in ("p10", "p50", "p90")) if d[k] else "-"
                          for k in ("killed", "wounded", "missing", "total")))
    con.print(t)
    if s["places"]:
        sides = list(next(iter(s["places"].values()))["control"])
        t = Table(title="key places at the end")
        for col in ("place", *[f"held by {x}" for x in sides], "fell in", "fell (p10 / p50 / p90)"):
            t.add_column(col, justify="left" if col == "place" else "right")
        for p, d in s["places"].items():
            fd = d["fell_date"]
            t.add_row(p, *(f"{d['control'][x]:.1%}" for x in sides), f"{d['fell_share']:.1%}",
                      " / ".join(fd[q] for q in ("p10", "p50", "p90")) if fd else "-")
        con.print(t)
    if s.get("freight_total_t"):
        f = s["freight_total_t"]
        con.print(f"freight delivered (t, p10 / p50 / p90): {f['p10']:,.0f} / {f['p50']:,.0f} / {f['p90']:,.0f}")
    con.print(f"runs stored in {out}/ (Parquet under parts/, DuckDB table `runs` in {out / 'results.duckdb'})")


def ensemble(
    scenario: Optional[str] = typer.Argument(None, help="bundled scenario name or path (default: operation-otsu)"),
    runs: int = typer.Option(1000, "--runs", "-n", min=1, max=10_000_000,
                             help="number of campaigns N (runs 0..N-1; at most 10,000,000)"),
    seed: int = typer.Option(0, "--seed", "-s", min=0, max=2**128 - 1, help="root random seed (a non-negative integer)"),
    out: Optional[Path] = typer.Option(None, "--out", "-o",
                                       help="results directory (default ./ensemble-SCENARIO-seedS); rerun to resume"),
    batch_size: int = typer.Option(500, "--batch-size", "-b", min=1, help="campaigns simulated together"),
    backend: Backend = typer.Option(Backend.local, "--backend", help="local: this process; dask: a Dask cluster"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler",
                                            help="Dask scheduler address (default: start a local cluster)"),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="worker processes of the local Dask cluster"),
    fmt: Fmt = typer.Option(Fmt.text, "--format", "-f", help="text tables or the JSON summary"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="show the progress bar (stderr)"),
    sets: list[str] = typer.Option([], "--set", help="ID=VALUE: give the scenario's assumption ID this value "
                                   "(its `applies_to` inputs follow; inside its range); repeatable"),
) -> None:
    """Run N campaigns and store one row per run in Parquet (resumable); print the odds and loss ranges."""
    from ..results.store import StoreMismatch
    from ..scenario.bundled import resolve
    from ..scenario.errors import ScenarioError
    from .api import ResultStore, run_ensemble

    if out is None:
        out = Path(f"ensemble-{Path(resolve(scenario)).stem}-seed{seed}")
    bar = None

    def tick(stored: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar, state["advance"] = _progress(total, stored, "runs")
            state["at"] = stored
            bar.start()
        state["advance"](stored - state["at"])
        state["at"] = stored

    state: dict = {}
    try:
        result = run_ensemble(scenario, runs, seed, out, batch_size=batch_size, backend=backend.value,
                              scheduler=scheduler, workers=workers, progress=tick if progress else None,
                              settings=parse_sets(sets))
    except (StoreMismatch, ScenarioError, OSError, KeyError) as exc:
        _fail(_problems(exc))
    except KeyboardInterrupt:
        if bar is not None:
            bar.stop()
            bar = None
        stored = len(ResultStore.open(out).done_runs()) if (out / "manifest.json").exists() else 0
        typer.echo(f"interrupted: {stored:,} of {runs:,} runs are stored in {out}; "
                   "run the same command again to finish the rest.", err=True)
        raise typer.Exit(130)
    finally:
        _stop(bar)
    summary = result.summary()
    if not _json_out(fmt, summary):
        _print_summary(summary, out)


def sensitivity(
    scenario: Optional[str] = typer.Argument(None, help="bundled scenario name or path (default: operation-otsu)"),
    runs_per_point: int = typer.Option(100, "--runs-per-point", "-n", min=1, help="campaigns at each design point"),
    method: Method = typer.Option(Method.morris, "--method", "-m", help="morris screening (fast) or sobol indices"),
    seed: int = typer.Option(0, "--seed", "-s", min=0, max=2**128 - 1, help="root seed (the same runs at every point)"),
    trajectories: int = typer.Option(10, "--trajectories", help="Morris trajectories r: r (k + 1) points"),
    base_samples: int = typer.Option(32, "--samples", help="Sobol base samples N (a power of 2): N (k + 2) points"),
    backend: Backend = typer.Option(Backend.local, "--backend", help="local: this process; dask: a Dask cluster"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address"),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="worker processes of the local Dask cluster"),
    fmt: Fmt = typer.Option(Fmt.text, "--format", "-f", help="a ranked table or JSON"),
) -> None:
    """Rank the scenario's uncertain assumptions by their influence on the outcome (with 95 % intervals)."""
    from ..scenario.errors import ScenarioError
    from .sensitivity import OUTPUTS, analyse

    tick = _Ticker("points")
    try:
        res = _on_backend(backend, scheduler, workers, tick, analyse, scenario, method.value, runs_per_point, seed,
                          trajectories=trajectories, base_samples=base_samples)
    except (ScenarioError, OSError, ValueError) as exc:
        _fail(_problems(exc))
    finally:
        tick.stop()
    d = res.to_dict()
    if _json_out(fmt, d):
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    con = Console()
    index = "mu*" if res.method == "morris" else "ST"
    t = Table(title=f"{res.scenario}: {res.method}, {res.points} points x {res.runs_per_point} runs, seed {res.seed}",
              caption=f"{index} with 95% interval; win share = share of {', '.join(res.attacker_labels) or res.attacker}"
                      + (" (per full range of the assumption)" if res.method == "morris" else " (share of variance)"))
    for col in ("rank", "assumption", "range", f"win share {index}", f"casualties {index}", "moves most",
                "applies to"):
        t.add_column(col, justify="right" if col in ("rank",) or index in col else "left")
    for i, f in enumerate(res.factors, 1):
        w, c = f[OUTPUTS[0]], f[OUTPUTS[1]]
        def fmt_w(x):
            return f"{x:.3f}"

        def fmt_c(x):
            return f"{x:,.0f}" if res.method == "morris" else f"{x:.3f}"
        # of the shares it can move (a result label, a place's fall), the one it moves most
        shares = [(f[o]["index"], o) for o in res.outputs if o.startswith(("result: ", "fell: "))]
        top = max(shares) if shares else (0.0, "")
        t.add_row(str(i), escape(f["id"]), f"{f['range'][0]:g} - {f['range'][1]:g}",
                  f"{fmt_w(w['index'])} ± {fmt_w(w['conf'])}", f"{fmt_c(c['index'])} ± {fmt_c(c['conf'])}",
                  escape(f"{top[1]} ({top[0]:.3f})") if top[0] > 0 else "-", escape(", ".join(f["applies_to"])))
    con.print(t)
    b = res.baseline
    con.print(f"baseline ({res.runs_per_point} runs): {res.attacker} win share {b['attacker_win_share']:.1%}, "
              f"mean casualties {b['casualties_total']:,.0f}")
    r = res.refused or {}
    if r.get("groups"):
        con.print(escape(f"left out: {r['groups']} {r['unit']} with {r['points']} points the schema refuses "
                         f"({r['kept']} of the {r['asked']} asked for kept, {r['draws']} draws of the design): "
                         + "; ".join(f"{why} ({n} points)" for why, n in r["reasons"].items())))
    if res.not_varied:
        con.print(f"not varied (a range but no applies_to, or a value that is no number): {', '.join(res.not_varied)}")
    if not res.factors:
        con.print("no assumption has both a range and applies_to: nothing to vary.")


def explain(
    article: Path = typer.Argument(..., help="an article: plain text like the seed, or wikitext with an infobox"),
    scenario: Optional[str] = typer.Option(None, "--scenario", help="the matching scenario (default: operation-otsu)"),
    budget: int = typer.Option(600, "--budget", min=20, max=100_000,
                               help="simulated worlds in all, each --runs-per-world campaigns (Operation Otsu: "
                                    "600 worlds of 16 take about 7 minutes on one core of a 2-core machine)"),
    runs_per_world: int = typer.Option(16, "--runs-per-world", min=4, max=10_000, help="campaigns per world"),
    seed: int = typer.Option(0, "--seed", "-s", min=0, max=2**128 - 1, help="root seed (the same runs in every world)"),
    ranges: list[str] = typer.Option([], "--range", help="ID=LOW:HIGH: search assumption ID over this wider "
                                     "'world' range instead of the scenario's; repeatable"),
    backend: Backend = typer.Option(Backend.local, "--backend", help="local: this process; dask: a Dask cluster"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address"),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="worker processes of the local Dask cluster"),
    fmt: ExplainFormat = typer.Option(ExplainFormat.text, "--format", "-f", help="text, JSON, or an HTML page"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="write here instead of standard output"),
) -> None:
    """What would have to be true for the article to happen? Searches the scenario's uncertain assumptions
    (ABC-SMC) for the worlds under which the article's result and losses become likely."""
    from ..scenario.errors import ScenarioError
    from .explain import explain as run_explain

    text = read_article(article)
    tick = _Ticker("worlds")
    try:
        res = _on_backend(backend, scheduler, workers, tick, run_explain, text, scenario, budget=budget,
                          runs_per_world=runs_per_world, seed=seed, ranges=parse_ranges(ranges))
    except (ScenarioError, OSError, ValueError, KeyError, RuntimeError) as exc:
        _fail(_problems(exc))
    finally:
        tick.stop()
    if fmt is ExplainFormat.json:
        write_out(json.dumps(res, indent=2, ensure_ascii=False), out)
    elif fmt is ExplainFormat.html:
        from ..report.explain_html import render

        write_out(render(res), out)
    else:
        from ..report.explain_html import render_text

        write_out(render_text(res), out)


def register(app: typer.Typer) -> None:
    """Add the `ensemble` and `sensitivity` commands to `app`."""
    app.command("ensemble")(ensemble)
    app.command("sensitivity")(sensitivity)
    app.command("explain")(explain)


def main() -> None:
    app = typer.Typer(add_completion=False, help="kriegsspiel ensembles and sensitivity analysis")
    register(app)
    run_app(app)


if __name__ == "__main__":
    main()
