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
