"""Problems found in a scenario: each names the file, the line, the field path, the value and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    path: str
    value: str
    expected: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = self.path or "(document)"
        return f"{where}: {field}: {self.expected} (got {self.value})"


class ScenarioError(Exception):
    """Raised with every problem of a scenario at once; the CLI prints them and exits with status 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def short(value: object, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
