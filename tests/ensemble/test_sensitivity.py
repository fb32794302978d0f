"""Sensitivity: assumptions with ranges and targets are varied, ranked, and reported with intervals."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


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




def _clashing(tmp_path, mini):
    """The mini scenario with two assumptions that scale the Soviet units' strength: each end of each range is
    accepted alone, but both high together pass the schema's strength <= 1.5."""
    text = mini.read_text()
    head = text[: text.index("assumptions:")]
    path = tmp_path / "clash.yaml"
    path.write_text(head + "assumptions:\n"
                    '  - {id: soviet_men, value: 1.0, basis: assumption, range: [0.7, 1.4], '
                    'applies_to: ["units[side=ussr].strength"]}\n'
                    '  - {id: rifle_strength, value: 1.0, basis: assumption, range: [0.7, 1.4], '
                    'applies_to: ["units[type=rifle_division].strength"]}\n'
                    '  - {id: japanese_strength, value: 4, basis: assumption, range: [3, 8], '
                    'applies_to: ["units[1st Army].count"]}\n')
    return path


@pytest.mark.parametrize("method", ["morris", "sobol"])
def test_points_the_schema_refuses_are_left_out_and_counted(tmp_path, mini, method):
    # a design point whose combination the schema refuses is no world to simulate: its trajectory (block) is dropped
    # whole and replaced by a fresh draw, and the result says how many and why
    from kriegsspiel.api import load_scenario
    from kriegsspiel.ensemble.sensitivity import analyse
    from kriegsspiel.scenario.assumptions import resolve

    path = _clashing(tmp_path, mini)
    r = analyse(path, method, runs_per_point=4, seed=1, trajectories=6, base_samples=8).to_dict()
    ref = r["refused"]
    assert ref["unit"] == ("trajectories" if method == "morris" else "blocks")
    assert ref["groups"] > 0 and ref["points"] >= ref["groups"] and ref["kept"] == ref["asked"]
    assert r["points"] == ref["kept"] * (3 + 1 if method == "morris" else 3 + 2)
    assert list(ref["reasons"]) == ["units.strength past the schema's bound (at most 1.5): soviet_men with rifle_strength"]
    assert {f["id"] for f in r["ranking"]} == {"soviet_men", "rifle_strength", "japanese_strength"}
    # the same design again (seeded), and every point of it is an input the schema accepts
    from kriegsspiel.ensemble.sensitivity import Factor, design

    loaded = load_scenario(path)
    factors = [Factor(a.id, float(a.value), a.range[0], a.range[1], list(a.applies_to))
               for a in loaded.scenario.assumptions]
    problem = {"num_vars": 3, "names": [f.id for f in factors], "bounds": [[f.low, f.high] for f in factors]}
    X, again = design(loaded, factors, problem, method, 6 if method == "morris" else 8, 4, 1)
    assert again == ref and len(X) == r["points"]
    for row in X:
        resolve(loaded, {f.id: float(x) for f, x in zip(factors, row)})


def test_a_design_without_refusals_is_the_one_the_seed_always_gave(sens_yaml):
    from SALib.sample import morris

    from kriegsspiel.api import load_scenario
    from kriegsspiel.ensemble.sensitivity import Factor, design

    loaded = load_scenario(sens_yaml)
    factors = [Factor(a.id, float(a.value), a.range[0], a.range[1], list(a.applies_to))
               for a in loaded.scenario.assumptions if a.applies_to]
    problem = {"num_vars": 3, "names": [f.id for f in factors], "bounds": [[f.low, f.high] for f in factors]}
    X, ref = design(loaded, factors, problem, "morris", 4, 4, 0)
    assert ref["groups"] == 0 and ref["draws"] == 1
    assert (X == morris.sample(problem, N=4, num_levels=4, seed=0)).all()


def test_sensitivity_runs_on_operation_otsu_with_a_tiny_budget():
    # Otsu's rifle-division strength and Soviet ground men can together pass strength <= 1.5: the command ended with
    # a pydantic dump before its first point; now such trajectories are replaced and counted
    r = subprocess.run([sys.executable, "-m", "kriegsspiel.ensemble.cli", "sensitivity", "operation-otsu",
                        "-n", "2", "--trajectories", "1", "--seed", "0", "-f", "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Traceback" not in r.stderr
    d = json.loads(r.stdout)
    k = len(d["ranking"])
    assert k >= 26 and d["not_varied"] == [] and d["points"] == k + 1
    ref = d["refused"]
    assert ref["kept"] == ref["asked"] == 1 and ref["groups"] >= 1
    assert any("ussr_rifle_division_strength" in why and "ussr_split_ground_units_men" in why for why in ref["reasons"])
