"""The pursuit loss share in manoeuvre.yaml is the one CDB90 gives (validation.defeat)."""

import yaml

from kriegsspiel.params import default_params
from kriegsspiel.validation import defeat


def test_pursuit_share_is_computed_from_cdb90():
    s = defeat.shares()
    assert s["WL"]["n"] >= 10 and s["WD"]["n"] >= 30
    # a defender that withdrew with heavy losses lost more than one that withdrew in order, less than one annihilated
    assert s["WD"]["median"] < s["WL"]["median"] < s["AA"]["median"]
    assert default_params()["manoeuvre.pursuit_loss_share"] == defeat.pursuit_loss_share()


def test_the_parameter_file_names_its_source():
    import importlib.resources as r
    text = r.files("kriegsspiel.data").joinpath("parameters/manoeuvre.yaml").read_text()
    assert "kriegsspiel.validation.defeat" in text and "pursuit_loss_share" in yaml.safe_load(text)


def test_armour_pursuit_probability_is_computed_from_cdb90():
    # with the armour advantage a defence that fell back more often withdrew with heavy losses than
    # without it; the parameter and the split it uses are the module's
    n = defeat.beaten_with_armour()
    with_adv, without = (n[k] for k in ("advantage", "none"))
    share = {k: v["WL"] / (v["WD"] + v["WL"]) for k, v in n.items()}
    assert sum(with_adv.values()) >= 30 and sum(without.values()) >= 20
    assert share["advantage"] > share["none"]
    p = default_params()
    assert p["manoeuvre.armour_pursuit_probability"] == defeat.armour_pursuit_probability()
    assert (p["manoeuvre.armour_pursuit_ratio"], p["manoeuvre.armour_pursuit_tanks"]) == (defeat.ARMOUR_RATIO,
                                                                                           defeat.ARMOUR_TANKS)
