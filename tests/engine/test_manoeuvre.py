"""Each mechanism of the manoeuvre model alone, on a small scenario built for it: march time by road and force
type, frontage, the breakthrough switch, bypass of a strongpoint, the formation breakpoint, and a capitulation
that ends the run (docs/models/manoeuvre.md)."""

import numpy as np
import pytest
import yaml

from kriegsspiel import api
from kriegsspiel.codes import Mobility, UnitStatus
from kriegsspiel.models.engagement import engage
from kriegsspiel.params import POSTURES, default_params

P = default_params()


def scenario(tmp_path, places, edges, units, operations, days=20, endings=(), doctrine=None, unit_types=None,
             parameters=None):
    """A two-sided scenario on open steppe (far_east_summer, June) from the pieces given."""
    doc = {
        "name": "test", "title": "Test", "start": "1944-06-01",
        "end": f"1944-06-{days:02d}",
        "sides": {"red": {"name": "Red", "adjective": "Red", "surrender_behaviour": "western"},
                  "blue": {"name": "Blue", "adjective": "Blue", "surrender_behaviour": "western"}},
        "places": [{"name": n, "lat": 50.0, "lon": 110.0 + x, "terrain": "steppe", "owner": o,
                    **({"supply_source": True} if src else {})} for n, x, o, src in places],
        "network": {"edges": [{"from": a, "to": b, "kind": "road", "quality": "good", "km": km} for a, b, km in edges]},
        "unit_types": unit_types or {
            "inf": {"side": "red", "men": 10000, "guns": 36, "source": "test"},
            "tank": {"side": "red", "men": 10000, "guns": 36, "tanks": 150, "mobility": "armoured", "source": "test"},
            "binf": {"side": "blue", "men": 10000, "guns": 36, "source": "test"},
        },
        "units": units,
        "operations": operations,
        "doctrine": doctrine or {},
        "endings": list(endings),
        "victory": {"conditions": [], "default": {"label": "Draw"}},
        # each mechanism alone: without the army loss factor (casualties.yaml; tested in tests/validation)
        "parameters": {"army_loss_sigma": 0.0, **(parameters or {})},
    }
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return api.compile(str(path))


def test_march_time_by_road_and_force_type(tmp_path):
    # 200 km of good road across the steppe, no enemy: foot infantry at 25 km/day, armour at the open-ground rate (90
    # x the steppe's r_m 1.05, above its road rate of 60: manoeuvre.yaml), times the weather's mobility factor
    # (0.6-1.0 in June, far_east_summer)
    c = scenario(tmp_path, [("A", 0, "red", True), ("B", 2.8, "red", False)], [("A", "B", 200)],
                 [{"name": "I", "type": "inf", "side": "red", "location": "A"},
                  {"name": "T", "type": "tank", "side": "red", "location": "A"}],
                 [{"name": "Go I", "side": "red", "forces": ["I"], "objective": "B"},
                  {"name": "Go T", "side": "red", "forces": ["T"], "objective": "B"}])
    eng = api.simulate(c, runs=20, seed=3)
    from kriegsspiel.engine.loop import make_engine
    arrive = np.full((20, 2), -1)
    e = make_engine(c, np.arange(20), 3)
    for d in range(c.n_days):
        e.step(d)
        there = e.st.loc == c.theatre.index["B"]
        arrive = np.where((arrive < 0) & there, d, arrive)
    assert (arrive[:, 0] >= 200 / 25 - 1).all() and (arrive[:, 0] <= 200 / (25 * 0.6)).all()
    fast = P["manoeuvre.open_ground_march_km.armoured"] * P.terrain[P.terrain_names.index("flat_bare_hard"), 0]
    assert (arrive[:, 1] >= 200 / fast - 1).all() and (arrive[:, 1] <= arrive[:, 0]).all()
    assert arrive[:, 1].mean() < arrive[:, 0].mean() - 1
    assert (eng.st.loc == c.theatre.index["B"]).all()


def test_the_rest_of_an_operation_closes_up_when_it_ends(tmp_path):
    # armour and foot in one operation: the armour's arrival ends it, and the foot still march on to the objective
    # (they used to stop where they stood, half-way)
    c = scenario(tmp_path, [("A", 0, "red", True), ("M", 1.4, "red", False), ("N", 2.1, "red", False),
                            ("B", 2.8, "red", False)], [("A", "M", 100), ("M", "N", 50), ("N", "B", 50)],
                 [{"name": "I", "type": "inf", "side": "red", "location": "A"},
                  {"name": "T", "type": "tank", "side": "red", "location": "A"}],
                 [{"name": "Go", "side": "red", "forces": ["I", "T"], "objective": "B"}], days=25)
    e = api.simulate(c, runs=10, seed=3)
    assert (e.st.loc == c.theatre.index["B"]).all()


def test_frontage_limits_the_men_who_fight():
    # beyond frontage x density, more attackers add neither power nor losses of their own (they rotate in)
    kw = dict(posture=np.array([2]), terrain=np.array([P.terrain_names.index("flat_mixed")]),
              weather=np.array([0]), z_outcome=np.zeros(1), z_att=np.zeros(1), z_def=np.zeros(1), frontage_km=5.0)
    men_cap = 5.0 * P["manoeuvre.max_density_attacker_men_per_km"]
    small = engage(np.array([men_cap]), np.array([5000.0]), np.array([men_cap]), np.array([5000.0]), P, **kw)
    big = engage(np.array([6 * men_cap]), np.array([5000.0]), np.array([6 * men_cap]), np.array([5000.0]), P, **kw)
    assert big.att_engaged[0] == pytest.approx(small.att_engaged[0])
    assert big.att_loss[0] == pytest.approx(small.att_loss[0])
    assert big.ratio[0] == pytest.approx(small.ratio[0])
    wide = engage(np.array([6 * men_cap]), np.array([5000.0]), np.array([6 * men_cap]), np.array([5000.0]), P,
                  **{**kw, "frontage_km": 30.0})
    assert wide.att_engaged[0] > big.att_engaged[0] and wide.ratio[0] > big.ratio[0]


def test_attacker_losses_fall_as_the_ratio_rises():
    kw = dict(posture=np.array([2]), terrain=np.array([0]), weather=np.array([0]), z_outcome=np.zeros(1),
              z_att=np.zeros(1), z_def=np.zeros(1))
    rates = []
    for att in (10000.0, 40000.0, 120000.0):
        e = engage(np.array([att]), np.array([10000.0]), np.array([att]), np.array([10000.0]), P, **kw)
        rates.append(e.att_loss[0] / e.att_engaged[0])
    assert rates[0] > rates[1] > rates[2]


def test_breakthrough_switch():
    flat = P.terrain_names.index("flat_bare_hard")
    kw = dict(posture=np.full(2, POSTURES.index("hasty_defence")), terrain=np.full(2, flat), weather=np.zeros(2, int),
              z_outcome=np.full(2, 3.0), z_att=np.zeros(2), z_def=np.zeros(2), frontage_km=10.0)
    e = engage(np.array([12000.0, 100000.0]), np.array([10000.0, 10000.0]), np.array([12000.0, 100000.0]),
               np.array([10000.0, 10000.0]), P, **kw)
    assert e.won.all() and not e.breakthrough[0] and e.breakthrough[1]


def test_breakthrough_takes_the_place_the_first_day(tmp_path):
    # a thin defence facing 8 divisions breaks on the first day of contact: no advance through its depth
    units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "A", "posture": "attack"} for i in range(8)]
    units.append({"name": "B1", "type": "binf", "side": "blue", "location": "B", "strength": 0.3})
    c = scenario(tmp_path, [("A", 0, "red", True), ("B", 0.15, "blue", False), ("C", 0.5, "blue", True)],
                 [("A", "B", 10), ("B", "C", 30)], units,
                 [{"name": "Attack", "side": "red", "forces": [u["name"] for u in units[:8]], "objective": "B"}], days=6)
    e = api.simulate(c, runs=30, seed=1, record=True)
    b = c.theatre.index["B"]
    days = e.st.taken_day[:, 0, b]
    assert (days >= 0).all() and np.median(days) <= 1


