"""An ensemble's stored runs, read back: ``open_results(DIR)`` -> ``EnsembleResult`` (table, SQL, summary). The
results layer's reading side, used by the reports and re-exported by ``kriegsspiel`` and ``kriegsspiel.ensemble``;
running ensembles is ``kriegsspiel.ensemble.api``."""

from __future__ import annotations

from pathlib import Path

from .store import Manifest, ResultStore


class EnsembleResult:
    """The stored runs of an ensemble.

    ``.out`` the directory; ``.manifest``; ``.table()`` all rows as a pandas DataFrame (one row per run,
    ordered by ``run``; columns in kriegsspiel.ensemble.rows); ``.arrow()`` the same as a pyarrow Table;
    ``.sql(query)`` a DuckDB query over the view ``runs``, as a DataFrame; ``.summary()`` the summary dict
    (kriegsspiel.results.summary).
    """

    def __init__(self, store: ResultStore):
        self.store = store

    @property
    def out(self) -> Path:
        return self.store.out

    @property
    def manifest(self) -> Manifest:
        return self.store.manifest

    def __len__(self) -> int:
        return len(self.store.done_runs())

    @property
    def complete(self) -> bool:
        return len(self.store.missing_runs()) == 0

    def arrow(self, columns: list[str] | None = None):
        return self.store.table(columns)

    def table(self, columns: list[str] | None = None):
        """All rows as a pandas DataFrame. Integer columns stay integer (pandas' nullable dtypes, <NA> where a value
        is missing, e.g. the day a place fell in a run where it held), so a column's dtype does not depend on which
        runs are read."""
        import pandas as pd
        import pyarrow as pa

        ints = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
                pa.int64(): pd.Int64Dtype()}
        return self.arrow(columns).to_pandas(types_mapper=ints.get)

    def sql(self, query: str):
        con = self.store.connect()
        try:
            return con.execute(query).df()
        finally:
            con.close()

    def summary(self) -> dict:
        from .summary import summarise

        return summarise(self.store)

    def __repr__(self) -> str:
        m = self.manifest
        return f"EnsembleResult({m.scenario!r}, seed={m.seed}, runs={len(self)}/{m.runs}, out={str(self.out)!r})"


def open_results(out: str | Path) -> EnsembleResult:
    """The ensemble stored in directory `out` (complete or not)."""
    return EnsembleResult(ResultStore.open(out))
