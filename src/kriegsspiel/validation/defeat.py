"""How much a beaten defender loses, by how the battle ended: CDB90's defender resolution codes (RESOD1,
CDB90DEF note 10: AA annihilated, PS pursued, WL withdrew with heavy losses, WD withdrew, ...) over the battles
of 1937-45 that the attacker won (WINA = 1), with the defender's casualties as a share of its men.

    python -m kriegsspiel.validation.defeat

The engine's pursuit loss (manoeuvre.yaml `pursuit_loss_share`) is the median share of a defender that withdrew
with heavy losses less that of one that withdrew in order: what a rout adds to the day's fighting.
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


def pursuit_loss_share(first: int = FIRST, last: int = LAST) -> float:
    """Median defender loss share when it withdrew with heavy losses (WL) minus when it withdrew (WD)."""
    s = shares(first, last)
    return round(s["WL"]["median"] - s["WD"]["median"], 3)


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    for k, v in shares().items():
        print(f"{k:3s} n={v['n']:3d} median {v['median']:.3f} mean {v['mean']:.3f} p25-p75 {v['p25']:.3f}-{v['p75']:.3f}")
    print("pursuit_loss_share", pursuit_loss_share())