def test_routed_defenders_are_pursued(tmp_path):
    # a thin defence broken through by 8 divisions falls back on C and loses manoeuvre.yaml's pursuit share of its
    # men on the way, most of it as prisoners (the rout split); with the share at 0 it falls back unpursued
    def run(share):
        units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "A", "posture": "attack"} for i in range(8)]
        units.append({"name": "B1", "type": "binf", "side": "blue", "location": "B", "strength": 0.3})
        c = scenario(tmp_path, [("A", 0, "red", True), ("B", 0.15, "blue", False), ("C", 0.5, "blue", True)],
                     [("A", "B", 10), ("B", "C", 30)], units,
                     [{"name": "Attack", "side": "red", "forces": [u["name"] for u in units[:8]], "objective": "B"}],
                     days=3, parameters={"manoeuvre.pursuit_loss_share": share})
        e = api.simulate(c, runs=40, seed=1, record=True)
        b1 = c.unit_names.index("B1")
        assert (e.st.taken_day[:, 0, c.theatre.index["B"]] >= 0).all()
        assert (e.st.killed[:, b1] + e.st.wounded[:, b1] + e.st.missing[:, b1] + e.st.men[:, b1] == c.men0[b1]).all()
        return [ev for ev in e.log.events if ev.kind.value == "withdrawal"]

    share = P["manoeuvre.pursuit_loss_share"]
    events = run(share)
    assert len(events) >= 30
    lost = np.array([ev.args["lost"] for ev in events])
    left = np.array([ev.value for ev in events])
    assert all(ev.args["pursued"] for ev in events)
    assert abs((lost / (lost + left)).mean() - share) < 0.02
    assert not any(ev.args["pursued"] for ev in run(0.0))


def _flanked(tmp_path, c_owner, objective):
    # B (blue, held by a division) has four land neighbours: A (red), C, D and E (blue's rear). Red takes
    # `objective` with four divisions from A; where does B's garrison end?
    places = [("A", 0, "red", True), ("C", 0.3, c_owner, False), ("B", 0.6, "blue", False), ("D", 0.9, "blue", False),
              ("E", 1.2, "blue", True)]
    edges = [("A", "B", 20), ("C", "B", 20), ("D", "B", 20), ("E", "B", 20), ("A", "C", 20), ("A", "D", 20),
             ("C", "D", 20)]
    units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "A", "posture": "attack"} for i in range(4)]
    units += [{"name": "BG", "type": "binf", "side": "blue", "location": "B", "posture": "prepared_defence"}]
    c = scenario(tmp_path, places, edges, units,
                 [{"name": "Flank", "side": "red", "forces": [u["name"] for u in units[:4]], "objective": objective}],
                 days=8)
    e = api.simulate(c, runs=10, seed=4)
    idx = c.theatre.index
    assert (e.st.taken_day[:, 0, idx[objective]] >= 0).all()
    return c, e, idx


def test_a_front_line_place_is_held_when_a_flank_falls(tmp_path):
    # C was blue: its fall leaves B with two enemy neighbours of four and two ways out (D, E): a front, not a pocket
    c, e, idx = _flanked(tmp_path, "blue", "C")
    bg = c.unit_names.index("BG")
    assert (e.st.loc[:, bg] == idx["B"]).all()


def test_defenders_withdraw_before_the_last_way_out_closes(tmp_path):
    # C was red from the start; the fall of D leaves B one way out (E): its garrison falls back on E
    c, e, idx = _flanked(tmp_path, "red", "D")
    bg = c.unit_names.index("BG")
    assert ((e.st.loc[:, bg] == idx["E"]) | (e.st.nxt[:, bg] == idx["E"])).all()


def test_route_goes_round_a_strongpoint(tmp_path):
    # A -> D through B (a strong garrison) or through C (empty, a little longer): the operation goes by C, and
    # the bypassed garrison, cut off, surrenders
    places = [("A", 0, "red", True), ("B", 1, "blue", False), ("C", 1.2, "blue", False), ("D", 2, "blue", False),
              ("E", 3, "blue", True)]
    edges = [("A", "B", 70), ("B", "D", 70), ("A", "C", 85), ("C", "D", 85), ("D", "E", 300)]
    units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "A", "posture": "attack"} for i in range(3)]
    units += [{"name": "G1", "type": "binf", "side": "blue", "location": "B", "posture": "fortified_defence"},
              {"name": "G2", "type": "binf", "side": "blue", "location": "B", "posture": "fortified_defence"}]
    c = scenario(tmp_path, places, edges, units,
                 [{"name": "Drive", "side": "red", "forces": ["R0", "R1", "R2"], "objective": "D"}], days=30,
                 doctrine={"blue": {"stand_places": ["B"], "surrender_after_days_cut_off": 8}})
    e = api.simulate(c, runs=20, seed=2)
    idx = c.theatre.index
    assert (e.st.taken_day[:, 0, idx["D"]] >= 0).all()            # the objective is taken...
    assert (e.st.taken_day[:, 0, idx["C"]] >= 0).all()            # ...by way of C
    assert (e.st.owner[:, idx["B"]] == 1).mean() > 0.5            # B was not stormed: it was left behind,
    garrison = [c.unit_names.index(n) for n in ("G1", "G2")]
    assert (e.st.cut[:, garrison] > 0).mean() > 0.5               # cut off from its supply


def _hopeless(tmp_path, **params):
    units = [{"name": "R0", "type": "inf", "side": "red", "location": "A", "posture": "attack"},
             {"name": "B1", "type": "binf", "side": "blue", "location": "B", "posture": "fortified_defence"}]
    return scenario(tmp_path, [("A", 0, "red", True), ("B", 0.15, "blue", True)], [("A", "B", 10)], units,
                    [{"name": "Hopeless", "side": "red", "forces": ["R0"], "objective": "B",
                      "conditions": {"halt_if_strength_below": 0.0}}], days=30,
                    parameters={"manoeuvre.breakpoint_loss_share": 0.3, **params})


def test_broken_formations_stop_attacking(tmp_path):
    # a formation that loses its breakpoint share (manoeuvre.yaml) in a battle is broken: it stays in its operation
    # but falls back and attacks no more (here it never rallies)
    c = _hopeless(tmp_path, **{"manoeuvre.recovery_days": 1000})
    from kriegsspiel.engine.loop import make_engine

    e = make_engine(c, np.arange(20), 4)
    r0 = c.unit_names.index("R0")
    at_break = np.full(20, -1)
    for d in range(c.n_days):
        e.step(d)
        lost = (e.st.killed + e.st.wounded + e.st.missing)[:, r0]
        at_break = np.where((at_break < 0) & e.st.broken[:, r0], lost, at_break)
    broken = e.st.broken[:, r0]
    assert broken.mean() >= 0.5                                   # most runs: the attack fails and breaks it
    assert (at_break[broken] >= 0.3 * c.men0[r0]).all()
    assert (e.st.unit_op[broken, r0] == 0).all()                  # still its operation's
    assert (e.st.nxt[broken, r0] == -1).all()                     # not in contact
    assert (lost[broken] == at_break[broken]).all()               # once broken, it stopped attacking


