from pathlib import Path

import pytest

TESTS = Path(__file__).parent
MINI = TESTS / "scenarios" / "mini.yaml"


@pytest.fixture
def mini_text() -> str:
    return MINI.read_text(encoding="utf-8")


@pytest.fixture
def write_scenario(tmp_path):
    """Write scenario text to a file in tmp_path and return its path."""

    def _write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
