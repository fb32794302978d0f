import pytest


@pytest.fixture(scope="session")
def reference(tmp_path_factory, mini):
    """An uninterrupted 120-run ensemble of mini, seed 11, batch 500 (one batch)."""
    from kriegsspiel import run_ensemble

    return run_ensemble(mini, 120, 11, tmp_path_factory.mktemp("ref") / "out", batch_size=500).table()