def test_a_broken_formation_rallies_out_of_combat_and_attacks_again(tmp_path):
    # out of combat and in supply for recovery_days it rallies; its next battle counts its losses afresh
    c = _hopeless(tmp_path, **{"manoeuvre.recovery_days": 3})
    from kriegsspiel.engine.loop import make_engine

    e = make_engine(c, np.arange(20), 4)
    r0 = c.unit_names.index("R0")
    first_break = np.full(20, -1)
    rallied = np.full(20, -1)
    lost_at_rally = np.zeros(20)
    for d in range(c.n_days):
        was = e.st.broken[:, r0].copy()
        e.step(d)
        now = e.st.broken[:, r0]
        first_break = np.where((first_break < 0) & now, d, first_break)
        new_rally = was & ~now & (rallied < 0)
        lost_at_rally = np.where(new_rally, (e.st.killed + e.st.wounded + e.st.missing)[:, r0], lost_at_rally)
        rallied = np.where(new_rally, d, rallied)
    ok = rallied >= 0
    # every run whose attacker broke, kept half its men and did not take the place (a defence past its own
    # breakpoint gives way) rallied
    held = e.st.owner[:, c.theatre.index["B"]] == c.side_keys.index("blue")
    eligible = (first_break >= 0) & held & (e.st.men[:, r0] >= 0.5 * c.men0[r0])
    assert eligible.sum() >= 5 and ok[eligible].all()
    assert (rallied[ok] - first_break[ok] >= 3).all()             # not before recovery_days out of combat
    lost = (e.st.killed + e.st.wounded + e.st.missing)[:, r0]
    assert (lost[ok] > lost_at_rally[ok]).any()                   # and it went in again


def test_an_empty_place_keeps_only_its_works(tmp_path):
    # the days in position count only while troops stand at the place: an empty place is hasty (prepared with field
    # works), troops moving in prepare it in 5 days (NPW)
    from kriegsspiel.codes import Posture
    from kriegsspiel.engine.loop import make_engine

    units = [{"name": "B1", "type": "binf", "side": "blue", "location": "C", "posture": "prepared_defence"},
             {"name": "R0", "type": "inf", "side": "red", "location": "A", "posture": "attack"}]
    c = scenario(tmp_path, [("A", 0, "red", True), ("B", 0.3, "blue", False), ("C", 0.6, "blue", True)],
                 [("A", "B", 200), ("B", "C", 30)], units,
                 [{"name": "Move up", "side": "blue", "forces": ["B1"], "objective": "B", "start_date": "1944-06-03"}],
                 days=12)
    e = make_engine(c, np.arange(2), 1)
    b, cc = c.theatre.names.index("B"), c.theatre.names.index("C")
    e.step(0)
    assert (e.st.posture[:, b] == Posture.hasty_defence).all()    # nobody there: no prepared position
    assert (e.st.posture[:, cc] == Posture.prepared_defence).all()
    arrived = None
    for d in range(1, c.n_days):
        e.step(d)
        here = (e.st.loc[:, c.unit_names.index("B1")] == b) & (e.st.nxt[:, c.unit_names.index("B1")] < 0)
        if arrived is None and here.all():
            arrived = d
            assert (e.st.posture[:, b] == Posture.hasty_defence).all()
        if arrived is not None and d - arrived >= 5:
            assert (e.st.posture[:, b] == Posture.prepared_defence).all()
    assert arrived is not None and c.n_days - 1 - arrived >= 5


def test_open_ground_takes_columns_abreast():
    # off the roads on open ground a track carries open_ground_capacity_factor x its capacity (manoeuvre.yaml)
    from types import SimpleNamespace

    from kriegsspiel.engine.phases.movement import edge_capacity

    t_open, t_close = P.terrain_names.index("flat_desert"), P.terrain_names.index("rugged_heavily_wooded")
    c = SimpleNamespace(edge_class=np.array([3, 3, 0]), edge_terrain=np.array([t_open, t_close, t_open]),
                        edge_routes=np.ones(3))
    cap = edge_capacity(c, P)
    track, road = P["manoeuvre.capacity_men_per_day.track"], P["manoeuvre.capacity_men_per_day.road_good"]
    assert cap.tolist() == [track * P["manoeuvre.open_ground_capacity_factor"], track, road]


def test_a_route_sets_the_pace_along_it():
    # along a road or a track the route class sets the rate; the terrain's r_m only slows movement off the routes
    # (manoeuvre.yaml march_km_per_day)
    from types import SimpleNamespace

    from kriegsspiel.codes import Mobility
    from kriegsspiel.engine.phases.movement import edge_march_km, march_table

    close = P.terrain_names.index("rugged_heavily_wooded")
    r_m = P.terrain[close, 0]
    assert r_m < 1
    c = SimpleNamespace(edge_class=np.array([0, 3, 4]), edge_terrain=np.full(3, close))
    km = edge_march_km(c, P, march_table(P))
    for m in ("infantry", "armoured"):
        rate = [P[f"manoeuvre.march_km_per_day.{m}.{k}"] for k in ("road_good", "track", "cross_country")]
        assert km[Mobility[m]].tolist() == pytest.approx([rate[0], rate[1], rate[2] * r_m])


def test_vehicles_drive_abreast_on_bare_open_ground():
    # steppe and hard desert (r_m >= open_ground_min_mobility): mechanised and armoured columns leave the road or
    # track and move at the open-ground rate x r_m (manoeuvre.yaml open_ground_march_km); foot and horse keep the
    # route's rate; farmland (flat_mixed) and close country keep the route's rate for all
    from types import SimpleNamespace

    from kriegsspiel.codes import Mobility
    from kriegsspiel.engine.phases.movement import edge_march_km, march_table

    t = {k: P.terrain_names.index(k) for k in ("flat_bare_hard", "flat_desert", "flat_mixed", "rugged_mixed")}
    c = SimpleNamespace(edge_class=np.array([0, 3, 3, 3, 3]), edge_terrain=np.array(
        [t["flat_bare_hard"], t["flat_bare_hard"], t["flat_desert"], t["flat_mixed"], t["rugged_mixed"]]))
    km = edge_march_km(c, P, march_table(P))
    r_m = P.terrain[c.edge_terrain, 0]
    for m in ("mechanised", "armoured"):
        road, track = (P[f"manoeuvre.march_km_per_day.{m}.{k}"] for k in ("road_good", "track"))
        fast = P[f"manoeuvre.open_ground_march_km.{m}"]
        assert km[Mobility[m]].tolist() == pytest.approx([max(road, fast * r_m[0]), fast * r_m[1], fast * r_m[2],
                                                          track, track])
        assert fast * r_m[2] > track
    foot = [P[f"manoeuvre.march_km_per_day.infantry.{k}"] for k in ("road_good", "track")]
    assert km[Mobility["infantry"]].tolist() == pytest.approx([foot[0]] + [foot[1]] * 4)


def test_capitulation_ends_the_run(tmp_path):
    units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "A", "posture": "attack"} for i in range(6)]
    units += [{"name": "B1", "type": "binf", "side": "blue", "location": "B", "strength": 0.2},
              {"name": "B2", "type": "binf", "side": "blue", "location": "C"}]
    c = scenario(tmp_path, [("A", 0, "red", True), ("B", 0.3, "blue", False), ("C", 1.5, "blue", True)],
                 [("A", "B", 20), ("B", "C", 100)], units,
                 [{"name": "Take B", "side": "red", "forces": [u["name"] for u in units[:6]], "objective": "B"}],
                 days=25, endings=[{"type": "capitulation", "side": "blue", "places_lost": ["B"]}])
    e = api.simulate(c, runs=10, seed=5)
    st = e.st
    b2 = c.unit_names.index("B2")
    assert (st.end_day >= 0).all() and (st.end_day == st.taken_day[:, 0, c.theatre.index["B"]]).all()
    assert (st.status[:, b2] == UnitStatus.surrendered).all() and (st.missing[:, b2] == c.men0[b2]).all()
    start = np.where(c.arrives == 0, c.men0, 0)[None, :] + st.reinforced
    assert np.array_equal(start, st.men + st.killed + st.wounded + st.missing + st.departed)
    r = api.run(c, seed=5).to_dict()
    assert any(ev["kind"] == "capitulation" for ev in r["events"])
    assert len(r["timeline"]["dates"]) == c.n_days


