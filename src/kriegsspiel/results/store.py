"""The results store of an ensemble: a directory of Parquet batch files, a manifest and a DuckDB file.

Layout of DIR::

    .lock                          held (an exclusive advisory lock) by the one process writing the ensemble
    manifest.json                  scenario, its sha256, seed, runs, package version, labels, sides
    parts/part-FIRST-LAST.parquet  the rows of one batch (runs FIRST..LAST, not necessarily contiguous)
    results.duckdb                 table `runs` (all rows, ordered by run), rebuilt when an ensemble completes

Each batch file is written to a temporary name and renamed into place, so a file under ``parts/`` is
always whole: an ensemble killed at any moment loses at most the batches in flight, and a rerun completes
only the runs no file holds. A store refuses to mix runs of another scenario, seed or package version.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

LOCK = ".lock"
MANIFEST = "manifest.json"
PARTS = "parts"
DUCKDB = "results.duckdb"
FORMAT = "kriegsspiel-ensemble/1"


class StoreMismatch(Exception):
    """The directory holds an ensemble of another scenario, seed, settings or version."""


@dataclass
class Manifest:
    scenario: str                  # scenario name
    scenario_path: str
    scenario_sha256: str
    seed: int
    runs: int                      # N: the ensemble is runs 0..N-1
    version: str                   # kriegsspiel version that wrote the rows
    labels: list[str]              # result labels, in the scenario's order
    sides: list[str]
    key_places: list[str]
    settings: dict[str, float] = field(default_factory=dict)   # assumption values of a sensitivity point
    engine_sha256: str = ""        # the model code and parameter tables that made the rows (engine_fingerprint)
    format: str = FORMAT

    IDENTITY = ("format", "scenario_sha256", "seed", "version", "settings", "engine_sha256")

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        data = json.loads(text)
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def engine_fingerprint() -> str:
    """sha256 of the code and tables a run's rows depend on (engine, models, scenario compiler, world,
    parameters, row layout): a store refuses to mix rows made by different versions of them."""
    import hashlib
    from importlib import resources

    root = Path(str(resources.files("kriegsspiel")))
    files: list[Path] = []
    for sub in ("engine", "models", "scenario", "world", "forces"):
        files += sorted((root / sub).rglob("*.py"))
    files += [root / "params.py", root / "codes.py", root / "ensemble" / "rows.py", root / "ensemble" / "assumptions.py"]
    files += sorted((root / "data" / "parameters").glob("*.yaml"))
    h = hashlib.sha256()
    for f in files:
        if f.exists():
            h.update(str(f.relative_to(root)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class ResultStore:
    """An ensemble's directory. `open_or_create` checks the manifest; `write_part` adds a batch atomically."""

    def __init__(self, out: str | Path, manifest: Manifest):
        self.out = Path(out)
        self.manifest = manifest
        self._lock = None

    def _acquire(self) -> None:
        """Hold DIR/.lock exclusively (fcntl.flock, released by `release` or when the process ends, however it
        ends): a second writer of the same directory is refused instead of doubling its rows."""
        try:
            import fcntl
        except ImportError:          # pragma: no cover - not a POSIX system: no lock
            return
        fh = open(self.out / LOCK, "a+b")  # noqa: SIM115 - held open while the lock is held
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise StoreMismatch(f"{self.out} is being written by another ensemble now (its {LOCK} is held); wait for "
                                "it to finish, or use a new --out.") from None
        self._lock = fh

    def release(self) -> None:
        """Give up the directory's lock (an ensemble that has finished writing)."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    @property
    def parts_dir(self) -> Path:
        return self.out / PARTS

    @classmethod
    def open(cls, out: str | Path) -> "ResultStore":
        out = Path(out)
        path = out / MANIFEST
        if not path.exists():
            raise FileNotFoundError(2, "no ensemble here (no manifest.json)", str(out))
        return cls(out, Manifest.from_json(path.read_text("utf-8")))

    @classmethod
    def open_or_create(cls, out: str | Path, manifest: Manifest) -> "ResultStore":
        """Start a new store in `out`, or resume the one there if it is the same ensemble.

        Raises StoreMismatch (with a message for the user) when `out` holds another ensemble, or more
        runs than `manifest.runs`."""
        out = Path(out)
        path = out / MANIFEST
        if out.exists() and not out.is_dir():
            raise StoreMismatch(f"{out} exists and is not a directory; use a new --out.")
        if out.exists() and not path.exists() and any(p.name != LOCK for p in out.iterdir()):
            raise StoreMismatch(f"{out} exists and is not an ensemble directory (no manifest.json); use a new --out.")
        out.mkdir(parents=True, exist_ok=True)
        store = cls(out, manifest)
        store._acquire()
        try:
            return store._open_locked(manifest)
        except BaseException:
            store.release()
            raise

    def _open_locked(self, manifest: Manifest) -> "ResultStore":
        out, path = self.out, self.out / MANIFEST
        if path.exists():
            old = Manifest.from_json(path.read_text("utf-8"))
            diffs = [k for k in Manifest.IDENTITY if getattr(old, k) != getattr(manifest, k)]
            if diffs:
                what = "; ".join(_difference(k, old, manifest) for k in diffs)
                raise StoreMismatch(f"{out} holds another ensemble ({what}); refusing to mix runs. "
                                    "Use a new --out, or delete the directory to start over.")
            self.manifest = old
            done = self.done_runs()
            if len(done) and done.max() >= manifest.runs:
                raise StoreMismatch(f"{out} already holds runs up to {int(done.max())}; ask for at least "
                                    f"{int(done.max()) + 1} runs, or use a new --out.")
            if manifest.runs != old.runs:
                self.manifest = Manifest(**{**asdict(old), "runs": manifest.runs})
                self._write_manifest()
            self.clean()
            return self
        self._write_manifest()
        return self

    def _write_manifest(self) -> None:
        text = self.manifest.to_json()
        _atomic_write(self.out / MANIFEST, lambda p: p.write_text(text, encoding="utf-8"))

    def clean(self) -> None:
        """Remove temporary files a killed writer left behind."""
        for d in (self.out, self.parts_dir):
            if d.exists():
                for p in d.glob(".*.tmp-*"):
                    p.unlink(missing_ok=True)

    def part_files(self) -> list[Path]:
        return sorted(self.parts_dir.glob("part-*.parquet")) if self.parts_dir.exists() else []

    def done_runs(self) -> np.ndarray:
        """Sorted run indices already stored, (n,) int64."""
        import pyarrow.parquet as pq

        chunks = [pq.read_table(p, columns=["run"]).column("run").to_numpy() for p in self.part_files()]
        return np.sort(np.concatenate(chunks)) if chunks else np.zeros(0, np.int64)

    def missing_runs(self) -> np.ndarray:
        """Run indices of 0..N-1 not yet stored, ascending, (m,) int64."""
        return np.setdiff1d(np.arange(self.manifest.runs, dtype=np.int64), self.done_runs())

    def write_part(self, table) -> Path:
        """Store one batch's rows (a pyarrow Table with a `run` column) atomically."""
        import pyarrow.parquet as pq

        runs = table.column("run").to_numpy()
        self.parts_dir.mkdir(parents=True, exist_ok=True)
        path = self.parts_dir / f"part-{int(runs.min()):09d}-{int(runs.max()):09d}.parquet"
        _atomic_write(path, lambda p: pq.write_table(table, p, compression="zstd"))
        return path

    # ------------------------------------------------------------------ reading
    def glob(self) -> str:
        return str(self.parts_dir / "part-*.parquet")

    def connect(self, database: str = ":memory:"):
        """A DuckDB connection with a view `runs` over the Parquet files (no copy)."""
        import duckdb

        con = duckdb.connect(database)
        if self.part_files():
            con.execute(f"CREATE OR REPLACE VIEW runs AS SELECT * FROM read_parquet('{_sql_str(self.glob())}')")
        return con

    def table(self, columns: list[str] | None = None):
        """All rows as a pyarrow Table ordered by run."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        files = self.part_files()
        if not files:
            return pa.table({"run": pa.array([], pa.int64())})
        t = pa.concat_tables([pq.read_table(p, columns=columns) for p in files])
        return t.sort_by("run") if "run" in t.column_names else t

    def finalize(self) -> Path:
        """(Re)build DIR/results.duckdb: table `runs` ordered by run, table `manifest` (key, value)."""
        import duckdb

        path = self.out / DUCKDB

        def write(tmp: Path) -> None:
            con = duckdb.connect(str(tmp))
            try:
                con.execute(f"CREATE TABLE runs AS SELECT * FROM read_parquet('{_sql_str(self.glob())}') ORDER BY run")
                con.execute("CREATE TABLE manifest (key VARCHAR, value VARCHAR)")
                con.executemany("INSERT INTO manifest VALUES (?, ?)",
                                [(k, json.dumps(v)) for k, v in asdict(self.manifest).items()])
            finally:
                con.close()

        _atomic_write(path, write)
        return path


def _difference(key: str, old: Manifest, new: Manifest) -> str:
    if key == "scenario_sha256":
        return (f"scenario {old.scenario} (sha256 {old.scenario_sha256[:12]}) there, "
                f"{new.scenario} (sha256 {new.scenario_sha256[:12]}) now")
    if key == "engine_sha256":
        return "made by other model code or parameter tables"
    return f"{key} {getattr(old, key)!r} there, {getattr(new, key)!r} now"


def _sql_str(text: str) -> str:
    return text.replace("'", "''")
