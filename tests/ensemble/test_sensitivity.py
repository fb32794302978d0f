"""Sensitivity: assumptions with ranges and targets are varied, ranked, and reported with intervals."""

from __future__ import annotations

import json
import subprocess
import sys


def test_morris_ranking(sens_yaml):
    from kriegsspiel.ensemble.sensitivity import analyse

    r = analyse(sens_yaml, "morris", runs_per_point=20, seed=0, trajectories=4).to_dict()
    ids = [f["id"] for f in r["ranking"]]
    assert sorted(ids) == ["japanese_strength", "no_effect", "soviet_quality"]
    assert r["not_varied"] == ["unmapped"]
    cas = {f["id"]: f["casualties_total"] for f in r["ranking"]}
    assert cas["no_effect"]["index"] == 0            # reinforcements arriving 5 or 15 days in: same fight here
    assert cas["japanese_strength"]["index"] > cas["no_effect"]["index"]
    assert all(f["casualties_total"]["conf"] >= 0 for f in r["ranking"])
    assert r["points"] == 4 * (3 + 1)


def test_cli_sensitivity_json(sens_yaml):
    r = subprocess.run([sys.executable, "-m", "kriegsspiel.ensemble.cli", "sensitivity", str(sens_yaml),
                        "-n", "10", "--trajectories", "2", "-f", "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["method"] == "morris" and len(d["ranking"]) == 3
    assert {"index", "conf"} <= set(d["ranking"][0]["attacker_win_share"])


def test_outputs_that_vary_beyond_the_win_share(sens_yaml):
    # Otsu's win-share column was 0 for every factor: the attacker never wins; the other outputs still move
    from kriegsspiel.ensemble.sensitivity import analyse

    r = analyse(sens_yaml, "morris", runs_per_point=20, seed=0, trajectories=4).to_dict()
    outs = r["outputs"]
    assert outs[:2] == ["attacker_win_share", "casualties_total"]
    assert any(o.startswith("losses: ") for o in outs) and any(o.startswith("result: ") for o in outs)
    assert any(o.startswith("fell: ") for o in outs)
    strong = next(f for f in r["ranking"] if f["id"] == "japanese_strength")
    assert max(strong[o]["index"] for o in outs if o.startswith("losses: ")) > 0
    assert set(r["baseline"]) == set(outs)


