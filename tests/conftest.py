from pathlib import Path

import pytest

TESTS = Path(__file__).parent
MINI = TESTS / "scenarios" / "mini.yaml"


@pytest.fixture(scope="session")
def mini() -> Path:
    """The path of the small test scenario (tests/scenarios/mini.yaml)."""
    return MINI


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


EXTRA = """  - {id: japanese_strength, value: 4, basis: assumption, range: [3, 8], applies_to: ["units[1st Army].count"]}
  - {id: soviet_quality, value: 1.0, basis: assumption, range: [0.6, 1.3], applies_to: ["units[side=ussr].quality"]}
  - {id: no_effect, value: 1.0, basis: assumption, range: [0.5, 1.5], applies_to: ["units[Siberian reinforcements].arrives_day"]}
"""


@pytest.fixture()
def sens_yaml(tmp_path):
    """The mini scenario with ranged assumptions tied to inputs (and one tied to none)."""
    text = MINI.read_text()
    head = text[: text.index("assumptions:")]
    path = tmp_path / "sens.yaml"
    path.write_text(head + "assumptions:\n" + EXTRA
                    + "  - {id: unmapped, value: 1, basis: assumption, range: [0, 2]}\n")
    return path
