"""CDB90 loader, cross-validation folds, baselines on the published anchors, reproducible calibration."""

import numpy as np
import pytest
import yaml
from importlib import resources

from kriegsspiel.validation import calibrate as cal
from kriegsspiel.validation import cdb90


@pytest.fixture(scope="module")
def fitset():
    return cdb90.load()


def test_loader_counts_and_exclusions(fitset):
    e, s = fitset
    assert s["raw"] == 660
    assert s["dropped"]["duplicate battle (`parent` set)"] == 36          # CDB90 README: 36 duplicates
    assert s["dropped"]["theatre battle 256-260 (held out of every fit)"] == 5
    assert s["n"] == len(e) == 374
    assert not set(cdb90.THEATRE_ISQNO) & set(e.isqno.tolist())
    assert len(set(e.isqno.tolist())) == len(e)                           # one row per battle
    assert (e.year >= 1900).all() and (e.men > 0).all() and (e.days > 0).all()
    assert set(np.unique(e.outcome)) <= {-1, 0, 1}


def test_duplicates_are_gone(fitset):
    e, _ = fitset
    raw = cdb90.read_raw()
    dup = set(raw.loc[raw["parent"].notna(), "isqno"])
    assert len(dup) == 36 and not dup & set(e.isqno.tolist())


def test_theatre_battles_load_separately():
    t, s = cdb90.load(theatre=True)
    assert sorted(t.isqno.tolist()) == [256, 257, 258, 259, 260]
    assert t.insensitive.all()


def test_code_mappings():
    assert cdb90.terrain_class("GB0") == "rugged_bare"
    assert cdb90.terrain_class("RMU") == "urban"
    assert cdb90.terrain_class("FWM") == "swamp_jungled"
    assert cdb90.weather_class("WHTST") == "wet_heavy_temperate"
    assert cdb90.weather_class("DSHST") == "dry_sunshine_extreme_heat"
    assert cdb90.season_class("DSTST") == "summer_temperate"
    att, dfn = cdb90.surprise_levels(np.array([3, -2, 0, 9]))
    assert att.tolist() == [3, 0, 0, 0] and dfn.tolist() == [0, 2, 0, 0]


def test_baseline_anchors_on_wwii_decisive_battles():
    # literature.md section 3 [computed]: attacker always wins 68.8 % (n = 176); larger force 72.0 % (n = 175)
    raw = cdb90.read_raw()
    w = raw[raw["WAR"].str.contains("WORLD WAR II") & raw["WINA"].isin([1, -1])]
    won = (w["WINA"] == 1).to_numpy()
    assert len(w) == 176
    assert cal.always_attacker_accuracy(won) == pytest.approx(0.688, abs=0.0005)
    ok = ((w["STRA"] > 0) & (w["STRD"] > 0) & (w["STRA"] != w["STRD"])).to_numpy()
    men = np.column_stack([w["STRA"], w["STRD"]]).astype(float)[ok]
    assert ok.sum() == 175
    assert cal.larger_force_accuracy(men, won[ok]) == pytest.approx(0.720, abs=0.0005)


def test_folds_are_disjoint_and_cover():
    f = cal.folds(374)
    assert len(f) == 5
    allidx = np.concatenate(f)
    assert len(allidx) == 374 and len(np.unique(allidx)) == 374
    assert all(abs(len(x) - 374 / 5) < 1 for x in f)
    assert [x.tolist() for x in cal.folds(374)] == [x.tolist() for x in f]      # fixed seed
    assert [x.tolist() for x in cal.folds(374, seed=1)] != [x.tolist() for x in f]


def test_logistic_baseline_learns_a_separable_rule():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = X[:, 0] + 0.1 * rng.normal(size=200) > 0
    m = cal.logistic_fit(X, y)
    assert np.mean((cal.logistic_predict(m, X) >= 0.5) == y) > 0.9


def test_casualty_scores():
    s = cal.casualty_scores(np.array([[100.0, 300.0]]), np.array([[100.0, 100.0]]))
    assert s["within_50pct"] == 0.5 and s["median_abs_log_error"] == pytest.approx(np.log(3) / 2)


def test_fitted_yaml_is_reproduced_by_the_fit(fitset):
    e, _ = fitset
    base = cal.prior_params()
    res = cal.fit(cal.arrays(e, base), base)
    data = yaml.safe_load(resources.files("kriegsspiel.data.parameters").joinpath("fitted.yaml").read_text("utf-8"))
    for k, v in data["engagement"].items():
        assert res["params"][k] == pytest.approx(v, rel=1e-3, abs=1e-4), k
    res2 = cal.fit(cal.arrays(e, base), base)
    assert res2["params"] == res["params"]                                  # deterministic


def test_calibration_beats_its_starting_point_on_held_out_casualties(fitset):
    e, _ = fitset
    cv = cal.cross_validate(e)
    s = cal.summarize(e, cv)
    assert np.isfinite(cv["p_win"]).all() and (cv["fold"] >= 0).all()
    assert s["median_abs_log_error"] < s["casualty_baselines"]["uncalibrated_model"]["median_abs_log_error"]
    assert s["winner_accuracy"] >= s["baselines"]["always_attacker"]