def test_no_attack_below_the_attack_threshold(tmp_path):
    # one division against four entrenched: the power ratio is far below manoeuvre.yaml min_attack_ratio, so the
    # attacker stays in contact without going in (no losses on either side); four against one do attack
    def run(n_red, n_blue):
        units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "A", "posture": "attack"} for i in range(n_red)]
        units += [{"name": f"B{i}", "type": "binf", "side": "blue", "location": "B", "posture": "prepared_defence"}
                  for i in range(n_blue)]
        c = scenario(tmp_path, [("A", 0, "red", True), ("B", 0.15, "blue", True)], [("A", "B", 10)], units,
                     [{"name": "Attack", "side": "red", "forces": [f"R{i}" for i in range(n_red)], "objective": "B"}],
                     days=8)
        e = api.simulate(c, runs=10, seed=4)
        return c, e

    c, e = run(1, 4)
    red = c.unit_side == 0
    assert (e.st.killed + e.st.wounded + e.st.missing)[:, red].sum() == 0
    assert (e.st.killed + e.st.wounded + e.st.missing)[:, ~red].sum() == 0
    c, e = run(4, 1)
    assert (e.st.killed + e.st.wounded + e.st.missing)[:, c.unit_side == 1].sum() > 0


def test_an_operations_own_halt_ratio_stops_its_assault(tmp_path):
    # four divisions attack one; with the operation's halt_if_ratio_below far above any ratio it can reach, it
    # masks the place instead of assaulting it, and no one is hurt
    def run(conditions):
        units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "A", "posture": "attack"} for i in range(4)]
        units += [{"name": "B0", "type": "binf", "side": "blue", "location": "B", "posture": "prepared_defence"}]
        c = scenario(tmp_path, [("A", 0, "red", True), ("B", 0.15, "blue", True)], [("A", "B", 10)], units,
                     [{"name": "Attack", "side": "red", "forces": [f"R{i}" for i in range(4)], "objective": "B",
                       "conditions": conditions}], days=8)
        e = api.simulate(c, runs=10, seed=4)
        return (e.st.killed + e.st.wounded + e.st.missing).sum()

    assert run({}) > 0
    assert run({"halt_if_ratio_below": 50.0}) == 0


def _pocket(tmp_path, blue_near, block=2.0):
    # red's corps at B is cut off from its base A by blue's place M, held by `block` x 10,000 men (two divisions
    # by default: enough to cut the line, manoeuvre.yaml supply_block_ratio); blue has `blue_near` divisions at N,
    # next to B. Stocks run out on the second day (initial_stock_days 1), surrender_after_days_cut_off 3.
    units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "B"} for i in range(3)]
    units += [{"name": f"Block{i}", "type": "binf", "side": "blue", "location": "M", "strength": min(block, 1.0)}
              for i in range(max(1, round(block)))]
    units += [{"name": f"N{i}", "type": "binf", "side": "blue", "location": "N"} for i in range(blue_near)]
    units += [{"name": "Far", "type": "binf", "side": "blue", "location": "Z", "strength": 0.1}]
    places = [("A", 0, "red", True), ("M", 1, "blue", False), ("B", 2, "red", False), ("N", 3, "blue", False),
              ("Z", 6, "blue", True)]
    edges = [("A", "M", 50), ("M", "B", 50), ("B", "N", 20), ("N", "Z", 300), ("M", "N", 60)]
    c = scenario(tmp_path, places, edges, units, [], days=15,
                 doctrine={"red": {"surrender_after_days_cut_off": 3}}, parameters={"initial_stock_days": 1.0})
    return c, api.simulate(c, runs=5, seed=7)


def test_a_pocket_surrenders_only_when_outnumbered(tmp_path):
    # manoeuvre.yaml pocket_outnumbered_ratio: cut off and out of supply, a force gives up only to a larger one
    c, e = _pocket(tmp_path, blue_near=0)
    red = c.unit_side == 0
    assert (e.st.cut[:, red] > 3).all() and (e.st.stock[:, red] <= 0).all()
    assert (e.st.status[:, red] == UnitStatus.active).all()           # no enemy around: it holds on
    assert api.run(c, seed=1).to_dict()["result"]["label"] == "Draw"  # (a scenario without operations runs)
    c, e = _pocket(tmp_path, blue_near=4)
    assert (e.st.status[:, c.unit_side == 0] == UnitStatus.surrendered).all()


def test_a_weak_block_does_not_cut_a_strong_force_off(tmp_path):
    # 500 men at M cannot cut the line of 30,000 next to them (fewer than 1/supply_block_ratio of them); two
    # divisions can
    c, e = _pocket(tmp_path, blue_near=0, block=0.05)
    assert (e.st.cut[:, c.unit_side == 0] == 0).all()
    c, e = _pocket(tmp_path, blue_near=0, block=2.0)
    assert (e.st.cut[:, c.unit_side == 0] > 3).all()


def test_reserves_move_through_their_own_ground(tmp_path):
    # blue's reserve at D goes to the threatened B by E (its own ground, longer), not through red's empty C
    units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "A", "posture": "attack"} for i in range(4)]
    units += [{"name": "B1", "type": "binf", "side": "blue", "location": "B"},
              {"name": "Res", "type": "binf", "side": "blue", "location": "D", "role": "reserve"}]
    places = [("A", 0, "red", True), ("B", 0.5, "blue", False), ("C", 1.0, "red", False), ("D", 1.5, "blue", True),
              ("E", 1.2, "blue", False)]
    edges = [("A", "B", 10), ("B", "C", 20), ("C", "D", 20), ("B", "E", 40), ("E", "D", 40)]
    c = scenario(tmp_path, places, edges, units,
                 [{"name": "Push", "side": "red", "forces": [f"R{i}" for i in range(4)], "objective": "B"}], days=10,
                 doctrine={"blue": {"lateral_reserves": True, "reserves_by_rail": False, "reserve_commit_ratio": 0.5}})
    from kriegsspiel.engine.loop import make_engine

    e = make_engine(c, np.arange(10), 3)
    res, cc, ee = c.unit_names.index("Res"), c.theatre.index["C"], c.theatre.index["E"]
    went_by_e = np.zeros(10, bool)
    for d in range(c.n_days):
        e.step(d)
        assert (e.st.owner[:, cc] == 0).all()                          # C is never taken by blue
        went_by_e |= (e.st.loc[:, res] == ee) | (e.st.nxt[:, res] == ee)
    assert went_by_e.any()


def test_a_pocket_is_relieved_when_its_supply_line_reopens(tmp_path):
    # red's corps at B is a pocket (cut off by blue's M); when M is red's again the supply phase reaches B and the
    # corps is a formation again (cut 0); with M still blue it stays a pocket
    from kriegsspiel.engine.loop import make_engine

    c, _ = _pocket(tmp_path, blue_near=0)
    red = c.unit_side == 0
    m = c.theatre.index["M"]
    for reopen in (False, True):
        e = make_engine(c, np.arange(3), 7)
        e.step(0)
        e.st.status[:, red] = UnitStatus.pocket
        e.st.cut[:, red] = 5
        if reopen:
            e.st.owner[:, m] = 0
        e.step(1)
        want = UnitStatus.active if reopen else UnitStatus.pocket
        assert (e.st.status[:, red] == want).all()
        assert ((e.st.cut[:, red] == 0) == reopen).all()


