"""One day's engagement (models/engagement.py): frontage, combat-power ratio, outcome, capped losses,
breakthrough (docs/models/engagement.md; manoeuvre.yaml, ground.yaml)."""

import numpy as np
import pytest

from kriegsspiel.models.engagement import engage, engaged_share
from kriegsspiel.params import POSTURES, default_params

P = default_params()
FLAT = P.terrain_names.index("flat_bare_hard")
DRY = P.weather_names.index("dry_sunshine_temperate")
A_DENS = P["manoeuvre.max_density_attacker_men_per_km"]          # 6,000 men/km
D_DENS = P["manoeuvre.deployed_density_defender_men_per_km"]
CAP = P["max_daily_rate"]


def fight(att_men, def_men, *, att_strength=None, def_strength=None, posture="prepared_defence", z=0.0, z_att=0.0,
          z_def=0.0, **kw):
    """engage() with strengths equal to the men unless given, flat dry ground, arrays of a common shape."""
    att_men, def_men = np.atleast_1d(np.asarray(att_men, float)), np.atleast_1d(np.asarray(def_men, float))
    shape = np.broadcast(att_men, def_men).shape
    return engage(att_men if att_strength is None else np.asarray(att_strength, float),
                  def_men if def_strength is None else np.asarray(def_strength, float), att_men, def_men, P,
                  posture=np.full(shape, POSTURES.index(posture)), terrain=np.full(shape, FLAT),
                  weather=np.full(shape, DRY), z_outcome=np.broadcast_to(z, shape),
                  z_att=np.broadcast_to(z_att, shape), z_def=np.broadcast_to(z_def, shape), **kw)


@pytest.mark.parametrize("men,frontage,density,want", [(12000, 1.0, 6000, 0.5), (3000, 1.0, 6000, 1.0),
                                                       (0, 5.0, 1435, 1.0), (50000, np.inf, 6000, 1.0),
                                                       (20000, 2.0, 1435, 2870 / 20000)])
def test_engaged_share(men, frontage, density, want):
    # min(1, frontage x density / men)
    assert engaged_share(men, frontage, density) == pytest.approx(want)


@pytest.mark.parametrize("frontage", [2.0, 8.0, 15.0])
@pytest.mark.parametrize("posture", ["hasty_defence", "fortified_defence"])
@pytest.mark.parametrize("z", [-1.0, 1.5])
def test_attackers_beyond_the_front_change_neither_power_nor_losses(frontage, posture, z):
    full = frontage * A_DENS
    men = np.array([full, 2 * full, 7 * full])
    e = fight(men, 20000.0, posture=posture, z=z, z_att=0.3, z_def=-0.2, frontage_km=frontage)
    for field in ("ratio", "att_loss", "def_loss", "att_engaged", "def_engaged", "won"):
        v = getattr(e, field)
        assert np.allclose(v, v[0]), field
    assert np.allclose(e.att_engaged, full)


def test_losses_never_above_men_nor_negative():
    rng = np.random.default_rng(42)
    n = 5000
    att, dfn = rng.uniform(1, 200_000, n), rng.uniform(0, 60_000, n)
    e = fight(att, dfn, att_strength=att * rng.uniform(0.2, 5, n), def_strength=dfn * rng.uniform(0.2, 5, n),
              z=rng.standard_normal(n), z_att=rng.normal(0, 3, n), z_def=rng.normal(0, 3, n),
              frontage_km=rng.uniform(0.5, 40, n), shore=rng.uniform(1, 2, n))
    assert (e.att_loss >= 0).all() and (e.def_loss >= 0).all()
    assert (e.att_loss <= att).all() and (e.def_loss <= dfn).all()
    assert (e.att_loss <= CAP * e.att_engaged + 1e-9).all() and (e.def_loss <= CAP * e.def_engaged + 1e-9).all()
    assert not e.breakthrough[~e.won].any()


