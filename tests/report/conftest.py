"""A realistic result dictionary, exactly in the shape of docs/design.md, for the report views."""
from __future__ import annotations

import copy

import pytest

DATES = ["1944-06-02", "1944-06-03", "1944-06-04", "1944-06-05", "1944-06-06"]

# name, lat, lon, kind, initial owner (coordinates from `src/kriegsspiel/data/theatres/far-east-1944/places.csv`)
PLACES = [(n, float(lat), float(lon), k, o) for n, lat, lon, k, o in (line.split(" | ") for line in """
Vladivostok | 43.1056 | 131.8735 | port | ussr
Khabarovsk | 48.4620 | 135.0971 | city | ussr
Petropavlovsk-Kamchatsky | 53.0639 | 158.6275 | port | ussr
Aleksandrovsk-Sakhalinsky | 50.8963 | 142.1634 | port | ussr
Okha | 53.5949 | 142.9528 | town | ussr
Blagoveshchensk | 50.2759 | 127.5264 | city | ussr
Chita | 52.0431 | 113.4917 | city | ussr
Skovorodino | 53.9837 | 123.9401 | rail_junction | ussr
Harbin | 45.7500 | 126.6500 | city | japan
Heihe | 50.2441 | 127.4902 | town | japan
Toyohara (Yuzhno-Sakhalinsk) | 46.9543 | 142.7356 | town | japan
Kashiwabara (Paramushir) | 50.6733 | 156.1237 | port | japan
""".strip().splitlines())]

CONTROL = {  # per day; changes are the captures in EVENTS
    "Aleksandrovsk-Sakhalinsky": ["ussr", "ussr", "japan", "japan", "japan"],
    "Okha": ["ussr", "ussr", "ussr", "japan", "japan"],
    "Skovorodino": ["ussr", "japan", "japan", "japan", "ussr"],
}

# men present per place, side and day (places never held by troops are left out)
FORCES = {
    "Vladivostok": {"japan": [0, 12000, 15000, 9000, 5000], "ussr": [42000, 41000, 39500, 38000, 37600]},
    "Khabarovsk": {"japan": [0, 0, 0, 0, 0], "ussr": [62300, 62300, 62250, 62250, 62200]},
    "Chita": {"japan": [0, 0, 0, 0, 0], "ussr": [45000, 44000, 30000, 12000, 8000]},
    "Blagoveshchensk": {"japan": [0, 0, 0, 0, 0], "ussr": [18000, 18000, 21000, 24000, 24000]},
    "Skovorodino": {"japan": [0, 1800, 1500, 1200, 0], "ussr": [4200, 0, 0, 0, 3000]},
    "Aleksandrovsk-Sakhalinsky": {"japan": [3000, 4000, 5000, 5500, 5500], "ussr": [6000, 5000, 0, 0, 0]},
    "Okha": {"japan": [0, 0, 0, 2000, 2000], "ussr": [4200, 4200, 4200, 0, 0]},
    "Harbin": {"japan": [23747] * 5, "ussr": [0] * 5},
    "Heihe": {"japan": [52000, 48000, 30000, 30000, 29500], "ussr": [0] * 5},
    "Toyohara (Yuzhno-Sakhalinsk)": {"japan": [9000, 6000, 5000, 2500, 2500], "ussr": [0] * 5},
}
# land edges whose ends differ in owner, day by day (the river Heihe–Blagoveshchensk never counts)
FRONT_SEGMENTS = [1, 3, 3, 2, 0]

EVENTS = [
    ("1944-06-02", "naval_bombardment", "japan", "Vladivostok", "5th Fleet cruisers shell the harbour and the Russky Island batteries"),
    ("1944-06-02", "air_raid", "japan", "Khabarovsk", "42 medium bombers strike the Amur rail bridge"),
    ("1944-06-02", "amphibious_landing", "japan", "Aleksandrovsk-Sakhalinsky", "a reinforced regiment lands north of the port"),
    ("1944-06-03", "airborne_drop", "japan", "Skovorodino", "1st Raiding Brigade drops 1,800 men on the Trans-Siberian junction"),
    ("1944-06-03", "capture", "japan", "Skovorodino", "the junction is taken by the paratroops"),
    ("1944-06-03", "ground_assault", "japan", "Vladivostok", "two divisions attack the fortified line north of the city and are held"),
    ("1944-06-04", "capture", "japan", "Aleksandrovsk-Sakhalinsky", "the port falls after two days of fighting"),
    ("1944-06-04", "siege", "japan", "Vladivostok", "the city is cut off by land; the garrison holds"),
    ("1944-06-04", "ground_assault", "ussr", "Heihe", "2nd Red Banner Army crosses the Amur and is thrown back"),
    ("1944-06-05", "capture", "japan", "Okha", "the oil town is occupied from Karafuto"),
    ("1944-06-05", "link_up", "japan", "Aleksandrovsk-Sakhalinsky", "the landing force meets the column from Karafuto"),
    ("1944-06-05", "ground_assault", "japan", "Vladivostok", "a second assault on the Voroshilov line fails"),
    ("1944-06-06", "capture", "ussr", "Skovorodino", "a rifle division retakes the junction from the paratroops"),
    ("1944-06-06", "siege", "japan", "Vladivostok", "the siege goes on; supply by sea only"),
]


def _cumulative(daily):
    out, total = [], 0
    for d in daily:
        total += d
        out.append(total)
    return out


