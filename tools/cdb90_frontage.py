"""CDB90 statistics for the frontage / breakthrough / exploitation model.

Run from the repository root::

    .venv/bin/python tools/cdb90_frontage.py

Prints Markdown tables (the ones in ``docs/sources/cdb90-frontage.md``):

1. front widths (WOFA1/WOFD1, km) -- coverage and men per km of front;
2. battle casualty rates (% of initial strength per day) by density and force ratio, and per engaged man
   with engaged = min(men, width x D);
3. advance rates (KMDA, km) by force ratio, posture and resolution (RESOA/RESOD codes), and the share of
   breakthrough-type resolutions by force ratio;
4. the loser's casualty % at the end of the battle (breakpoints) against the 40 % rule;
5. the captured share (CDB90 has none).

Rows are the project's fit set (``kriegsspiel.validation.cdb90.select``: 1900 on, duplicates, the five
1938-39 theatre battles and rows without outcome, strengths or posture dropped). WWII = the battles whose
WAR label begins "WORLD WAR II".

Durations are NOT the bundled ``battle_durations.csv`` values: that tidy table is wrong for many battles
(``duration2`` is 1.2x the active time where hours are known -- minutes divided by 1200, not 1440 -- and
multi-day battles with unknown hours are cut to about 2 days, e.g. Arras 1917, 9-23 April, reads 2.0).
They are recomputed here from the active time periods (ATPB*/ATPE*) of ``CDB90-patched.csv``; see
``durations``. Read-only: nothing is written.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kriegsspiel.validation import cdb90
from kriegsspiel.validation.cdb90 import durations

FR_BINS = [0, 1, 1.5, 2, 3, 5, 10, np.inf]
FR_LABELS = ["<1", "1-1.5", "1.5-2", "2-3", "3-5", "5-10", ">10"]
DENS_BINS = [0, 250, 500, 1000, 2000, 5000, np.inf]
DENS_LABELS = ["<250", "250-500", "500-1000", "1000-2000", "2000-5000", ">5000"]
POSTURES = ["HD", "PD", "FD", "DL", "WD"]
RELIEF = {"G": "rugged", "R": "rolling", "F": "flat"}
COVER = {"W": "heavily wooded", "M": "mixed", "B": "bare", "D": "desert"}
ENGAGED_D = (500, 1000, 2000)       # men per km of front that can fight (engaged-men variant)
MIN_ACTIVE_DAYS = 4 / 24            # QJM convention: short engagements scale with time, at least 4 h
BREAK_RULE = 40.0                   # the "40 % rule" (Lawrence, TDI blog "The 40% Rule")


# --------------------------------------------------------------------------------------------- durations
# ------------------------------------------------------------------------------------------------ data
def _pos(x):
    x = pd.to_numeric(x, errors="coerce")
    return x.where(x > 0)


def _codes(d: pd.DataFrame, prefix: str) -> pd.Series:
    return d[[f"{prefix}1", f"{prefix}2", f"{prefix}3"]].astype(str).apply(lambda r: set(r) - {"00", "nan"}, axis=1)


def load() -> tuple[pd.DataFrame, dict]:
    raw = cdb90.read_raw()
    d, dropped = cdb90.select(raw)
    out = pd.DataFrame({"isqno": d["isqno"].to_numpy(), "name": d["NAME"].to_numpy(), "war": d["WAR"].to_numpy(),
                        "year": d["year"].to_numpy()})
    v = lambda c: d[c].to_numpy()  # noqa: E731
    out["men_a"] = np.where(v("INTSTA") > 0, v("INTSTA"), v("STRA")).astype(float)
    out["men_d"] = np.where(v("INTSTD") > 0, v("INTSTD"), v("STRD")).astype(float)
    out["cas_a"] = np.where(v("CASA") >= 0, v("CASA"), np.nan)
    out["cas_d"] = np.where(v("CASD") >= 0, v("CASD"), np.nan)
    out["w_a"] = _pos(d["WOFA1"]).to_numpy()          # km, -1 = unknown
    out["w_d"] = _pos(d["WOFD1"]).to_numpy()
    out["w_changed"] = (_pos(d["WOFA2"]).notna() | _pos(d["WOFD2"]).notna()).to_numpy()
    kmda = pd.to_numeric(d["KMDA"], errors="coerce")
    out["kmda"] = kmda.where(kmda > -9999).to_numpy()  # -9999 = unknown; other negatives = attacker retreated
    out["wina"] = v("WINA").astype(int)
    out["post"] = v("POST1")
    out["terra"] = d["TERRA1"].astype(str).str.ljust(3, "0").to_numpy()
    out["crit"] = v("CRIT")
    # Japanese side from belligerents.actors only: the WAR label "WORLD WAR II (OKINAWA)" also sits on four
    # German-Soviet battles of 1945 (isqno 512-515, an overlap in Arnold's patch.yaml), so it is not used.
    out["japan"] = d["japan"].to_numpy()
    ra, rd, sch = _codes(d, "RESOA"), _codes(d, "RESOD"), _codes(d, "PRIA")
    out["bb"] = ra.apply(lambda s: "BB" in s).to_numpy()
    out["ps"] = ra.apply(lambda s: "PS" in s).to_numpy()
    out["pp"] = ra.apply(lambda s: "PP" in s).to_numpy()
    out["aa"] = rd.apply(lambda s: "AA" in s).to_numpy()
    out["wl"] = rd.apply(lambda s: "WL" in s).to_numpy()
    out["env"] = sch.apply(lambda s: bool(s & {"EE", "DE"})).to_numpy()
    out["broken"] = out["bb"] | out["ps"] | out["aa"]
    dur = d.apply(durations, axis=1, result_type="expand")
    out["act"], out["span"] = dur[0].to_numpy(), dur[1].to_numpy()
    out["bundled_days"] = np.where(v("duration2") > 0, v("duration2"), v("duration1"))
    out["ww2"] = out["war"].str.startswith("WORLD WAR II")
    # derived
    out["fr"] = out["men_a"] / out["men_d"]
    out["dens_a"] = out["men_a"] / out["w_a"]
    out["dens_d"] = out["men_d"] / out["w_d"]
    out["bday"] = np.maximum(out["act"], 1.0)                  # battle-days: a battle inside one day = 1 day
    out["aday"] = np.maximum(out["act"], MIN_ACTIVE_DAYS)      # active days, at least 4 h
    out["sday"] = np.maximum(out["span"], 1.0)                 # calendar span, at least 1 day (advance)
    for s in ("a", "d"):
        out[f"tot_{s}"] = 100 * out[f"cas_{s}"] / out[f"men_{s}"]
        out[f"r_{s}"] = out[f"tot_{s}"] / out["bday"]
        out[f"ra_{s}"] = out[f"tot_{s}"] / out["aday"]
    out["adv"] = out["kmda"] / out["sday"]
    out["adv_act"] = out["kmda"] / out["aday"]
    out["fr_bin"] = pd.cut(out["fr"], FR_BINS, labels=FR_LABELS, right=False)
    return out, {"raw": len(raw), "dropped": dropped, "n": len(out)}


# ------------------------------------------------------------------------------------------- helpers
def q(x) -> tuple[int, float, float, float]:
    x = pd.Series(x, dtype=float).dropna()
    if x.empty:
        return 0, np.nan, np.nan, np.nan
    return len(x), *np.percentile(x, [25, 50, 75])


def fmt(v, nd=None) -> str:
    if isinstance(v, str):
        return v
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "—"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    a = abs(v)
    nd = nd if nd is not None else (0 if a >= 100 else 1 if a >= 10 else 2 if a >= 0.1 else 3)
    return f"{v:,.{nd}f}"


def qcell(x) -> str:
    n, lo, med, hi = q(x)
    return "n=0" if n == 0 else f"{fmt(med)} ({fmt(lo)}–{fmt(hi)}) n={n}"


def mcell(x) -> str:
    n, _, med, _ = q(x)
    return "—" if n == 0 else f"{fmt(med)} (n={n})"


def table(title: str, header: list[str], rows: list[list]) -> None:
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for r in rows:
        print("| " + " | ".join(fmt(c) for c in r) + " |")


def spearman(x, y) -> str:
    m = pd.notna(x) & pd.notna(y)
    if m.sum() < 5:
        return "—"
    from scipy.stats import spearmanr
    r = spearmanr(np.asarray(x)[m], np.asarray(y)[m])
    return f"{r.statistic:+.2f} (p={r.pvalue:.2g}, n={int(m.sum())})"


def spearmanr_r(x, y) -> float:
    from scipy.stats import spearmanr
    m = pd.notna(x) & pd.notna(y)
    return float(spearmanr(np.asarray(x)[m], np.asarray(y)[m]).statistic)


def sets(e: pd.DataFrame):
    return [("1900+", e), ("WWII", e[e["ww2"]])]


# ---------------------------------------------------------------------------------------------- parts
def part0(e: pd.DataFrame, info: dict) -> None:
    print("## 0. Rows and durations\n")
    print(f"CDB90 battles: {info['raw']}; fit set (1900 on): {info['n']}; WWII: {int(e['ww2'].sum())}.\n")
    print("Dropped (sequential): " + "; ".join(f"{k}: {v}" for k, v in info["dropped"].items()))
    bad = e[e["war"].str.contains("OKINAWA") & ~e["japan"]]
    print("\nWAR label 'OKINAWA' on battles without a Japanese side: "
          + ", ".join(f"{r.isqno} {r.name.title()}" for r in bad.itertuples()) + ".")
    ratio = e["act"] / e["bundled_days"]
    rows = [["recomputed active days", *q(e["act"])], ["recomputed calendar span", *q(e["span"])],
            ["bundled battle_durations (duration2, else duration1)", *q(e["bundled_days"])]]
    table("Battle duration, days (1900+)", ["measure", "n", "q25", "median", "q75"], rows)
    long_ = e["act"] > 3
    print(f"\nRecomputed active time > 3 days: {int(long_.sum())} battles; the bundled value is <= 2.5 days for "
          f"{int((long_ & (e['bundled_days'] <= 2.5)).sum())} of them (worst: x{ratio.max():.0f}, "
          f"{e.loc[ratio.idxmax(), 'name']}). Where all clock times are known the bundled value is "
          f"1.2x the recomputed one; where they are not, the recomputed value counts whole calendar days "
          f"(median ratio recomputed/bundled over all rows {ratio.median():.2f}). "
          f"{int((e['act'] >= 1).sum())} battles last at least one day.")
    for lab, t in sets(e):
        ba, bd = t["tot_a"] / t["bundled_days"], t["tot_d"] / t["bundled_days"]
        print(f"\n{lab}: median %/day with the bundled durations: attacker {ba.median():.2f}, defender "
              f"{bd.median():.2f}; with the recomputed battle-days: attacker {t['r_a'].median():.2f}, defender "
              f"{t['r_d'].median():.2f}; mean attacker {ba.mean():.2f} vs {t['r_a'].mean():.2f}.")


def part1(e: pd.DataFrame) -> None:
    print("\n## 1. Front widths and men per km\n")
    rows = []
    for lab, s in sets(e):
        both = s["w_a"].notna() & s["w_d"].notna()
        rows.append([lab, len(s), int(s["w_a"].notna().sum()), int(s["w_d"].notna().sum()), int(both.sum()),
                     int((both & (s["w_a"] == s["w_d"])).sum()), int(s["w_changed"].sum())])
    table("Coverage of WOFA1 / WOFD1 (km, -1 = unknown)",
          ["set", "battles", "WOFA1 known", "WOFD1 known", "both", "WOFA1 = WOFD1", "a 2nd width (WOFA2/WOFD2)"], rows)

    rows = []
    for lab, s in sets(e):
        rows.append([lab, qcell(s["w_a"]), qcell(s["w_d"]), qcell(s["dens_a"]), qcell(s["dens_d"]),
                     qcell(s["dens_a"] / s["dens_d"])])
    table("Width (km) and men per km of front: median (q25–q75) n",
          ["set", "attacker width km", "defender width km", "attacker men/km", "defender men/km",
           "density ratio a/d"], rows)

    for lab, s in sets(e):
        rows = []
        for p in POSTURES:
            t = s[s["post"] == p]
            if len(t):
                rows.append([p, len(t), qcell(t["dens_a"]), qcell(t["dens_d"]), qcell(t["w_d"])])
        table(f"Men per km by defender posture (POST1), {lab}",
              ["POST1", "battles", "attacker men/km", "defender men/km", "defender width km"], rows)

    for lab, s in sets(e):
        rows = []
        for key, names, pos in (("relief", RELIEF, 0), ("cover", COVER, 1)):
            for code, name in names.items():
                t = s[s["terra"].str[pos] == code]
                if len(t):
                    rows.append([f"{key}: {name} ({code})", len(t), qcell(t["dens_a"]), qcell(t["dens_d"])])
        t = s[s["terra"].str[2] == "U"]
        rows.append(["special: urban (U)", len(t), qcell(t["dens_a"]), qcell(t["dens_d"])])
        t = s[s["terra"].str[2] == "M"]
        rows.append(["special: marsh (M)", len(t), qcell(t["dens_a"]), qcell(t["dens_d"])])
        table(f"Men per km by terrain (TERRA1 characters), {lab}",
              ["terrain", "battles", "attacker men/km", "defender men/km"], rows)

    rows = []
    for lab, s in sets(e):
        da = s.loc[s["men_a"].between(10000, 20000), "dens_a"]
        dd = s.loc[s["men_d"].between(10000, 20000), "dens_d"]
        pooled = pd.concat([da, dd])
        rows.append([lab, qcell(da), qcell(dd), qcell(pooled),
                     qcell(s.loc[s["men_a"].between(10000, 20000), "w_a"]),
                     qcell(s.loc[s["men_d"].between(10000, 20000), "w_d"])])
    table("Division-sized sides (10,000–20,000 men): men/km and width",
          ["set", "attacker men/km", "defender men/km", "either side, pooled", "attacker width km",
           "defender width km"], rows)


def part2(e: pd.DataFrame) -> None:
    print("\n## 2. Casualty rates vs force ratio and density\n")
    for lab, s in sets(e):
        rows = []
        for b in FR_LABELS + ["all"]:
            t = s if b == "all" else s[s["fr_bin"] == b]
            nj = t[~t["japan"]]
            rows.append([b, len(t), mcell(t["r_a"]), mcell(t["r_d"]), mcell(t["ra_a"]), mcell(t["ra_d"]),
                         mcell(t["tot_a"]), mcell(t["tot_d"]), mcell(t["cas_a"] / t["cas_d"]),
                         f"{fmt(nj['r_a'].median())} / {fmt(nj['r_d'].median())} (n={len(nj)})"])
        table(f"Casualty rate by force ratio (men_a/men_d), {lab}: medians",
              ["force ratio", "battles", "att %/battle-day", "def %/battle-day", "att %/active day",
               "def %/active day", "att % total", "def % total", "cas ratio a/d",
               "att / def %/battle-day without battles against Japan"], rows)
        print(f"\nSpearman rho vs force ratio ({lab}): attacker %/battle-day {spearman(s['fr'], s['r_a'])}; "
              f"defender %/battle-day {spearman(s['fr'], s['r_d'])}; attacker %/active day "
              f"{spearman(s['fr'], s['ra_a'])}; defender %/active day {spearman(s['fr'], s['ra_d'])}.")

    for lab, s in sets(e):
        rows = []
        for b in DENS_LABELS:
            ta = s[pd.cut(s["dens_a"], DENS_BINS, labels=DENS_LABELS, right=False) == b]
            td = s[pd.cut(s["dens_d"], DENS_BINS, labels=DENS_LABELS, right=False) == b]
            rows.append([b, mcell(ta["r_a"]), mcell(td["r_d"]), mcell(ta["cas_a"] / ta["w_a"] / ta["bday"]),
                         mcell(td["cas_d"] / td["w_d"] / td["bday"]), mcell(ta["men_a"]), mcell(td["men_d"])])
        table(f"Casualty rate by own density (men/km), {lab}: medians",
              ["own men/km", "att %/battle-day", "def %/battle-day", "att casualties per km per day",
               "def casualties per km per day", "attacker men", "defender men"], rows)
        print(f"\nSpearman ({lab}): attacker %/battle-day vs own men/km {spearman(s['dens_a'], s['r_a'])}, "
              f"vs own men {spearman(s['men_a'], s['r_a'])}, vs width {spearman(s['w_a'], s['r_a'])}; "
              f"defender %/battle-day vs own men/km {spearman(s['dens_d'], s['r_d'])}, "
              f"vs own men {spearman(s['men_d'], s['r_d'])}, vs width {spearman(s['w_d'], s['r_d'])}.")

    print("\n#### Engaged men: engaged = min(men, width x D)\n")
    print("Rates are casualties / engaged / battle-days (%), on battles with both widths and both casualties.")
    for lab, s in sets(e):
        s = s[s["w_a"].notna() & s["w_d"].notna() & s["cas_a"].notna() & s["cas_d"].notna()]
        rows = []
        for D in ENGAGED_D:
            ea = np.minimum(s["men_a"], s["w_a"] * D)
            ed = np.minimum(s["men_d"], s["w_d"] * D)
            ra = 100 * s["cas_a"] / ea / s["bday"]
            rd = 100 * s["cas_d"] / ed / s["bday"]
            efr = ea / ed
            cells = [f"D={D}", fmt(100 * float((s["men_a"] > s["w_a"] * D).mean()), 0) + "% / "
                     + fmt(100 * float((s["men_d"] > s["w_d"] * D).mean()), 0) + "%",
                     fmt(100 * float(efr.between(0.9, 1.1).mean()), 0) + "%"]
            for b in FR_LABELS:
                m = s["fr_bin"] == b
                cells.append(f"{fmt(ra[m].median())} / {fmt(rd[m].median())} ({int(m.sum())})")
            cells += [spearman(s["fr"], ra), spearman(s["men_a"], ra), spearman(s["men_d"], rd)]
            rows.append(cells)
        ra0 = 100 * s["cas_a"] / s["men_a"] / s["bday"]
        rd0 = 100 * s["cas_d"] / s["men_d"] / s["bday"]
        cells = ["all men", "—", fmt(100 * float(s["fr"].between(0.9, 1.1).mean()), 0) + "%"]
        for b in FR_LABELS:
            m = s["fr_bin"] == b
            cells.append(f"{fmt(ra0[m].median())} / {fmt(rd0[m].median())} ({int(m.sum())})")
        cells += [spearman(s["fr"], ra0), spearman(s["men_a"], ra0), spearman(s["men_d"], rd0)]
        rows.append(cells)
        table(f"Attacker / defender % of engaged men per battle-day, by (whole-force) force ratio, {lab} "
              f"(n={len(s)})",
              ["D men/km", "sides capped a / d", "engaged FR 0.9-1.1"] + [f"FR {b}" for b in FR_LABELS]
              + ["rho(att rate, FR)", "rho(att rate, att men)", "rho(def rate, def men)"], rows)

    print("\nWhich normalisation makes the rates most alike? IQR of log10(rate) (smaller = more alike) and "
          "Spearman rho of the rate with own density, the force ratio and own men.")
    for lab, s in sets(e):
        s = s[s["w_a"].notna() & s["w_d"].notna() & (s["cas_a"] > 0) & (s["cas_d"] > 0)]
        rows = []
        for D in (None, 250, 500, 1000, 2000, 4000):
            ea = s["men_a"] if D is None else np.minimum(s["men_a"], s["w_a"] * D)
            ed = s["men_d"] if D is None else np.minimum(s["men_d"], s["w_d"] * D)
            ra = 100 * s["cas_a"] / ea / s["bday"]
            rd = 100 * s["cas_d"] / ed / s["bday"]
            iqr = lambda x: float(np.subtract(*np.percentile(np.log10(x), [75, 25])))  # noqa: E731
            rho = lambda x, y: f"{spearmanr_r(x, y):+.2f}"  # noqa: E731
            rows.append(["all men" if D is None else f"D={D}", f"{iqr(ra):.2f} / {iqr(rd):.2f}",
                         f"{rho(ra, s['dens_a'])} / {rho(rd, s['dens_d'])}", f"{rho(ra, s['fr'])} / {rho(rd, s['fr'])}",
                         f"{rho(ra, s['men_a'])} / {rho(rd, s['men_d'])}"])
        table(f"Homogeneity of casualty rates per engaged man, {lab} (n={len(s)}, casualties > 0)",
              ["engaged", "IQR log10 rate a / d", "rho with own men/km a / d", "rho with force ratio a / d",
               "rho with own men a / d"], rows)

    print("\nLog-log fit (OLS): ln(casualties per battle-day) = c + b1 ln(own men) + b2 ln(enemy men) "
          "+ b3 ln(own width km); coefficient (standard error).")
    for lab, s in sets(e):
        rows = []
        for who, cas, own, oth, w in (("attacker", "cas_a", "men_a", "men_d", "w_a"),
                                      ("defender", "cas_d", "men_d", "men_a", "w_d")):
            t = s[s[w].notna() & (s[cas] > 0)]
            X = np.column_stack([np.ones(len(t)), np.log(t[own]), np.log(t[oth]), np.log(t[w])])
            y = np.log(t[cas] / t["bday"]).to_numpy()
            b, *_ = np.linalg.lstsq(X, y, rcond=None)
            res = y - X @ b
            cov = np.linalg.inv(X.T @ X) * (res @ res) / (len(y) - X.shape[1])
            se = np.sqrt(np.diag(cov))
            r2 = 1 - (res @ res) / float(((y - y.mean()) ** 2).sum())
            rows.append([who, len(t)] + [f"{bi:+.2f} ({si:.2f})" for bi, si in zip(b[1:], se[1:])] + [f"{r2:.2f}"])
        table(f"Casualties per day vs own men, enemy men and width, {lab}",
              ["side", "n", "b1 own men", "b2 enemy men", "b3 own width", "R2"], rows)


def part3(e: pd.DataFrame) -> None:
    print("\n## 3. Advance (KMDA) and breakthroughs\n")
    rows = []
    for lab, s in sets(e):
        k = s["kmda"]
        rows.append([lab, len(s), int(k.notna().sum()), int((k > 0).sum()), int((k == 0).sum()), int((k < 0).sum()),
                     qcell(k[k > 0])])
    table("KMDA coverage (km; -9999 unknown, negative = attacker fell back)",
          ["set", "battles", "known", ">0", "=0", "<0", "km when >0"], rows)

    for lab, s in sets(e):
        rows = []
        for b in FR_LABELS + ["all"]:
            t = s if b == "all" else s[s["fr_bin"] == b]
            won = t[t["wina"] == 1]
            rows.append([b, len(t), qcell(t["adv"]), mcell(t["adv_act"]), mcell(won["adv"]),
                         fmt(100 * t["wina"].eq(1).mean(), 0), fmt(100 * t["bb"].mean(), 0),
                         fmt(100 * t["broken"].mean(), 0), fmt(100 * (t["pp"] & ~t["bb"]).mean(), 0),
                         fmt(100 * t["env"].mean(), 0)])
        table(f"Advance and resolution by force ratio, {lab}",
              ["force ratio", "battles", "km/battle-day median (q25–q75) n", "km/active day", "km/battle-day, attacker won",
               "% att won", "% BB", "% broken (BB/PS/AA)", "% PP without BB", "% envelopment scheme"], rows)
        print(f"\nSpearman rho ({lab}): km/battle-day vs force ratio {spearman(s['fr'], s['adv'])}.")

    for lab, s in sets(e):
        rows = []
        for b in FR_LABELS:
            t = s[s["fr_bin"] == b]
            rows.append([b, mcell(t.loc[t["post"].isin(["HD", "DL", "WD"]), "adv"]),
                         mcell(t.loc[t["post"] == "PD", "adv"]), mcell(t.loc[t["post"] == "FD", "adv"]),
                         mcell(t.loc[~t["japan"], "adv"])])
        table(f"Advance km/battle-day by force ratio and posture, {lab}: medians",
              ["force ratio", "HD/DL/WD", "PD", "FD", "without battles against Japan"], rows)

    for lab, s in sets(e):
        rows = []
        for p in POSTURES:
            t = s[s["post"] == p]
            if len(t):
                rows.append([p, len(t), qcell(t["adv"]), mcell(t["fr"]), fmt(100 * t["bb"].mean(), 0),
                             fmt(100 * t["broken"].mean(), 0)])
        table(f"Advance by defender posture, {lab}",
              ["POST1", "battles", "km/battle-day median (q25–q75) n", "median force ratio", "% BB",
               "% broken"], rows)

    cats = [("breakthrough (BB in RESOA1-3)", "bb"), ("pursuit (PS in RESOA1-3)", "ps"),
            ("defender annihilated (AA in RESOD1-3)", "aa"), ("defender withdrew with heavy losses (WL)", "wl"),
            ("broken = BB or PS or AA", "broken"), ("penetration (PP) without BB", None),
            ("envelopment scheme (EE/DE in PRIA1-3)", "env")]
    for lab, s in sets(e):
        rows = []
        for name, col in cats:
            m = (s["pp"] & ~s["bb"]) if col is None else s[col]
            t = s[m]
            rows.append([name, len(t), qcell(t["adv"]), mcell(t["adv_act"]), mcell(t["fr"]), mcell(t["dens_d"]),
                         mcell(t["tot_d"])])
        t = s[~s["broken"] & (s["wina"] == 1)]
        rows.append(["attacker won, not broken", len(t), qcell(t["adv"]), mcell(t["adv_act"]), mcell(t["fr"]),
                     mcell(t["dens_d"]), mcell(t["tot_d"])])
        t = s[s["wina"] != 1]
        rows.append(["attacker lost or drew", len(t), qcell(t["adv"]), mcell(t["adv_act"]), mcell(t["fr"]),
                     mcell(t["dens_d"]), mcell(t["tot_d"])])
        table(f"Advance by resolution, {lab}",
              ["resolution", "battles", "km/battle-day median (q25–q75) n", "km/active day", "force ratio",
               "defender men/km", "defender % lost"], rows)

    for lab, s in sets(e):
        rows = []
        for b in DENS_LABELS:
            t = s[pd.cut(s["dens_d"], DENS_BINS, labels=DENS_LABELS, right=False) == b]
            rows.append([b, len(t), fmt(100 * t["bb"].mean(), 0) if len(t) else "—",
                         fmt(100 * t["broken"].mean(), 0) if len(t) else "—",
                         fmt(100 * t["wina"].eq(1).mean(), 0) if len(t) else "—", mcell(t["fr"]), mcell(t["adv"])])
        table(f"Breakthrough share by defender density (men/km), {lab}",
              ["defender men/km", "battles", "% BB", "% broken", "% att won", "force ratio", "km/battle-day"], rows)


    t = e[e["ww2"] & (e["bb"] | e["ps"])].sort_values("adv", ascending=False)
    rows = [[r.isqno, r.name.title(), int(r.year), r.post, fmt(r.fr), fmt(r.kmda), fmt(r.span), fmt(r.adv),
             "/".join(k.upper() for k in ("bb", "ps") if getattr(r, k))] for r in t.itertuples()]
    table("WWII battles with a breakthrough (BB) or pursuit (PS) resolution",
          ["isqno", "name", "year", "POST1", "force ratio", "KMDA km", "span days", "km/battle-day", "code"], rows)


def part4(e: pd.DataFrame) -> None:
    print("\n## 4. Breakpoints: the loser's casualties at the end of the battle\n")
    groups = [("1900+", e), ("1900+, clear-cut (CRIT=1)", e[e["crit"] == 1]), ("WWII", e[e["ww2"]]),
              ("WWII without battles against Japan", e[e["ww2"] & ~e["japan"]])]
    rows = []
    for lab, s in groups:
        for who, m, col, wcol in (("defender (attack won)", s["wina"] == 1, "tot_d", "tot_a"),
                                  ("attacker (attack failed)", s["wina"] == -1, "tot_a", "tot_d")):
            t = s[m]
            x = t[col].dropna()
            pct = list(np.percentile(x, [10, 25, 50, 75, 90])) if len(x) else [np.nan] * 5
            rows.append([lab, who, len(x), *pct,
                         fmt(100 * (x >= BREAK_RULE).mean(), 0), fmt(100 * (x >= 20).mean(), 0),
                         mcell(t[wcol]), mcell(t[col.replace("tot", "r")])])
    table("Loser's casualties, % of initial strength (casualties include captured)",
          ["set", "loser", "n", "p10", "q25", "median", "q75", "p90", f"% ≥{BREAK_RULE:.0f}", "% ≥20",
           "winner's % (median)", "loser's %/battle-day"], rows)

    for lab, s in sets(e):
        t = s[(s["wina"] == 1) & (s["tot_d"] >= BREAK_RULE)]
        print(f"\n{lab}: of the {len(t)} defeated defenders with >= {BREAK_RULE:.0f} % lost, {int(t['aa'].sum())} were "
              f"annihilated (AA), {int(t['japan'].sum())} fought in battles against Japan, "
              f"{int((t['aa'] | t['japan']).sum())} either; {int((t['aa'] | t['wl'] | t['japan']).sum())} AA, WL or "
              f"against Japan.")
    rows = []
    for lab, s in (("1900+", e), ("WWII", e[e["ww2"]])):
        t = s[s["wina"] == 1]
        for name, m in (("defender annihilated (AA)", t["aa"]), ("withdrew with heavy losses (WL)", t["wl"] & ~t["aa"]),
                        ("breakthrough (BB), not AA/WL", t["bb"] & ~t["aa"] & ~t["wl"]),
                        ("other attacker wins", ~t["aa"] & ~t["wl"] & ~t["bb"])):
            rows.append([lab, name, qcell(t.loc[m, "tot_d"]), qcell(t.loc[m, "r_d"])])
    table("Defender's % lost when the attack won, by resolution",
          ["set", "resolution", "defender % lost", "defender %/battle-day"], rows)

    rows = []
    for lab, s in (("1900+", e), ("WWII", e[e["ww2"]])):
        for p in POSTURES:
            t = s[(s["wina"] == 1) & (s["post"] == p)]
            if len(t):
                rows.append([lab, p, qcell(t["tot_d"])])
    table("Defender's % lost when the attack won, by posture", ["set", "POST1", "defender % lost"], rows)


def part5(e: pd.DataFrame) -> None:
    print("\n## 5. Captured share\n")
    print("CDB90 has one casualty field per side (CASA/CASD: killed, wounded, missing and captured together); "
          "there is no captured or missing field. Proxy: the loser's % lost where the defender was annihilated "
          "(AA) or withdrew with heavy losses (WL), above.")
    s = e[e["wina"] == 1]
    print(f"\nAA battles (attack won): n={int(s['aa'].sum())}, defender % lost {qcell(s.loc[s['aa'], 'tot_d'])}.")


def main() -> None:
    pd.set_option("display.width", 200)
    e, info = load()
    print("# CDB90: frontage, casualty rates, advance and breakpoints (tools/cdb90_frontage.py)")
    part0(e, info)
    part1(e)
    part2(e)
    part3(e)
    part4(e)
    part5(e)


if __name__ == "__main__":
    main()
