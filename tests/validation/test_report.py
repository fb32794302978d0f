"""The `kriegsspiel validate` result: the JSON shape (cdb90 and operations blocks), and its text table."""

import json

import pytest

from kriegsspiel.validation import report


@pytest.fixture(scope="module")
def result():
    return report.validate(quick=True)


def test_json_shape(result):
    pub = json.loads(json.dumps(report.public(result)))
    c = pub["cdb90"]
    assert isinstance(c["n"], int) and c["n"] == 374
    for k in ("winner_accuracy", "casualties_within_50pct", "median_abs_log_error"):
        assert isinstance(c[k], float)
    assert set(c["baselines"]) >= {"always_attacker", "larger_force", "logistic"}
    assert 0.0 <= c["winner_accuracy"] <= 1.0
    assert len(pub["operations"]) == 2
    for op in pub["operations"]:
        assert {"name", "winner_share", "recorded", "simulated"} <= set(op)
    assert [b["isqno"] for b in pub["theatre_battles"]] == [256, 257, 258, 259, 260]
    assert pub["integrator"]["max_relative_error_us"] < 1e-6


def test_text_table(result):
    text = report.render_text(result)
    assert "attacker always wins" in text and "logistic regression" in text and "within ±50 %" in text


def test_the_issue_keys_are_reported(result):
    c = result["cdb90"]
    assert 0 < c["log_loss"] < 1 and 0 < c["brier"] < 0.5
    ic = c["interval_coverage"]
    assert 0 <= ic["p50"] <= ic["p90"] <= 1 and ic["sides"] > 500
    lo = c["leave_one_war_out"]
    assert lo["wars"] >= 10 and 0.5 < lo["winner_accuracy"] < 1 and "logistic" in lo["baselines"]
