from pathlib import Path

import pytest

MINI = Path(__file__).resolve().parents[1] / "scenarios" / "mini.yaml"


@pytest.fixture(scope="session")
def mini() -> Path:
    return MINI


@pytest.fixture(scope="session")
def reference(tmp_path_factory, mini):
    """An uninterrupted 120-run ensemble of mini, seed 11, batch 500 (one batch)."""
    from kriegsspiel import run_ensemble

    return run_ensemble(mini, 120, 11, tmp_path_factory.mktemp("ref") / "out", batch_size=500).table()