def test_daily_cap_binds_on_extreme_noise():
    # a huge lognormal draw: the realised rate stops at max_daily_rate (0.5) of the engaged men, on a beach too
    e = fight([30000.0, 30000.0], 20000.0, z_att=8.0, z_def=8.0, frontage_km=4.0, shore=np.array([1.0, 2.0]))
    assert np.allclose(e.att_loss, CAP * e.att_engaged) and np.allclose(e.def_loss, CAP * e.def_engaged)


def test_holding_and_decline_scale_losses():
    base = fight(30000.0, 10000.0)
    # holding applies where the defender is expected to prevail: an attacker of a tenth of the defence, beaten
    beaten = fight(30000.0, 10000.0, att_strength=1000.0, z=-3.0)
    hold = fight(30000.0, 10000.0, att_strength=1000.0, z=-3.0, holding=True)
    half = fight(30000.0, 10000.0, decline=0.5)
    f = P["holding_mission_factor"]                     # 0.3
    assert hold.holding.all() and not beaten.holding.any()
    assert hold.att_loss == pytest.approx(f * beaten.att_loss) and hold.def_loss == pytest.approx(f * beaten.def_loss)
    assert half.att_loss == pytest.approx(0.5 * base.att_loss) and half.def_loss == pytest.approx(0.5 * base.def_loss)
    assert hold.ratio == beaten.ratio


def test_shore_and_light_troops_divide_the_attackers_power():
    base = fight(30000.0, 10000.0)
    beach = fight(30000.0, 10000.0, shore=2.0)
    light = fight(30000.0, 10000.0, att_power=0.8)
    # P_a / shore ** power_exponent (0.5, joint.yaml amphibious)
    assert beach.ratio == pytest.approx(base.ratio / 2.0 ** P["amphibious.power_exponent"])
    assert light.ratio == pytest.approx(0.8 * base.ratio)


def test_ratio_rises_with_attackers_and_defender_losses_with_it():
    e = fight(np.linspace(5000, 60000, 12), 10000.0, z=5.0)
    assert (np.diff(e.ratio) > 0).all() and e.won.all()
    assert (np.diff(e.def_loss) >= 0).all() and e.def_loss[-1] > e.def_loss[0]


def test_force_ratio_counts_the_attackers_and_the_defenders_reaching_the_point_of_attack():
    # P_a / P_d of all the attackers against the defenders in the front and the reserve share of the rest
    # (manoeuvre.yaml reserve_share): with no frontage limit everyone is in the front and it is the engaged ratio;
    # on a narrow front it is the ratio against the front line plus a third of the others
    att = np.array([10000.0, 60000.0, 90000.0, 20000.0])
    dfn = np.array([40000.0, 8000.0, 50000.0, 3000.0])
    narrow = fight(att, dfn, frontage_km=5.0)
    unlimited = fight(att, dfn)
    assert np.allclose(unlimited.force_ratio, unlimited.ratio)
    front = np.minimum(dfn, 5.0 * D_DENS)
    reach = front + P["manoeuvre.reserve_share"] * (dfn - front)
    assert np.allclose(narrow.force_ratio, unlimited.ratio * dfn / reach)
    assert (narrow.force_ratio >= unlimited.ratio - 1e-12).all()


def test_defender_reserves_lower_the_force_ratio_below_the_front_ratio():
    # defender 40,000 men on 5 km holds 5 x D_DENS in the front; the attacker is all in the front: the reserve
    # share of the rest counts in force_ratio (it rotates in), so it is the front ratio x front / (front + reserve)
    e = fight(20000.0, 40000.0, frontage_km=5.0)
    share_d = 5.0 * D_DENS / 40000.0
    share_r = share_d + P["manoeuvre.reserve_share"] * (1.0 - share_d)
    assert e.force_ratio == pytest.approx(e.ratio * share_d / share_r) and e.force_ratio < e.ratio
    # attacker reserves beyond the front raise it above the front ratio instead
    a = fight(100000.0, 5000.0, frontage_km=5.0)
    assert a.force_ratio == pytest.approx(a.ratio * 100000.0 / (5.0 * A_DENS)) and a.force_ratio > a.ratio


