"""CDB90 loader, cross-validation folds, baselines on the published anchors, reproducible calibration."""

from importlib import resources

import numpy as np
import pytest
import yaml

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


def test_fitted_values_are_usable_campaign_inputs():
    # Second round: equipment weights inside their stated plausible boxes (5-60 men per gun or tank, 0-30 per
    # sortie-day), so a few hundred tanks cannot outweigh an army; rates and noise finite and positive.
    data = yaml.safe_load(resources.files("kriegsspiel.data.parameters").joinpath("fitted.yaml").read_text("utf-8"))
    f = data["engagement"]
    assert 5.0 - 1e-6 <= f["guns_weight"] <= 60.0 + 1e-6
    assert 5.0 - 1e-6 <= f["tanks_weight"] <= 60.0 + 1e-6
    assert 0.0 <= f["air_weight"] <= 30.0 + 1e-6
    assert 0.0 <= f["daily_decline"] < 1.0
    for k in ("outcome_sigma", "attacker_rate_scale", "defender_rate_scale", "casualty_sigma"):
        assert 0.0 < f[k] < 50.0, k
    prov = data["provenance"]
    assert prov["cross_validation"]["held_out"] is True and "priors" in prov and "prior_scale" in prov


def test_priors_pull_towards_their_centres_and_flat_is_plain_likelihood():
    theta = {"tanks_weight": 17.32, "outcome_sigma": 1.2}
    names = tuple(theta)
    assert cal.log_prior_penalty(theta, names, 1.0) == pytest.approx(0.0, abs=1e-6)
    far = {"tanks_weight": 60.0, "outcome_sigma": 2.4}
    assert cal.log_prior_penalty(far, names, 1.0) > cal.log_prior_penalty(far, names, 4.0) > 0.0
    assert cal.log_prior_penalty(far, names, np.inf) == 0.0


def test_one_standard_error_rule_prefers_the_stronger_prior_within_noise():
    rng = np.random.default_rng(1)
    base_ll = rng.normal(-1.0, 0.5, 400)
    rows = [{"tau": 0.5, "_ll": base_ll - 0.2}, {"tau": 1.0, "_ll": base_ll - 0.001 + 0.05 * np.tile([1.0, -1.0], 200)},
            {"tau": np.inf, "_ll": base_ll}]
    for r in rows:
        r["ll"] = float(np.mean(r["_ll"]))
    assert cal._one_se_choice(rows, "ll") == 1.0


def test_engagement_days_are_whole_days_and_air_superiority_is_read(fitset):
    e, _ = fitset
    base = cal.prior_params()
    a = cal.arrays(e, base)
    assert (a.days >= 1.0).all() and (e.days < 1.0).any()
    assert np.allclose(a.days, np.maximum(e.days, 1.0))
    assert set(np.unique(a.air)) <= {-1.0, 0.0, 1.0} and (a.air != 0).any()
    a0 = cal.arrays(e, base, {"min_engagement_days": 0.0})
    assert np.allclose(a0.days, e.days)


def test_air_superiority_is_neutral_by_default_and_multiplies_attacker_power():
    from kriegsspiel.models import ground
    from kriegsspiel.params import POSTURES

    p = cal.prior_params()
    flat, dry = p.terrain_names.index("flat_bare_hard"), p.weather_names.index("dry_sunshine_temperate")
    s = ground.strength(10000.0, 36.0, 0.0, 0.0, flat, dry, p)
    args = (s, s, 1, 1, POSTURES.index("hasty_defence"), flat, dry, 1.0, 0, 1, 1)
    base = ground.power_ratio(*args, p)
    assert ground.power_ratio(*args, p, air_superiority=0.0) == pytest.approx(base)
    q = p.with_overrides({"air_superiority_power": 1.5})
    assert ground.power_ratio(*args, q, air_superiority=1.0) == pytest.approx(1.5 * base)
    assert ground.power_ratio(*args, q, air_superiority=-1.0) == pytest.approx(base / 1.5)