def test_armies_on_the_start_line_stand_in_contact(tmp_path):
    # an edge between places of the two sides both held at the start is a front: an attacker starts along it
    # start_line_gap_km short of the enemy (manoeuvre.yaml); elsewhere it marches the whole edge
    from kriegsspiel.engine.context import make_tables
    from kriegsspiel.engine.loop import make_engine

    units = [{"name": "R0", "type": "inf", "side": "red", "location": "A", "posture": "attack"},
             {"name": "B1", "type": "binf", "side": "blue", "location": "B", "posture": "hasty_defence"}]
    c = scenario(tmp_path, [("A", 0, "red", True), ("B", 0.7, "blue", True), ("C", 1.4, "blue", False)],
                 [("A", "B", 60), ("B", "C", 60)], units,
                 [{"name": "Go", "side": "red", "forces": ["R0"], "objective": "B"}], days=5)
    t = make_tables(c, c.params)
    gap = c.params["manoeuvre.start_line_gap_km"]
    ab = [e for e in range(len(c.edge_km)) if {c.edge_src[e], c.edge_dst[e]} == {0, 1}][0]
    bc = [e for e in range(len(c.edge_km)) if {c.edge_src[e], c.edge_dst[e]} == {1, 2}][0]
    assert t.front_skip_km[ab] == pytest.approx(c.edge_km[ab] - gap) and t.front_skip_km[bc] == 0.0
    e = make_engine(c, np.arange(4), 1)
    e.step(0)
    r0 = c.unit_names.index("R0")
    assert e.st.engaged[:, r0].all()                              # 10 km: in contact and fighting on day one
    far = scenario(tmp_path, [("A", 0, "red", True), ("B", 0.7, "blue", True)], [("A", "B", 60)],
                   [units[0]], [{"name": "Go", "side": "red", "forces": ["R0"], "objective": "B"}], days=5)
    e = make_engine(far, np.arange(4), 1)                         # B empty at the start: no front, a 60 km march
    e.step(0)
    assert not e.st.engaged[:, r0].any() and (e.st.prog[:, r0] < 60).all()


def test_a_defence_past_its_breakpoint_gives_way(tmp_path):
    # three divisions against one in a fortified belt (10 km deep, below the breakthrough ratio): the place falls
    # when the defenders have lost their breakpoint share in the battle and the attackers prevail, not only when
    # the advance has gone through the whole depth
    def run(breakpoint):
        units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "A", "posture": "attack"} for i in range(3)]
        units.append({"name": "B1", "type": "binf", "side": "blue", "location": "B", "posture": "fortified_defence"})
        c = scenario(tmp_path, [("A", 0, "red", True), ("B", 0.15, "blue", False), ("C", 0.5, "blue", True)],
                     [("A", "B", 10), ("B", "C", 30)], units,
                     [{"name": "Attack", "side": "red", "forces": [u["name"] for u in units[:3]], "objective": "B",
                       "conditions": {"halt_if_strength_below": 0.0}}],
                     days=12, parameters={"manoeuvre.breakpoint_loss_share": breakpoint,
                                          "manoeuvre.recovery_days": 1000})
        e = api.simulate(c, runs=40, seed=3, record=True)
        b1 = c.unit_names.index("B1")
        day = e.st.taken_day[:, 0, c.theatre.index["B"]]
        lost = (e.st.killed + e.st.wounded + e.st.missing)[:, b1]
        return np.where(day >= 0, day, 99), lost / c.men0[b1]

    day_bp, lost_bp = run(0.2)
    day_never, _ = run(0.99)
    assert (day_bp < 99).mean() >= 0.5
    assert np.median(day_bp) < np.median(day_never)
    early = day_bp < day_never                          # fell before the advance went through the depth ...
    assert early.any() and (lost_bp[early] >= 0.2).all()   # ... only past the breakpoint


def test_no_withdrawal_inside_a_closed_pocket(tmp_path):
    # B and C (blue) are joined to blue's source E only through D. Red takes D: B has lost a neighbour and has one
    # way out left (C), but C leads nowhere -- the ring has closed, so B's garrison stays where it is instead of
    # shuffling into C (doctrine._withdrawals); with the link to E still open it would have fallen back
    places = [("A", 0, "red", True), ("B", 0.5, "blue", False), ("C", 0.6, "blue", False), ("D", 0.9, "blue", False),
              ("E", 1.5, "blue", True)]
    edges = [("A", "B", 20), ("A", "D", 20), ("B", "C", 20), ("B", "D", 20), ("D", "E", 60)]
    units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "A", "posture": "attack"} for i in range(4)]
    units += [{"name": "BG", "type": "binf", "side": "blue", "location": "B", "posture": "prepared_defence"}]
    c = scenario(tmp_path, places, edges, units,
                 [{"name": "Cut", "side": "red", "forces": [u["name"] for u in units[:4]], "objective": "D"}], days=8,
                 doctrine={"blue": {"surrender_after_days_cut_off": 30}})
    e = api.simulate(c, runs=10, seed=4)
    idx = c.theatre.index
    assert (e.st.taken_day[:, 0, idx["D"]] >= 0).all()
    bg = c.unit_names.index("BG")
    assert (e.st.cut[:, bg] > 0).all()                                 # cut off...
    assert ((e.st.loc[:, bg] == idx["B"]) & (e.st.nxt[:, bg] < 0)).all()   # ...and still at B


def test_parallel_roads_carry_more_columns(tmp_path):
    # an edge's `routes` and a second road between the same places add capacity (Compiled.edge_routes); a railway
    # beside a road adds none (troops march on the road); the march time is the best road's
    from kriegsspiel.engine.phases.movement import edge_capacity

    units = [{"name": "R0", "type": "inf", "side": "red", "location": "A", "posture": "attack"},
             {"name": "B0", "type": "binf", "side": "blue", "location": "D", "posture": "hasty_defence"}]
    c = scenario(tmp_path, [("A", 0, "red", True), ("B", 0.5, "red", False), ("C", 1.0, "red", False),
                            ("D", 1.5, "blue", True)], [("A", "B", 40), ("B", "C", 40), ("C", "D", 40)], units, [])
    base = edge_capacity(c, P)
    doc = yaml.safe_load((tmp_path / "s.yaml").read_text())
    doc["network"]["edges"][0]["routes"] = 3
    doc["network"]["edges"].append({"from": "B", "to": "C", "kind": "road", "quality": "poor", "km": 45})
    doc["network"]["edges"].append({"from": "C", "to": "D", "kind": "rail", "km": 40})
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    c2 = api.compile(str(tmp_path / "s.yaml"))
    cap = edge_capacity(c2, P)
    good, poor = P["manoeuvre.capacity_men_per_day.road_good"], P["manoeuvre.capacity_men_per_day.road_poor"]
    assert cap.tolist() == [3 * base[0], good + poor, base[2]]
    assert c2.edge_km.tolist() == c.edge_km.tolist() and c2.edge_class.tolist() == c.edge_class.tolist()


def _fortress_on_the_way(tmp_path, **conditions):
    # a tank operation ordered to take B (a strong fortified garrison) and then C; C can be reached round B
    places = [("A", 0, "red", True), ("B", 0.5, "blue", False), ("C", 1.0, "blue", False), ("E", 1.5, "blue", True)]
    edges = [("A", "B", 30), ("B", "C", 30), ("A", "C", 70), ("C", "E", 100)]
    units = [{"name": "T0", "type": "tank", "side": "red", "location": "A", "posture": "attack"}]
    units += [{"name": f"G{i}", "type": "binf", "side": "blue", "location": "B", "posture": "fortified_defence"}
              for i in range(6)]
    c = scenario(tmp_path, places, edges, units,
                 [{"name": "Deep", "side": "red", "forces": ["T0"], "objectives": ["B"], "objective": "C",
                   "conditions": {"halt_if_strength_below": 0.0, **conditions}}], days=25,
                 doctrine={"blue": {"stand_places": ["B"]}})
    return c, api.simulate(c, runs=10, seed=3)


def test_a_mobile_operation_bypasses_a_strongpoint_it_cannot_take(tmp_path):
    # held before an intermediate objective for bypass_objective_days (manoeuvre.yaml), it goes on to the next
    c, e = _fortress_on_the_way(tmp_path)
    idx = c.theatre.index
    assert (e.st.owner[:, idx["B"]] == 1).all()                   # the fortress still holds...
    assert (e.st.taken_day[:, 0, idx["C"]] >= 0).all()            # ...but the operation went round it to C
    c, e = _fortress_on_the_way(tmp_path, bypass_after_days=0)    # ordered never to bypass: it stays before B
    assert (e.st.taken_day[:, 0, idx["C"]] < 0).all()


