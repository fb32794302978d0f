"""Column names of an ensemble's rows, and how SQL names them: the one home for both (the rows are written by
ensemble.rows, read by results.summary and report.inputs).

A side or place name becomes a column fragment by `slug`: lower case, runs of anything but letters and digits
(of any script: "Владивосток" stays Cyrillic) turned into "_". Every column is quoted in SQL (`ident`), so a
fragment may start with a digit or hold any letter.
"""

from __future__ import annotations

import re


def slug(name: str) -> str:
    """A place or side name as a column fragment: 'Ulan Bator' -> 'ulan_bator', 'Владивосток' -> 'владивосток'."""
    return re.sub(r"[\W_]+", "_", str(name).lower()).strip("_") or "x"


def ident(column: str) -> str:
    """`column` as a quoted SQL identifier (DuckDB, standard SQL)."""
    return '"' + column.replace('"', '""') + '"'


def clashes(names) -> list[tuple[str, str]]:
    """Pairs of different names that would share a column (their slugs are equal)."""
    seen: dict[str, str] = {}
    out = []
    for n in names:
        s = slug(n)
        if s in seen and seen[s] != n:
            out.append((seen[s], n))
        seen.setdefault(s, n)
    return out
