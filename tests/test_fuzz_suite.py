"""The fuzz suite (tests/fuzz.py), small enough for CI: hostile scenarios, articles and command lines; every count
but `tried` must be zero. The long run is one command: python -m tests.fuzz"""

import pytest

from tests import fuzz


@pytest.mark.parametrize("target,n", [("scenarios", 24), ("articles", 150), ("cli", 12)])
def test_fuzz_target_is_clean(target, n, tmp_path):
    tally = fuzz.TARGETS[target][0](n, tmp_path)
    assert tally.tried == n
    assert tally.clean, "\n\n".join(tally.examples)
    if target == "scenarios":
        assert tally.accepted >= n // 4        # the mutants reach the engine, not only the loader