def test_a_side_that_capitulates_does_not_win(tmp_path):
    # blue capitulates on a date (a political decision) while it still holds C: its "holds C" condition would hold,
    # but a side whose capitulation ended the run wins under none of its conditions (engine/outcome.py)
    from kriegsspiel.engine import outcome

    units = [{"name": "R0", "type": "inf", "side": "red", "location": "A", "posture": "hasty_defence"},
             {"name": "B0", "type": "binf", "side": "blue", "location": "C", "posture": "hasty_defence"}]
    places = [("A", 0, "red", True), ("C", 1.0, "blue", True)]
    for endings, want in (([{"type": "capitulation", "side": "blue", "date": "1944-06-05"}], "Draw"),
                          ([], "Blue holds C")):
        c = scenario(tmp_path, places, [("A", "C", 100)], units, [], days=10, endings=endings)
        doc = yaml.safe_load((tmp_path / "s.yaml").read_text())
        doc["victory"] = {"conditions": [{"label": "Blue holds C", "winner": "blue", "all_of": ["C"]}],
                          "default": {"label": "Draw"}}
        (tmp_path / "s.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        c = api.compile(str(tmp_path / "s.yaml"))
        e = api.simulate(c, runs=4, seed=1)
        assert (e.st.owner[:, c.theatre.index["C"]] == c.side_keys.index("blue")).all()
        assert [outcome.labels(c)[i] for i in outcome.evaluate(c, e.st)] == [want] * 4


def test_a_withdrawal_does_not_retake_a_place_the_enemy_took(tmp_path):
    # a blue column sets out from B for C (100 km) on the first day; red passes through the empty C from A (10 km)
    # on the third, on its way to D: the column turns back to B instead of walking into C and retaking it behind
    # the red front (movement.march)
    from kriegsspiel.codes import UnitMode
    from kriegsspiel.engine.loop import make_engine

    units = [{"name": "R0", "type": "inf", "side": "red", "location": "A", "posture": "attack"},
             {"name": "B0", "type": "binf", "side": "blue", "location": "B", "posture": "hasty_defence"}]
    c = scenario(tmp_path, [("A", 0, "red", True), ("C", 0.1, "blue", False), ("B", 1.0, "blue", True),
                            ("D", 0.2, "blue", False)],
                 [("A", "C", 10), ("C", "B", 100), ("C", "D", 10)], units,
                 [{"name": "Through C", "side": "red", "forces": ["R0"], "objectives": ["C"], "objective": "D",
                   "start_day": 2}], days=10)
    e = make_engine(c, np.arange(4), 1)
    idx = c.theatre.index
    b0 = c.unit_names.index("B0")
    e.st.goal[:, b0] = idx["C"]
    e.st.mode[:, b0] = UnitMode.withdraw
    for d in range(c.n_days):
        e.step(d)
    assert (e.st.owner[:, idx["C"]] == c.side_keys.index("red")).all()
    assert (e.st.loc[:, b0] == idx["B"]).all() and (e.st.nxt[:, b0] < 0).all()


def test_a_cut_off_formation_keeps_only_what_it_carries(tmp_path):
    # supply.yaml carried_stock_days: cut off, red's corps at B has its own 5 days of supply, not the army's 30 in
    # the depots behind the ring; quiet, it uses 0.3 of a day's combat supply a day, so it is out after about 17
    # days and gives up to the four divisions next to it. With the depots' stock it would hold for months.
    def run(carried):
        units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "B"} for i in range(3)]
        units += [{"name": f"Block{i}", "type": "binf", "side": "blue", "location": "M"} for i in range(2)]
        units += [{"name": f"N{i}", "type": "binf", "side": "blue", "location": "N"} for i in range(4)]
        places = [("A", 0, "red", True), ("M", 1, "blue", False), ("B", 2, "red", False), ("N", 3, "blue", False),
                  ("Z", 6, "blue", True)]
        edges = [("A", "M", 50), ("M", "B", 50), ("B", "N", 20), ("N", "Z", 300), ("M", "N", 60)]
        c = scenario(tmp_path, places, edges, units, [], days=28, doctrine={"red": {"surrender_after_days_cut_off": 3}},
                     parameters={"carried_stock_days": carried})
        e = api.simulate(c, runs=3, seed=7)
        return c, e.st

    c, st = run(5.0)
    red = c.unit_side == 0
    assert (st.status[:, red] == UnitStatus.surrendered).all()
    c, st = run(30.0)
    assert (st.status[:, red] == UnitStatus.active).all() and (st.stock[:, red] > 20).all()


def test_the_fastest_columns_take_a_full_road_first(tmp_path):
    # movement.march_order: three infantry divisions listed first and a tank division last share a good road that
    # lets 30,000 men a day start along it (manoeuvre.yaml capacity_men_per_day); the tanks go the first day and one
    # infantry division waits, instead of the tanks waiting behind all three
    units = [{"name": f"I{i}", "type": "inf", "side": "red", "location": "A"} for i in range(3)]
    units += [{"name": "T", "type": "tank", "side": "red", "location": "A"}]
    c = scenario(tmp_path, [("A", 0, "red", True), ("B", 2.8, "blue", False)], [("A", "B", 200)], units,
                 [{"name": "Go", "side": "red", "forces": ["I0", "I1", "I2", "T"], "objective": "B"}])
    from kriegsspiel.engine.loop import make_engine

    e = make_engine(c, np.arange(4), 3)
    e.step(0)
    on_road = e.st.nxt >= 0
    assert on_road[:, c.unit_names.index("T")].all()
    assert (on_road.sum(axis=1) == 3).all() and (~on_road[:, c.unit_names.index("I2")]).all()


def test_a_defecting_contingent_leaves_the_field_and_hands_over_its_places(tmp_path):
    # blue's allied contingent (its own army, `nation: ally`) changes sides on the fourth day: its division at C
    # leaves the field, neither lost nor captured; C (held by it alone) and the empty E pass to red, D stays blue
    # (blue's own division stands there); the campaign goes on (engine/phases/endings.py)
    units = [{"name": "R0", "type": "inf", "side": "red", "location": "A", "posture": "hasty_defence"},
             {"name": "B1", "type": "binf", "side": "blue", "location": "C", "nation": "ally"},
             {"name": "B2", "type": "binf", "side": "blue", "location": "D"}]
    places = [("A", 0, "red", True), ("C", 1.0, "blue", False), ("D", 2.0, "blue", True), ("E", 3.0, "blue", False)]
    ending = {"type": "defection", "side": "blue", "nations": ["ally"], "hands_over": ["C", "D", "E"],
              "date": "1944-06-04"}
    c = scenario(tmp_path, places, [("A", "C", 200), ("C", "D", 100), ("D", "E", 100)], units, [], days=10,
                 endings=[ending])
    e = api.simulate(c, runs=4, seed=1)
    st, idx = e.st, c.theatre.index
    b1, b2 = c.unit_names.index("B1"), c.unit_names.index("B2")
    assert (st.status[:, b1] == UnitStatus.departed).all() and (st.departed[:, b1] == c.men0[b1]).all()
    assert (st.missing[:, b1] == 0).all() and (st.status[:, b2] == UnitStatus.active).all()
    red, blue = c.side_keys.index("red"), c.side_keys.index("blue")
    assert (st.owner[:, idx["C"]] == red).all() and (st.owner[:, idx["E"]] == red).all()
    assert (st.owner[:, idx["D"]] == blue).all()
    assert (st.end_day < 0).all()
    start = np.where(c.arrives == 0, c.men0, 0)[None, :] + st.reinforced
    assert np.array_equal(start, st.men + st.killed + st.wounded + st.missing + st.departed)
    r = api.run(c, seed=1).to_dict()
    ev = [x for x in r["events"] if x["kind"] == "defection"]
    assert len(ev) == 1 and ev[0]["date"] == "1944-06-04" and ev[0]["handed_over"] == "C, E"
    assert "changes sides" in ev[0]["detail"] and "C, E pass to the Red" in ev[0]["detail"]


