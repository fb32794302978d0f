"""CDB90 battles as engagements in the ground-combat model's terms.

Source: CAA Database of Battles 1990 (U.S. Army Concepts Analysis Agency, public domain), in Jeffrey B.
Arnold's edition (github.com/jrnold/CDB90, ODC-BY 1.0), bundled in ``kriegsspiel/data/cdb90/`` (see its
README). Codes are those of CAA's codebook ``CDB90DEF.csv`` (notes 2-7); outcome and advantage codes are
read from ``CDB90-patched.csv`` because the tidy tables blanked every negative code.

Each battle becomes one row of an :class:`Engagements` table: column 0 of the two-column arrays is the
attacker, column 1 the defender. The mappings of CDB90 codes onto the model's classes (``POST_TO_POSTURE``,
``terrain_class``, ``weather_class``, ``season_class``) are written out below as data with their reasons.
Nothing is read at import; :func:`load` reads the bundled CSVs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from ..params import POSTURES, SURPRISE, Params

# The five battles of the 1938-39 Soviet-Japanese border war ("THE MANCHURIAN INCIDENT (1938-1939)":
# Changkufeng/Lake Khasan 256-258, Nomonhan/Khalkhin Gol 259-260). They are the theatre's own battles and
# stay out of every fit; they are predicted, never trained on.
THEATRE_ISQNO = (256, 257, 258, 259, 260)
FIRST_YEAR = 1900

# CDB90DEF note 2 (defender's primary posture POST1) -> params.POSTURES. 'OO' (not available) has no
# counterpart and drops the battle.
POST_TO_POSTURE = {
    "HD": "hasty_defence",
    "PD": "prepared_defence",
    "FD": "fortified_defence",
    "DL": "delay",
    "WD": "withdrawal",
}

# CDB90DEF note 3, TERRA1 = 3 characters: relief (G rugged, R rolling, F flat), cover (W heavily wooded,
# M mixed, B bare, D desert), special (U urban, M marsh/swamp, D dunes; 0 none). Target: the QJM terrain
# classes of data/parameters/ground.yaml (Dupuy, NPW p. 228). The special character takes precedence
# because the QJM lists urban, swamp and dunes as classes of their own.
TERRAIN_SPECIAL = {"U": "urban", "D": "desert_sandy_dunes"}  # 'M' marsh: see terrain_class
TERRAIN_RELIEF_COVER = {
    ("G", "W"): "rugged_heavily_wooded",
    ("G", "M"): "rugged_mixed",
    ("G", "B"): "rugged_bare",
    ("G", "D"): "rugged_bare",            # ASSUMPTION: the QJM has no rugged desert; bare rugged is nearest
    ("R", "W"): "rolling_heavily_wooded",
    ("R", "M"): "rolling_mixed",
    ("R", "B"): "rolling_bare",
    ("R", "D"): "flat_desert",            # ASSUMPTION: the QJM's desert class is not split by relief
    ("F", "W"): "flat_heavily_wooded",
    ("F", "M"): "flat_mixed",
    ("F", "B"): "flat_bare_hard",
    ("F", "D"): "flat_desert",
}
TERRAIN_DEFAULT = "rolling_mixed"         # ASSUMPTION for code '0' (not available): the modal CDB90 class


def terrain_class(code: str) -> str:
    """A CDB90 TERRA1 code (e.g. 'RM0') -> QJM terrain class name."""
    code = (str(code) + "000")[:3]
    relief, cover, special = code[0], code[1], code[2]
    if special == "M":
        return "swamp_jungled" if cover == "W" else "swamp_mixed_or_open"
    if special in TERRAIN_SPECIAL:
        return TERRAIN_SPECIAL[special]
    if relief == "0" and cover == "D":
        return "flat_desert"
    return TERRAIN_RELIEF_COVER.get((relief, cover), TERRAIN_DEFAULT)


# CDB90DEF note 4, WX1 = 5 characters: moisture (W wet, D dry), sky (H heavy precipitation, L light,
# O overcast, S sunny), temperature (H hot, T temperate, C cold), season (S summer, $ spring, F fall,
# W winter; tidy enum_wx4), climate (E tropical, D desert, T temperate). Target: the weather classes of
# ground.yaml (Dupuy, NPW p. 229). Order of precedence (ASSUMPTION): precipitation, then extreme
# temperature, then cloud -- the order in which the NPW factors depart furthest from 1.
def weather_class(code: str) -> str:
    """A CDB90 WX1 code (e.g. 'DSTST') -> QJM weather class name."""
    code = (str(code) + "00000")[:5]
    wet, sky, temp = code[0], code[1], code[2]
    if sky == "H":
        return "wet_heavy_temperate"
    if sky == "L" or wet == "W":
        return "wet_light_temperate"
    if temp == "H":
        return "dry_sunshine_extreme_heat"
    if temp == "C":
        return "dry_sunshine_extreme_cold"
    if sky == "O":
        return "dry_overcast_temperate"
    return "dry_sunshine_temperate"


def season_class(code: str) -> str:
    """A CDB90 WX1 code -> ground.yaml season class (NPW season factors, F01 'Season').

    ground.yaml tabulates summer-temperate (attack 1.1), summer-desert and winter-temperate (both 1.0).
    ASSUMPTION: desert and tropical climates take the desert row; temperate spring, fall and winter (and
    unknown) take winter-temperate, i.e. only a temperate summer raises the attacker's power.
    """
    code = (str(code) + "00000")[:5]
    season, climate = code[3], code[4]
    if climate in ("D", "E"):
        return "summer_desert"
    if season == "S":
        return "summer_temperate"
    return "winter_temperate"


# CDB90DEF note 5: SURPA +1..+3 minor/substantial/complete surprise by the attacker, -1..-3 by the defender.
# The index is params.SURPRISE (0 none .. 3 complete) for the side that has it.
def surprise_levels(surpa: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SURPA codes -> (attacker's surprise index, defender's surprise index), each 0..3; 9 (unknown) -> 0."""
    s = np.where(np.abs(surpa) <= 3, surpa, 0).astype(int)
    return np.maximum(s, 0), np.maximum(-s, 0)


