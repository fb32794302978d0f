"""Ground-combat model against the literature's anchors (values cited in data/parameters/ground.yaml)."""

import numpy as np
import pytest

from kriegsspiel.models import casualties, ground
from kriegsspiel.params import POSTURES, default_params

P = default_params().with_overrides({"attacker_rate_scale": 1.0, "defender_rate_scale": 1.0, "opposition_exponent": 1.0,
                                     "size_exponent": 1.0, "loser_rate_multiplier": 1.0,
                                     "casualty_insensitive_multiplier": 2.5})  # the literature values, not the fit
FLAT = P.terrain_names.index("flat_bare_hard")        # terrain casualty factor 1.0
DRY = P.weather_names.index("dry_sunshine_temperate")  # weather casualty factor 1.0


def test_qjm_standard_rates_at_division_scale():
    # Lawrence (1996): 2.8 %/day attacker, 1.5 %/day defender; size factor 1.0 at 10,000 men; the opposition
    # factor at P/P 1.0 lies between F02's 0.95 (0.99) and 0.90 (1.24): 0.948 for both sides.
    ra, rd = ground.daily_rates(np.array(1.0), 10000, 10000, POSTURES.index("prepared_defence"), FLAT, DRY, 0,
                                False, True, P)
    assert ra == pytest.approx(0.028 * 0.948, rel=0.01)
    assert rd == pytest.approx(0.015 * 0.948, rel=0.01)


@pytest.mark.parametrize("ratio,factor", [(0.1, 2.5), (0.54, 1.3), (0.89, 1.0), (2.99, 0.65), (5.99, 0.45)])
def test_opposition_factor_is_f02s_table(ratio, factor):
    # F02 OppositionFactor.csv (qjm_tndm.yaml attrition_tndm.opposition_factor), at its own points
    assert ground.opposition_factor(np.array(ratio), P) == pytest.approx(factor)


def test_opposition_factor_keeps_falling_beyond_3_to_1():
    # no flat cap at 3:1 (the QJM table's end): a side that outnumbers its enemy 10:1 loses at under 0.4 x
    f = ground.opposition_factor(np.array([3.0, 6.0, 10.0, 24.0]), P)
    assert (np.diff(f) < 0).all() and f[2] < 0.4


def test_japanese_multiplier_applies_to_both_sides():
    a0, d0 = ground.daily_rates(np.array(1.5), 20000, 10000, 2, FLAT, DRY, 0, False, True, P)
    a1, d1 = ground.daily_rates(np.array(1.5), 20000, 10000, 2, FLAT, DRY, 0, True, True, P)
    assert a1 / a0 == pytest.approx(2.5) and d1 / d0 == pytest.approx(2.5)


def test_defender_multipliers_raise_power():
    s = ground.strength(10000.0, 36.0, 0.0, 0.0, FLAT, DRY, P)
    base = ground.power_ratio(s, s, 1, 1, POSTURES.index("hasty_defence"), FLAT, DRY, 1.0, 0, 1, 1, P)
    fort = ground.power_ratio(s, s, 1, 1, POSTURES.index("fortified_defence"), FLAT, DRY, 1.0, 0, 1, 1, P)
    assert fort < base < 1.0
    assert base == pytest.approx(1 / (1.3 * 1.05))   # hasty 1.3 x flat_bare_hard defence position 1.05 (NPW)


def test_success_probability_monotone_in_ratio():
    r = np.array([0.5, 1.0, 2.0, 4.0])
    p = ground.success_probability(r, P)
    assert np.all(np.diff(p) > 0)


def test_advance_table_lookup():
    # F01: infantry against prepared defence at P/P 2.26-3.00 advances 5 km/day (rolling_bare factor 1.0, dry 1.0)
    rb = P.terrain_names.index("rolling_bare")
    assert ground.advance_km(np.array(2.5), 2, 0, rb, DRY, P) == pytest.approx(5.0)
    assert ground.advance_km(np.array(0.9), 2, 0, rb, DRY, P) == 0.0


def test_loss_noise_has_mean_one():
    z = np.random.default_rng(0).standard_normal(200_000)
    assert ground.loss_noise(z, P).mean() == pytest.approx(1.0, abs=0.01)


def test_split_conserves_exactly():
    rng = np.random.default_rng(1)
    losses = rng.integers(0, 5000, size=(50, 7))
    shares = np.broadcast_to(np.array([0.13, 0.32, 0.55]), (50, 7, 3))
    k, w, m = casualties.split(losses, shares, rng.random((50, 7, 2)))
    assert np.array_equal(k + w + m, losses) and (w >= 0).all()
    assert (m.sum() / losses.sum()) == pytest.approx(0.55, abs=0.01)