def test_a_contingent_named_by_its_army_capitulates_alone(tmp_path):
    # `nations` picks the contingent of a capitulation as well: only the allied division gives up (prisoners)
    units = [{"name": "R0", "type": "inf", "side": "red", "location": "A", "posture": "hasty_defence"},
             {"name": "B1", "type": "binf", "side": "blue", "location": "C", "nation": "ally"},
             {"name": "B2", "type": "binf", "side": "blue", "location": "C"}]
    c = scenario(tmp_path, [("A", 0, "red", True), ("C", 1.0, "blue", True)], [("A", "C", 200)], units, [], days=10,
                 endings=[{"type": "capitulation", "side": "blue", "nations": ["ally"], "date": "1944-06-03"}])
    e = api.simulate(c, runs=2, seed=1)
    b1, b2 = c.unit_names.index("B1"), c.unit_names.index("B2")
    assert (e.st.status[:, b1] == UnitStatus.surrendered).all() and (e.st.missing[:, b1] == c.men0[b1]).all()
    assert (e.st.status[:, b2] == UnitStatus.active).all() and (e.st.end_day < 0).all()


def test_a_defection_without_a_contingent_is_refused(tmp_path):
    from kriegsspiel.scenario.load import ScenarioError

    units = [{"name": "R0", "type": "inf", "side": "red", "location": "A"},
             {"name": "B1", "type": "binf", "side": "blue", "location": "C"}]
    for ending, words in (({"type": "defection", "side": "blue", "date": "1944-06-04"}, "`units` or `nations`"),
                          ({"type": "defection", "side": "blue", "nations": ["nobody"], "date": "1944-06-04"},
                           "endings[0].nations[0]")):
        with pytest.raises(ScenarioError) as err:
            scenario(tmp_path, [("A", 0, "red", True), ("C", 1.0, "blue", True)], [("A", "C", 200)], units, [],
                     days=10, endings=[ending])
        assert words in str(err.value) and "s.yaml" in str(err.value)


def test_an_operation_starts_relative_to_a_named_event(tmp_path):
    # "Follow" waits for "Lead" to have started and then two more days (conditions.start_after_started,
    # start_delay_days); "Late" waits two days after it holds B (start_after_captured), which Lead takes
    units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "A", "posture": "attack"} for i in range(3)]
    units += [{"name": "B0", "type": "binf", "side": "blue", "location": "C", "posture": "hasty_defence"}]
    ops = [{"name": "Lead", "side": "red", "forces": ["R0"], "objective": "B", "start_date": "1944-06-03"},
           {"name": "Follow", "side": "red", "forces": ["R1"], "objective": "B",
            "conditions": {"start_after_started": ["Lead"], "start_delay_days": 2}},
           {"name": "Late", "side": "red", "forces": ["R2"], "objective": "B",
            "conditions": {"start_after_captured": ["B"], "start_delay_days": 2}}]
    c = scenario(tmp_path, [("A", 0, "red", True), ("B", 0.2, "blue", False), ("C", 1.5, "blue", True)],
                 [("A", "B", 15), ("B", "C", 100)], units, ops, days=12)
    r = api.run(c, seed=1).to_dict()
    opened = {ev["detail"].split(" opens")[0]: ev["date"] for ev in r["events"] if ev["kind"] == "offensive"}
    taken = [ev["date"] for ev in r["events"] if ev["kind"] == "capture" and ev["place"] == "B"]
    assert opened["Lead"] == "1944-06-03" and opened["Follow"] == "1944-06-05"
    import datetime as dt
    assert taken and opened["Late"] == (dt.date.fromisoformat(taken[0]) + dt.timedelta(days=2)).isoformat()
    doc = yaml.safe_load((tmp_path / "s.yaml").read_text())
    doc["operations"][1]["conditions"]["start_after_started"] = ["Nobody"]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    from kriegsspiel.scenario.load import ScenarioError
    with pytest.raises(ScenarioError, match="start_after_started"):
        api.compile(str(tmp_path / "s.yaml"))


def test_a_dated_order_changes_the_doctrine(tmp_path):
    # blue holds B to the last (stand_places) and is overrun there; an order of 3 June lifting the hold and naming
    # C as the line to fall back on (doctrine `changes`) lets the same garrison withdraw to C when B falls
    units = [{"name": f"R{i}", "type": "inf", "side": "red", "location": "A", "posture": "attack"} for i in range(6)]
    units += [{"name": "B1", "type": "binf", "side": "blue", "location": "B", "strength": 0.3}]
    ops = [{"name": "Take B", "side": "red", "forces": [f"R{i}" for i in range(6)], "objective": "B",
            "start_date": "1944-06-05"}]
    places = [("A", 0, "red", True), ("B", 0.2, "blue", False), ("C", 1.5, "blue", True)]

    def fate(changes):
        c = scenario(tmp_path, places, [("A", "B", 15), ("B", "C", 100)], units, ops, days=15,
                     doctrine={"blue": {"stand_places": ["B"], "changes": changes}})
        e = api.simulate(c, runs=8, seed=2)
        b1 = c.unit_names.index("B1")
        assert (e.st.owner[:, c.theatre.index["B"]] == c.side_keys.index("red")).all()
        return e.st.status[:, b1], e.st.loc[:, b1], c.theatre.index["C"]

    status, _, _ = fate([])
    assert (status != UnitStatus.active).all()
    status, loc, c_idx = fate([{"date": "1944-06-03", "stand_places": [], "withdraw_to": ["C"], "note": "withdrawal"}])
    assert ((status == UnitStatus.active) & (loc == c_idx)).mean() >= 0.5


def _invested(tmp_path, sea=False, **params):
    # red's fortress F, a supply base, is joined through M to four more red bases A0-A3; blue takes M on day 1
    # (set by hand), cutting F off from four bases of the five it was joined to (supply.yaml isolated_source_share)
    units = [{"name": "Garrison", "type": "inf", "side": "red", "location": "F"}]
    units += [{"name": f"Block{i}", "type": "binf", "side": "blue", "location": "Z"} for i in range(2)]
    places = [(f"A{i}", 0.1 * i, "red", True) for i in range(4)] + [("M", 1, "red", False), ("F", 2, "red", True),
                                                                    ("Z", 5, "blue", True)]
    edges = [("A0", "A1", 10), ("A1", "A2", 10), ("A2", "A3", 10), ("A3", "M", 50), ("M", "F", 50), ("F", "Z", 300)]
    c = scenario(tmp_path, places, edges, units, [], days=20, doctrine={"red": {"surrender_after_days_cut_off": 30}},
                 parameters=params)
    if sea:
        c.sea_supply[0] = True
        c.theatre.port[c.theatre.index["F"]] = True
    from kriegsspiel.engine.loop import make_engine

    e = make_engine(c, np.arange(3), 7)
    e.step(0)
    m, f = c.theatre.index["M"], c.theatre.index["F"]
    e.st.owner[:, m] = 1
    e.st.loc[:, c.unit_names.index("Block0")] = m
    fed = []
    for d in range(1, 12):
        e.step(d)
        fed.append(bool(e.st.reach[0, 0, f]))
    return c, e, fed


def test_an_invested_base_feeds_its_garrison_only_for_a_time(tmp_path):
    # supply.yaml isolated_source_days: the fortress's own depots keep it a source for 4 days after it is
    # invested (days 1-4), then its garrison is cut off
    c, e, fed = _invested(tmp_path, isolated_source_days=4)
    assert fed == [True] * 4 + [False] * 7
    assert (e.st.cut[:, c.unit_names.index("Garrison")] == 7).all()
    # with a longer stock it is still fed; a port of a side supplied by sea is fed by sea
    assert all(_invested(tmp_path, isolated_source_days=20)[2])
    assert all(_invested(tmp_path, sea=True, isolated_source_days=4)[2])