def test_breakthrough_needs_a_win():
    e = fight([10000.0, 200000.0], 2000.0, z=-50.0, frontage_km=10.0)
    assert e.force_ratio[1] > 10 * P["manoeuvre.breakthrough_ratio"]
    assert not e.won.any() and not e.breakthrough.any()
    w = fight([10000.0, 200000.0], 2000.0, z=50.0, frontage_km=10.0)
    assert w.won.all() and w.breakthrough[1]


def test_thin_line_breaks_at_the_lower_ratio():
    # a force ratio between breakthrough_ratio_thin (2.7) and breakthrough_ratio (3.0): only a line thinner than
    # min_holding_density (700 men/km) breaks; strengths equal, so only the density differs
    thin_r, thick_r = P["manoeuvre.breakthrough_ratio_thin"], P["manoeuvre.breakthrough_ratio"]
    probe = fight(10000.0, 5000.0, def_strength=5000.0, z=50.0, frontage_km=10.0)
    s_att = 10000.0 * 0.5 * (thin_r + thick_r) / probe.force_ratio[0]           # power is linear in strength
    kw = dict(att_strength=s_att, def_strength=5000.0, z=50.0, frontage_km=10.0)
    thin = fight(10000.0, 5000.0, **kw)            # 500 men/km
    thick = fight(10000.0, 8000.0, **kw)           # 800 men/km, all in the front (10 x 1,435 > 8,000)
    assert thin_r < thin.force_ratio[0] < thick_r and thick.force_ratio[0] == pytest.approx(thin.force_ratio[0])
    assert thin.breakthrough[0] and not thick.breakthrough[0]


def test_no_defenders_gives_finite_results():
    e = fight(10000.0, 0.0, z=0.0)
    assert np.isfinite(e.ratio).all() and e.def_loss[0] == 0 and np.isfinite(e.att_loss).all()
    assert e.won.all()


def test_holding_only_where_the_defender_is_expected_to_prevail():
    # NPW: after the defender has prevailed two days the fight falls to holding -- in the deterministic QJM that is
    # exactly when P/P is below the threshold; a stronger attacker that lost on the dice fights on
    thr = np.exp(P["ln_threshold"])
    weak = fight(4000, 10000, att_strength=0.5 * thr * 10000 * 1.5, posture="hasty_defence", holding=True, z=3.0)
    strong = fight(20000, 10000, att_strength=4 * thr * 10000 * 1.5, posture="hasty_defence", holding=True, z=-3.0)
    assert weak.ratio[0] < thr and weak.holding[0] and not weak.won[0]      # holding: no outcome, even on good dice
    assert strong.ratio[0] > thr and not strong.holding[0]
    lost = fight(4000, 10000, att_strength=0.5 * thr * 10000 * 1.5, posture="hasty_defence", z=-3.0)
    assert not lost.won[0]                                        # the same fight, lost on the dice, not holding:
    assert weak.att_loss[0] == pytest.approx(lost.att_loss[0] * P["holding_mission_factor"])   # x the holding factor


def test_an_armys_loss_factor_scales_its_losses_only():
    base = fight(20000, 10000, frontage_km=5.0)
    scaled = fight(20000, 10000, frontage_km=5.0, att_loss_scale=1.5, def_loss_scale=0.5)
    assert scaled.att_loss[0] == pytest.approx(1.5 * base.att_loss[0])
    assert scaled.def_loss[0] == pytest.approx(0.5 * base.def_loss[0])
    assert scaled.won[0] == base.won[0] and scaled.ratio[0] == base.ratio[0]      # the outcome is not touched
    # the daily cap still holds
    huge = fight(20000, 10000, frontage_km=5.0, att_loss_scale=1e6)
    assert huge.att_loss[0] == pytest.approx(CAP * huge.att_engaged[0])
