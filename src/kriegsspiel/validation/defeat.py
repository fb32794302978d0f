"""How much a beaten defender loses, by how the battle ended: CDB90's defender resolution codes (RESOD1,
CDB90DEF note 10: AA annihilated, PS pursued, WL withdrew with heavy losses, WD withdrew, ...) over the battles
of 1937-45 that the attacker won (WINA = 1), with the defender's casualties as a share of its men.

    python -m kriegsspiel.validation.defeat

The engine's pursuit loss (manoeuvre.yaml `pursuit_loss_share`) is the median share of a defender that withdrew
with heavy losses less that of one that withdrew in order: what a rout adds to the day's fighting. Its armoured
pursuit (`armour_pursuit_probability`) is how much more often a defence beaten by an attacker with the armour
advantage (more than three times the defender's tanks and twenty more) withdrew with heavy losses than one
beaten without it.
"""

from __future__ import annotations

import numpy as np

from .cdb90 import read_raw

FIRST, LAST = 1937, 1945


def shares(first: int = FIRST, last: int = LAST) -> dict:
    """{code: {n, median, mean, p25, p75}} of the defender's casualties / men in battles the attacker won."""
    d = read_raw()
    d = d[(d["year"] >= first) & (d["year"] <= last) & d["parent"].isna() & (d["WINA"] == 1)]
    men = np.where(d["INTSTD"] > 0, d["INTSTD"], d["STRD"])
    ok = (men > 0) & (d["CASD"] >= 0)
    share = d["CASD"].to_numpy(float)[ok] / men[ok]
    code = d["RESOD1"].astype(str).str.strip().to_numpy()[ok]
    out = {}
    for c in sorted(set(code)):
        s = share[code == c]
        out[c] = {"n": int(len(s)), "median": float(np.median(s)), "mean": float(np.mean(s)),
                  "p25": float(np.percentile(s, 25)), "p75": float(np.percentile(s, 75))}
    return out


# the armour advantage: attacker tanks above this multiple of the defender's plus this many (ASSUMPTION: a clear
# superiority, not a few tanks more; manoeuvre.yaml armour_pursuit_ratio, armour_pursuit_tanks)
ARMOUR_RATIO, ARMOUR_TANKS = 3.0, 20.0


def beaten_with_armour(first: int = FIRST, last: int = LAST) -> dict:
    """{advantage: {code: n}}: the defender's resolution (WD, WL, AA) in battles the attacker won, split by whether
    the attacker had the armour advantage (TANKA > ARMOUR_RATIO x TANKD + ARMOUR_TANKS; missing tanks count 0)."""
    d = read_raw()
    d = d[(d["year"] >= first) & (d["year"] <= last) & d["parent"].isna() & (d["WINA"] == 1)]
    ta = d["TANKA"].astype(float).fillna(0).clip(lower=0)
    td = d["TANKD"].astype(float).fillna(0).clip(lower=0)
    adv = (ta > ARMOUR_RATIO * td + ARMOUR_TANKS).to_numpy()
    code = d["RESOD1"].astype(str).str.strip().to_numpy()
    return {k: {c: int(((code == c) & (adv == a)).sum()) for c in ("WD", "WL", "AA")}
            for k, a in (("advantage", True), ("none", False))}


def armour_pursuit_probability(first: int = FIRST, last: int = LAST) -> float:
    """The armour advantage's own share of pursuits: with w = WL / (WD + WL), the share of the defences that fell back
    which withdrew with heavy losses, (w_advantage - w_none) / (1 - w_none) -- the chance that a withdrawal the
    engine's ratio rules leave in order (they give about CDB90's overall rate, manoeuvre.md section 3) is pursued
    because the attacker had the armour. The annihilated (AA) are the engine's overrun, not a withdrawal."""
    n = beaten_with_armour(first, last)
    w = {k: v["WL"] / max(1, v["WD"] + v["WL"]) for k, v in n.items()}
    return round((w["advantage"] - w["none"]) / (1.0 - w["none"]), 3)


def pursuit_loss_share(first: int = FIRST, last: int = LAST) -> float:
    """Median defender loss share when it withdrew with heavy losses (WL) minus when it withdrew (WD)."""
    s = shares(first, last)
    return round(s["WL"]["median"] - s["WD"]["median"], 3)


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    for k, v in shares().items():
        print(f"{k:3s} n={v['n']:3d} median {v['median']:.3f} mean {v['mean']:.3f} p25-p75 {v['p25']:.3f}-{v['p75']:.3f}")
    print("pursuit_loss_share", pursuit_loss_share())
    print("beaten, by armour advantage", beaten_with_armour())
    print("armour_pursuit_probability", armour_pursuit_probability())