def test_a_reinforcement_due_at_a_lost_place_arrives_at_the_nearest_held_one(tmp_path):
    # red's corps is due at M on day 2; blue took M on day 1: it arrives at A (10 km from M), not C (40 km) and not
    # inside blue's M. Blue's raiders due at red's A from the start (a drop behind the lines) arrive there.
    units = [{"name": "Late", "type": "inf", "side": "red", "location": "M", "arrives_day": 2},
             {"name": "Hold", "type": "inf", "side": "red", "location": "C"},
             {"name": "Drop", "type": "binf", "side": "blue", "location": "A", "arrives_day": 2, "strength": 0.1}]
    places = [("A", 0, "red", True), ("M", 0.1, "red", False), ("C", 0.5, "red", False), ("Z", 3, "blue", True)]
    edges = [("A", "M", 10), ("M", "C", 40), ("C", "Z", 200)]
    c = scenario(tmp_path, places, edges, units, [], days=5)
    from kriegsspiel.engine.loop import make_engine

    e = make_engine(c, np.arange(2), 7)
    e.step(0)
    e.st.owner[:, c.theatre.index["M"]] = 1
    for d in range(1, 4):
        e.step(d)
    assert (e.st.loc[:, c.unit_names.index("Late")] == c.theatre.index["A"]).all()
    assert (e.st.status[:, c.unit_names.index("Late")] == UnitStatus.active).all()
    assert (e.st.loc[:, c.unit_names.index("Drop")] == c.theatre.index["A"]).all()


def test_a_defence_beaten_by_armour_is_pursued_as_often_as_cdb90_says(tmp_path):
    # manoeuvre.yaml armour_pursuit_*: blue's foot division at B, beaten by red's armour (300 tanks against none),
    # falls back on C; it is pursued (loses the pursuit share) with armour_pursuit_probability, not otherwise
    def pursued(prob, **extra):
        units = [{"name": f"T{i}", "type": "tank", "side": "red", "location": "A", "posture": "attack"} for i in range(2)]
        units.append({"name": "B1", "type": "binf", "side": "blue", "location": "B"})
        c = scenario(tmp_path, [("A", 0, "red", True), ("B", 0.15, "blue", False), ("C", 0.5, "blue", True)],
                     [("A", "B", 10), ("B", "C", 30)], units,
                     [{"name": "Attack", "side": "red", "forces": ["T0", "T1"], "objective": "B"}], days=8,
                     parameters={"manoeuvre.armour_pursuit_probability": prob, "manoeuvre.breakthrough_ratio": 50.0,
                                 "manoeuvre.breakthrough_ratio_thin": 50.0, "rout_ratio": 50.0, **extra})
        e = api.simulate(c, runs=60, seed=2, record=True)
        ev = [x for x in e.log.events if x.kind.value == "withdrawal"]
        assert len(ev) >= 40                                  # B fell and its defenders fell back in most runs
        return np.mean([x.args["pursued"] for x in ev])

    # (a few withdrawals are not from the place's fall: a division already worn down falls back, unpursued)
    assert pursued(0.0) == 0.0 and pursued(1.0) > 0.9
    assert 0.05 < pursued(P["manoeuvre.armour_pursuit_probability"]) < 0.35      # 0.163
    assert pursued(1.0, **{"manoeuvre.armour_pursuit_tanks": 1000.0}) == 0.0    # without the advantage: no


def test_lorried_infantry_marches_at_the_mechanised_rate_and_fights_as_infantry(tmp_path):
    # schema `lorried`: foot infantry carried in lorries marches by the mechanised rates (and burns fuel on the
    # march), but its combat mobility (advance under fire, bypass) stays infantry
    types = {"inf": {"side": "red", "men": 10000, "guns": 36, "source": "test"},
             "lorried": {"side": "red", "men": 10000, "guns": 36, "lorried": True, "source": "test"},
             "mech": {"side": "red", "men": 10000, "guns": 36, "mobility": "mechanised", "source": "test"},
             "binf": {"side": "blue", "men": 10000, "guns": 36, "source": "test"}}
    units = [{"name": n, "type": t, "side": "red", "location": "A"} for n, t in (("I", "inf"), ("L", "lorried"),
                                                                                ("M", "mech"))]
    c = scenario(tmp_path, [("A", 0, "red", True), ("B", 2.8, "red", False)], [("A", "B", 200)], units,
                 [{"name": f"Go {n}", "side": "red", "forces": [n], "objective": "B"} for n in "ILM"],
                 unit_types=types)
    assert list(c.mobility) == [Mobility.infantry, Mobility.infantry, Mobility.mechanised]
    assert list(c.march_mobility) == [Mobility.infantry, Mobility.mechanised, Mobility.mechanised]
    from kriegsspiel.engine.loop import make_engine
    arrive = np.full((20, 3), -1)
    e = make_engine(c, np.arange(20), 3)
    for d in range(c.n_days):
        e.step(d)
        arrive = np.where((arrive < 0) & (e.st.loc == c.theatre.index["B"]), d, arrive)
    assert (arrive >= 0).all()
    assert (arrive[:, 1] == arrive[:, 2]).all() and arrive[:, 1].mean() < arrive[:, 0].mean() - 1


def test_only_infantry_can_be_lorried(tmp_path):
    from kriegsspiel.scenario.errors import ScenarioError
    types = {"tank": {"side": "red", "men": 10000, "tanks": 150, "mobility": "armoured", "lorried": True,
                      "source": "test"}, "binf": {"side": "blue", "men": 10000, "source": "test"}}
    with pytest.raises(ScenarioError, match="lorried"):
        scenario(tmp_path, [("A", 0, "red", True), ("B", 1, "blue", True)], [("A", "B", 100)],
                 [{"name": "T", "type": "tank", "side": "red", "location": "A"}], [], unit_types=types)


def test_a_finished_operations_formations_join_the_nearest_running_one(tmp_path):
    # manoeuvre.yaml retask_km: the armour's operation ends at B on the first day; the foot's operation toward D
    # (100 km on) is still running, so the armour joins it and goes on to D, leaving B to the smallest formation
    # there (a small garrison G); alone at B, or with re-tasking off or out of reach, it stays
    def run(garrison=True, **params):
        types = {"inf": {"side": "red", "men": 10000, "guns": 36, "source": "test"},
                 "small": {"side": "red", "men": 1000, "source": "test"},
                 "tank": {"side": "red", "men": 10000, "guns": 36, "tanks": 150, "mobility": "armoured",
                          "source": "test"},
                 "binf": {"side": "blue", "men": 10000, "guns": 36, "source": "test"}}
        units = [{"name": "I", "type": "inf", "side": "red", "location": "A"},
                 {"name": "T", "type": "tank", "side": "red", "location": "A"}]
        units += [{"name": "G", "type": "small", "side": "red", "location": "B"}] if garrison else []
        c = scenario(tmp_path, [("A", 0, "red", True), ("B", 0.6, "red", False), ("D", 2.0, "red", False)],
                     [("A", "B", 40), ("B", "D", 100)], units,
                     [{"name": "Go T", "side": "red", "forces": ["T"], "objective": "B"},
                      {"name": "Go I", "side": "red", "forces": ["I"], "objective": "D"}], days=4,
                     unit_types=types, parameters=params)
        return c, api.simulate(c, runs=5, seed=3).st
    c, st = run()
    assert (st.loc[:, 1] == c.theatre.index["D"]).all() and (st.unit_op[:, 1] == 1).all()
    assert (st.loc[:, 2] == c.theatre.index["B"]).all()
    for kw in ({"garrison": False}, {"manoeuvre.retask_km": 0}, {"manoeuvre.retask_km": 50}):
        c, st = run(**kw)
        assert (st.loc[:, 1] == c.theatre.index["B"]).all() and (st.unit_op[:, 1] == 0).all(), kw