@dataclass(frozen=True)
class Engagements:
    """One row per battle. Two-column arrays: [:, 0] attacker, [:, 1] defender."""

    isqno: np.ndarray            # (n,) int
    name: np.ndarray             # (n,) str
    war: np.ndarray              # (n,) str
    year: np.ndarray             # (n,) int
    men: np.ndarray              # (n, 2) initial personnel (INTST, else total STR)
    guns: np.ndarray             # (n, 2) artillery tubes (ARTY; missing -> 0)
    tanks: np.ndarray            # (n, 2) tanks (TANK; missing -> 0)
    sorties: np.ndarray          # (n, 2) close-air-support sorties over the battle (FLY; missing -> 0)
    posture_idx: np.ndarray      # (n,) index into params.POSTURES (defender's POST1)
    terrain: np.ndarray          # (n,) QJM terrain class name
    weather: np.ndarray          # (n,) QJM weather class name
    season: np.ndarray           # (n,) ground.yaml season class name
    surprise_att: np.ndarray     # (n,) 0..3 (params.SURPRISE) achieved by the attacker
    surprise_def: np.ndarray     # (n,) 0..3 achieved by the defender
    air_superiority: np.ndarray  # (n,) AEROA: +1 attacker, 0 neither, -1 defender, nan unknown
    front_km: np.ndarray         # (n, 2) width of front at the start (WOFA1/WOFD1), nan unknown
    days: np.ndarray             # (n,) days of active combat (`active_days`)
    outcome: np.ndarray          # (n,) WINA: +1 attacker won, -1 lost, 0 draw
    casualties: np.ndarray       # (n, 2) battle casualties (killed+wounded+missing+captured), nan unknown
    insensitive: np.ndarray      # (n,) bool: a casualty-insensitive (Japanese, WWII and 1938-39) side fights
    cea: np.ndarray              # (n,) judgemental relative combat effectiveness -4..4, nan unknown (never a headline input)

    def __len__(self) -> int:
        return len(self.isqno)

    def take(self, idx) -> "Engagements":
        return Engagements(**{f.name: getattr(self, f.name)[idx] for f in dataclasses.fields(self)})

    @property
    def decisive(self) -> np.ndarray:
        return self.outcome != 0

    def terrain_idx(self, p: Params) -> np.ndarray:
        return np.array([p.terrain_names.index(t) for t in self.terrain], dtype=int)

    def weather_idx(self, p: Params) -> np.ndarray:
        return np.array([p.weather_names.index(w) for w in self.weather], dtype=int)

    def season_attack(self, p: Params) -> np.ndarray:
        return np.array([p.season[s]["attack"] for s in self.season], dtype=float)


def _files():
    return resources.files("kriegsspiel.data").joinpath("cdb90")