def make_result() -> dict:
    jk, jw, jm = [420, 610, 380, 550, 300], [900, 1500, 1100, 1300, 800], [5, 12, 3, 6, 40]
    sk, sw, sm = [1500, 2100, 1700, 1200, 1400], [3100, 4800, 3900, 2900, 3300], [400, 2600, 900, 700, 500]
    jpn_strength0, sov_strength0 = 640000, 1162991
    tl_sides = {}
    for side, s0, k, w, m in (("japan", jpn_strength0, jk, jw, jm), ("ussr", sov_strength0, sk, sw, sm)):
        ck, cw, cm = _cumulative(k), _cumulative(w), _cumulative(m)
        tl_sides[side] = {
            "strength": [s0 - ck[i] - cw[i] - cm[i] for i in range(len(DATES))],
            "killed": ck, "wounded": cw, "missing": cm,
        }
    control = {}
    for name, *_rest, owner in PLACES:
        control[name] = CONTROL.get(name, [owner] * len(DATES))
    return {
        "scenario": "otsu-1944",
        "title": "Operation Otsu",
        "seed": 20240602,
        "start": DATES[0],
        "end": DATES[-1],
        "place": "Soviet Far East, Sakhalin, Transbaikal and the Amur",
        "result": {"label": "Inconclusive", "winner": None,
                   "reason": "Vladivostok and Khabarovsk held; the Japanese hold northern Sakhalin"},
        "sides": {
            "japan": {"name": "Empire of Japan", "commanders": ["Gen. Umezu Yoshijiro"],
                      "strength": jpn_strength0, "killed": sum(jk), "wounded": sum(jw),
                      "missing": sum(jm), "tanks_lost": 37},
            "ussr": {"name": "Soviet Union", "commanders": ["Gen. M. A. Purkayev", "Col.-Gen. M. P. Kovalyov"],
                     "strength": sov_strength0, "killed": sum(sk), "wounded": sum(sw),
                     "missing": sum(sm), "tanks_lost": 112},
        },
        "civilians": {"japan": {"killed": 40, "wounded": 95}, "ussr": {"killed": 1210, "wounded": 2630}},
        "control": {name: seq[-1] for name, seq in control.items()},
        "events": [dict(zip(("date", "kind", "side", "place", "detail"), e)) for e in EVENTS],
        "timeline": {"dates": list(DATES), "sides": tl_sides, "control": control,
                     "forces": copy.deepcopy(FORCES), "freight_east_t": [21000, 18500, 9000, 7600, 12400]},
        "places": [{"name": n, "lat": la, "lon": lo, "kind": k, "initial_owner": o} for n, la, lo, k, o in PLACES],
        "network": [
            {"from": "Chita", "to": "Skovorodino", "kind": "rail"},
            {"from": "Skovorodino", "to": "Blagoveshchensk", "kind": "rail"},
            {"from": "Blagoveshchensk", "to": "Khabarovsk", "kind": "rail"},
            {"from": "Khabarovsk", "to": "Vladivostok", "kind": "rail"},
            {"from": "Heihe", "to": "Harbin", "kind": "rail"},
            {"from": "Heihe", "to": "Blagoveshchensk", "kind": "river"},
            {"from": "Toyohara (Yuzhno-Sakhalinsk)", "to": "Aleksandrovsk-Sakhalinsky", "kind": "road"},
            {"from": "Aleksandrovsk-Sakhalinsky", "to": "Okha", "kind": "track"},
            {"from": "Kashiwabara (Paramushir)", "to": "Petropavlovsk-Kamchatsky", "kind": "sea"},
        ],
        "assumptions": [
            {"id": "soviet_far_east_personnel", "value": 1162991, "basis": "historical",
             "source": "Soviet Far East on 1 Jan 1944 (S30)", "note": "all Soviet forces in the Far East"},
            {"id": "japanese_airborne_lift", "value": "1 brigade per wave", "basis": "assumption",
             "source": "scenario", "note": "the article's massed airdrop, scaled to one brigade"},
            {"id": "ijn_carriers_north", "value": 0, "basis": "assumption",
             "source": "scenario", "note": "the Mobile Fleet stays in the Marianas"},
        ],
        "provenance": {"scenario_sha256": "9f2c" + "0" * 60, "version": "0.1.0", "seed": 20240602,
                       "sources": ["Dupuy 1987, Understanding War", "Krivosheev 1997"]},
    }


def make_ensemble() -> dict:
    return {
        "runs": 200, "seed": 20240602,
        "result_share": {"Japanese victory": 0.12, "Inconclusive": 0.61, "Soviet victory": 0.27},
        "casualties": {
            "japan": {"killed": {"p10": 1500, "p50": 2300, "p90": 3400, "samples": list(range(1200, 3600, 12))},
                      "wounded": {"p10": 4100, "p50": 5600, "p90": 8000},
                      "missing": {"p10": 20, "p50": 70, "p90": 190}},
            "ussr": {"killed": {"p10": 5200, "p50": 7700, "p90": 11000},
                     "wounded": {"p10": 12000, "p50": 18000, "p90": 26000},
                     "missing": {"p10": 2100, "p50": 5000, "p90": 9800}},
        },
    }


@pytest.fixture
def result() -> dict:
    return make_result()


@pytest.fixture
def ensemble() -> dict:
    return make_ensemble()


HOSTILE = ["<script>alert(1)</script>", "}}{{", "|result=", "[[Category:X]]", "*bold* _x_ `c` # h"]


@pytest.fixture
def hostile_result() -> dict:
    r = make_result()
    r["title"] = HOSTILE[0] + " " + HOSTILE[1]
    r["place"] = HOSTILE[2]
    r["result"]["label"] = "|result=Soviet victory"
    r["sides"]["japan"]["name"] = HOSTILE[0]
    r["sides"]["ussr"]["commanders"] = [HOSTILE[1], HOSTILE[3]]
    for ev in r["events"]:
        ev["detail"] = HOSTILE[0] + " " + HOSTILE[4]
    r["assumptions"][1]["note"] = "}}{{Infobox|x=" + HOSTILE[0]
    return copy.deepcopy(r)