def test_engagement_losses_match_one_day_rate():
    assert ground.engagement_losses(10000.0, 0.02, 1.0, P) == pytest.approx(200.0)
    assert ground.engagement_losses(10000.0, 0.02, 0.5, P) == pytest.approx(100.0)


def test_a_summer_climatology_is_completed_by_its_twelve_month_region():
    # far_east_summer covers June-August; `complete_from: far_east` adds the other months, its own unchanged
    from kriegsspiel.params import _read, default_params

    raw = _read("weather.yaml")["regions"]
    reg = default_params().weather_climate["regions"]["far_east_summer"]
    assert sorted(int(m) for m in reg["zones"]["east"]["months"]) == list(range(1, 13))
    k = len(raw["far_east_summer"]["classes"])
    assert reg["classes"][:k] == raw["far_east_summer"]["classes"]
    for m, v in raw["far_east_summer"]["zones"]["east"]["months"].items():
        assert reg["zones"]["east"]["months"][int(m)][:k] == v and sum(reg["zones"]["east"]["months"][int(m)]) == \
            pytest.approx(sum(v))
    jan = reg["zones"]["east"]["months"][1]
    far = raw["far_east"]["zones"]["east"]["months"][1]
    assert sorted(jan) == sorted(far) and reg["zones"]["east"]["season"][1] == "winter_temperate"


def test_a_surprising_attacker_loses_at_the_surprisers_vulnerability():
    # QJM surprise table (F01/F02): the surpriser's vulnerability 0.4 at complete surprise, 0.6 substantial,
    # 0.9 minor; Dupuy's attrition verity 9. It declines with the surprise (linearly over three days).
    args = (np.array(2.0), 20000, 10000, POSTURES.index("hasty_defence"), FLAT, DRY)
    none, _ = ground.daily_rates(*args, 0, False, True, P)
    for level, vuln in ((1, 0.9), (2, 0.6), (3, 0.4)):
        full, _ = ground.daily_rates(*args, level, False, True, P)
        assert full / none == pytest.approx(vuln)
    half, _ = ground.daily_rates(*args, 3, False, True, P, surprise_decay=0.5)
    assert half / none == pytest.approx(0.7)


def test_qjm_mobility_factor():
    # M = sqrt of the attacker's (N + 20 J + W_i) / N over the defender's, pulled toward 1 by r_m h_m (NPW; F02)
    t = {n: P.terrain_names.index(n) for n in ("flat_bare_hard", "flat_desert", "swamp_jungled")}
    sun = P.weather_names.index("dry_sunshine_temperate")
    same = ground.mobility_factor(10000.0, 560.0, 0.0, 10000.0, 560.0, 0.0, t["flat_desert"], sun, P)
    assert same == pytest.approx(1.0)
    # an armoured brigade (2,600 men, 546 vehicles, 115 tanks at the calibrated weight) against a foot division
    w = 115 * P["tanks_weight"]
    big_m = np.sqrt(((2600 + 20 * 546 + w) / 2600) / ((13000 + 20 * 728) / 13000))
    m = ground.mobility_factor(2600.0, 546.0, w, 13000.0, 728.0, 0.0, t["flat_desert"], sun, P)
    assert m == pytest.approx(big_m - (1 - 0.95) * (big_m - 1))
    jungle = ground.mobility_factor(2600.0, 546.0, w, 13000.0, 728.0, 0.0, t["swamp_jungled"], sun, P)
    assert 1.0 < jungle < m                                     # close country pulls it back toward 1
    # a foot force attacking a motorised one is slowed (M < 1), and the factor multiplies the attacker's power
    slow = ground.mobility_factor(13000.0, 728.0, 0.0, 2600.0, 546.0, w, t["flat_bare_hard"], sun, P)
    assert slow < 1.0
    kw = dict(att_quality=1.0, def_quality=1.0, posture_idx=POSTURES.index("hasty_defence"),
              terrain_idx=t["flat_desert"], weather_idx=sun, season_attack=1.0, surprise_idx=0, att_supply=1.0,
              def_supply=1.0, p=P)
    base = ground.power_ratio(1000.0, 1000.0, **kw)
    assert ground.power_ratio(1000.0, 1000.0, mobility=m, **kw) == pytest.approx(base * m)