def read_raw() -> pd.DataFrame:
    """All 660 battles: the patched CAA table joined with `parent`, year, durations and Japanese participation."""
    base = _files()
    with base.joinpath("CDB90-patched.csv").open("rb") as f:
        d = pd.read_csv(f, low_memory=False)
    with base.joinpath("battles.csv").open("rb") as f:
        b = pd.read_csv(f, usecols=["isqno", "parent"])
    with base.joinpath("battle_durations.csv").open("rb") as f:
        du = pd.read_csv(f)
    with base.joinpath("belligerents.csv").open("rb") as f:
        bel = pd.read_csv(f, usecols=["isqno", "actors"])
    japan = set(bel.loc[bel["actors"].fillna("").str.contains("Japan"), "isqno"])
    d = d.rename(columns={"ISQNO": "isqno"}).merge(b, on="isqno", how="left").merge(du, on="isqno", how="left")
    extra = {"year": pd.to_datetime(d["datetime_min"], errors="coerce").dt.year, "japan": d["isqno"].isin(japan)}
    for c in ("STRA", "INTSTA", "CASA", "STRD", "INTSTD", "CASD"):
        extra[c] = pd.to_numeric(d[c], errors="coerce")
    return pd.concat([d.drop(columns=[c for c in extra if c in d]), pd.DataFrame(extra)], axis=1)


def _hours(hhmm: int) -> float:
    return hhmm // 100 + (hhmm % 100) / 60


def durations(row) -> tuple[float, float]:
    """(active days, span days) from CDB90's active time periods (NOATP, ATPB*/ATPE* i=1..NOATP).

    CDB90DEF note 12: an unknown hour is 9999 -> the period starts at 00:00 of its first date and ends at
    24:00 of its last date (whole calendar days: an upper bound). A known duration without clock times is
    coded start 5000, end 5000 + duration; the duration is read in hours (Pusan Perimeter 16-17 Sep 1950,
    5036 -> 36 h; Gaza-Khan Yunis, 2 Nov 1956, 5020 -> 20 h: both fit their dates only as hours).
    Unknown dates (9999/99) -> nan.
    """
    n = int(row["NOATP"]) if row["NOATP"] > 0 else 0
    active, first, last = 0.0, None, None
    for i in range(1, n + 1):
        try:
            by, bm, bd, bh = (int(float(row[f"ATPB{k}{i}"])) for k in ("YR", "MN", "DA", "HR"))
            ey, em, ed, eh = (int(float(row[f"ATPE{k}{i}"])) for k in ("YR", "MN", "DA", "HR"))
        except (TypeError, ValueError):
            return np.nan, np.nan
        if 9999 in (by, ey) or 99 in (bm, bd, em, ed):
            return np.nan, np.nan
        b, e = dt.datetime(by, bm, bd), dt.datetime(ey, em, ed)
        if 5000 <= bh < 9999:
            s, f = b, b + dt.timedelta(hours=eh - 5000)
        else:
            s = b if bh == 9999 else b + dt.timedelta(hours=_hours(bh))
            f = e + dt.timedelta(days=1) if eh == 9999 else e + dt.timedelta(hours=_hours(eh))
        active += (f - s).total_seconds() / 86400
        first = s if first is None else min(first, s)
        last = f if last is None else max(last, f)
    if first is None:
        return np.nan, np.nan
    return active, (last - first).total_seconds() / 86400


def active_days(d: pd.DataFrame) -> np.ndarray:
    """Days of active combat of each row: recomputed from the active time periods (`durations`); the bundled
    `battle_durations.csv` value only where the periods are unknown. The bundled `duration2` is 1.2x the active
    time where hours are known (minutes / 1200) and cuts multi-day battles with unknown hours to about 2 days
    (Arras 1917, 9-23 April, reads 2.0): docs/sources/cdb90-frontage.md."""
    act = np.array([durations(row)[0] for _, row in d.iterrows()], dtype=float)
    bundled = np.where(d["duration2"] > 0, d["duration2"], d["duration1"]).astype(float)
    return np.where(np.isfinite(act) & (act > 0), act, bundled)


def _pos(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, np.nan)


def _nonneg(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, x, np.nan)


def select(raw: pd.DataFrame, theatre: bool = False) -> tuple[pd.DataFrame, dict]:
    """Rows to use and why the others went.

    theatre=False: the fit set -- post-1900, not a duplicate (`parent` unset), not isqno 256-260, with
    known outcome, both sides' men, posture and duration. theatre=True: the five 1938-39 battles only.
    Returns (rows, {reason: count}); counts are sequential (each row is counted under its first reason).
    """
    dropped: dict[str, int] = {}
    d = raw

    def drop(mask, reason):
        nonlocal d
        dropped[reason] = int(mask.sum())
        d = d[~mask]

    if theatre:
        return d[d["isqno"].isin(THEATRE_ISQNO)].copy(), dropped
    drop(~(d["year"] >= FIRST_YEAR), f"before {FIRST_YEAR} (or undated)")
    drop(d["parent"].notna(), "duplicate battle (`parent` set)")
    drop(d["isqno"].isin(THEATRE_ISQNO), "theatre battle 256-260 (held out of every fit)")
    men_a = np.where(d["INTSTA"] > 0, d["INTSTA"], d["STRA"])
    men_d = np.where(d["INTSTD"] > 0, d["INTSTD"], d["STRD"])
    drop(~((men_a > 0) & (men_d > 0)), "personnel strength missing")
    drop(~d["WINA"].isin([1, 0, -1]), "outcome unknown (WINA -9)")
    drop(~d["POST1"].isin(list(POST_TO_POSTURE)), "defender posture not available (POST1 OO)")
    drop(~(active_days(d) > 0), "duration missing")
    return d.copy(), dropped


def to_engagements(d: pd.DataFrame) -> tuple[Engagements, dict]:
    """Selected rows -> Engagements, with the counts of imputed values."""
    def pair(a, b, fn):
        return np.column_stack([fn(d[a]), fn(d[b])])

    men = np.column_stack([np.where(d["INTSTA"] > 0, d["INTSTA"], d["STRA"]),
                           np.where(d["INTSTD"] > 0, d["INTSTD"], d["STRD"])]).astype(float)
    equip = {k: pair(k + "A", k + "D", _nonneg) for k in ("ARTY", "TANK", "FLY")}
    imputed = {f"{k.lower()} missing -> 0 (sides)": int(np.isnan(v).sum()) for k, v in equip.items()}
    surpa = d["SURPA"].to_numpy(dtype=int)
    s_att, s_def = surprise_levels(surpa)
    imputed["surprise unknown -> none"] = int((np.abs(surpa) > 3).sum())
    aero = d["AEROA"].to_numpy(dtype=float)
    aero = np.where(np.abs(aero) <= 1, aero, np.nan)
    terr = d["TERRA1"].astype(str)
    imputed["terrain unknown -> rolling_mixed"] = int(terr.str[:2].isin(["00", "0"]).sum())
    cea = d["CEA"].to_numpy(dtype=float)
    days = active_days(d)
    # Casualty insensitivity (TNDM, Lawrence, TNDM Newsletter Apr 1997: x2.5 for both sides against
    # Japanese forces of the Pacific war). ASSUMPTION: it applies from 1937 on; the Russo-Japanese war of
    # 1904-05 (isqno 242-247) is not in the stratum.
    # Japanese participation from belligerents.actors only: the WAR label "WORLD WAR II (OKINAWA)" also sits
    # on four German-Soviet battles of 1945 (isqno 512-515, an overlap in Arnold's patch.yaml).
    insensitive = d["japan"].to_numpy() & (d["year"].to_numpy() >= 1937)
    e = Engagements(
        isqno=d["isqno"].to_numpy(dtype=int),
        name=d["NAME"].to_numpy(dtype=str),
        war=d["WAR"].to_numpy(dtype=str),
        year=d["year"].to_numpy(dtype=int),
        men=men,
        guns=np.nan_to_num(equip["ARTY"]),
        tanks=np.nan_to_num(equip["TANK"]),
        sorties=np.nan_to_num(equip["FLY"]),
        posture_idx=np.array([POSTURES.index(POST_TO_POSTURE[c]) for c in d["POST1"]], dtype=int),
        terrain=np.array([terrain_class(c) for c in terr], dtype=object),
        weather=np.array([weather_class(c) for c in d["WX1"].astype(str)], dtype=object),
        season=np.array([season_class(c) for c in d["WX1"].astype(str)], dtype=object),
        surprise_att=s_att,
        surprise_def=s_def,
        air_superiority=aero,
        front_km=pair("WOFA1", "WOFD1", _pos),
        days=days,
        outcome=d["WINA"].to_numpy(dtype=int),
        casualties=pair("CASA", "CASD", _nonneg),
        insensitive=insensitive,
        cea=np.where(np.abs(cea) <= 4, cea, np.nan),
    )
    return e, imputed


def load(theatre: bool = False) -> tuple[Engagements, dict]:
    """The fit set (theatre=False) or the five theatre battles (theatre=True), with a summary dict:
    {"raw": 660, "dropped": {reason: n}, "imputed": {what: n}, "n": rows kept}."""
    raw = read_raw()
    rows, dropped = select(raw, theatre=theatre)
    e, imputed = to_engagements(rows)
    return e, {"raw": len(raw), "dropped": dropped, "imputed": imputed, "n": len(e)}


__all__ = ["Engagements", "THEATRE_ISQNO", "load", "read_raw", "select", "to_engagements", "terrain_class",
           "weather_class", "season_class", "surprise_levels", "POST_TO_POSTURE", "SURPRISE"]
