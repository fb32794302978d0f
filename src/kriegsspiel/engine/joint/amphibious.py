"""Amphibious landings: sea passage with losses, the landing (lift, fog, sea state), the assault, and supply
over the beach (docs/models/amphibious.md). Draws from the `amphibious` stream."""

from __future__ import annotations

import math

import numpy as np

from ...models import amphibious as amph
from ...models import naval as nav
from .base import ACTIVE, ASHORE, DESTROYED_C, ENCIRCLED, FAILED, UNDERWAY, WON, JointModel, _fmt, _noise


class AmphibiousPhase(JointModel):
    """Sea passage with losses, the landing (lift, fog, sea state), the assault, beach supply (docs/models/amphibious.md)."""

    name = "amphibious"
    op_types = ("amphibious_landing",)
    shore_table = "v_beach"
    params_key = "amphibious"
    kind_word = "land at"
    _event = "amphibious_landing"
    shore_factor = staticmethod(amph.shoreline_factor)

    def _speed(self):
        return self.jp["naval"]["convoy_km_per_day"]

    def _shore_v(self, J, pl):
        n = nav.neutralisation(J["shell_t"][:, pl], self.jp["naval"]["neutral_t"])
        return self.shore_factor(n, self.jp[self.params_key][self.shore_table])

    def _lift(self, eng, o, J):
        ships = self._fleet_ships(eng, o, J)
        a, pl_ = self.jp, self.plan
        return amph.lift_men_per_day(ships, pl_.ship["daihatsu"], pl_.ship["shohatsu"], a["daihatsu_men"],
                                     a["shohatsu_men"], a["waves_per_day"]), ships

    def _passage(self, eng, d, o, i, u, u_units, J, on):
        """One day at sea: transports and troops lost to submarines, mines (approach day) and bombers."""
        st, c, pl_, pn = eng.st, eng.c, self.plan, self.jp["naval"]
        pl = o.objective
        enemy_units = (c.unit_side != o.side)[None, :] & (st.status == ACTIVE)
        near = (pl_.dist_km[st.loc, pl] <= pn["sea_control_km"]) & enemy_units
        S = self.ship_units                  # only these units hold ships; the others' rows are zeros
        subs = (J["ships"][:, S] * near[:, S, None] * pl_.ship["submarine"]).sum(axis=(1, 2))
        _, ships = self._lift(eng, o, J)
        escorts = (ships * (pl_.ship["escort"] | pl_.ship["warship"])).sum(axis=1)
        radius = np.array([m["radius_km"] if m and m.get("role") == "bomber" else 0.0 for m in pl_.air_model])
        bombers = ((pl_.dist_km[st.loc, pl] <= radius[None, :]) & enemy_units) * J["aircraft"]
        sorties = bombers.sum(axis=1) * self.jp["air"]["serviceable"] * pn["anti_ship_sortie_rate"]
        approach = J["days"][:, o.j] + 1 >= max(1, math.ceil(o.route_km / pn["convoy_km_per_day"]))
        mined = approach & (st.owner[:, pl] != o.side) & (c.theatre.port[pl] | (c.theatre.fortification[pl] > 0))
        share = nav.transit_loss_share(1.0, subs, escorts, sorties, mined, pn) * _noise(u[:, i, 3], 0.5)
        share = np.where(on, np.minimum(share, 0.5), 0.0)
        exp = np.zeros(st.men.shape)
        exp[:, o.troops] = st.men[:, o.troops] * (share * pn["troops_lost_per_sinking"])[:, None]
        tr = pl_.ship["transport"]
        before = J["ships"][:, o.fleet, :].copy()
        J["ships"][:, o.fleet, :] = before * (1.0 - share[:, None, None] * tr)
        exp[:, o.fleet] += self._crew_lost(before, J["ships"][:, o.fleet, :])
        lost = self._lose(eng, d, exp, DESTROYED_C, u_units)
        J.setdefault("lost_at_sea", np.zeros(J["op_state"].shape))[:, o.j] += lost[:, o.troops].sum(axis=1)

    def phase(self, eng, d, wx):
        st, c, jp = eng.st, eng.c, self.jp
        J = st.extra["joint"]
        u, u_units = self._draws(eng, d)
        heavy = eng.p.weather_names.index("wet_heavy_temperate")
        for i, o in enumerate(self.ops):
            self._start(eng, d, o)
            if not len(o.troops):
                continue          # a strike without troops (RiverinePhase)
            state = J["op_state"][:, o.j]
            if not ((state == UNDERWAY) | (state == ASHORE) | (state == WON)).any():
                continue
            pl = o.objective
            tmask = self._troops(eng, o)
            sea_days = max(1, math.ceil(o.route_km / self._speed()))
            at_sea = state == UNDERWAY
            if at_sea.any():
                self._passage(eng, d, o, i, u, u_units, J, at_sea)
            arrived = at_sea & (J["days"][:, o.j] + 1 >= sea_days)
            fog_belt = bool(amph.in_fog_belt(c.theatre.lat[pl], c.theatre.lon[pl], jp["amphibious"]))
            go = amph.can_land(u[:, i, 0], fog_belt, wx[:, pl] == heavy, jp["amphibious"]["fog_chance"])
            lift, ships = self._lift(eng, o, J)
            men_total = np.maximum((st.men * tmask).sum(axis=1), 1)
            land_now = arrived & go
            ashore = (state == ASHORE) | land_now
            J["days"][:, o.j] = np.where(at_sea & ~land_now, J["days"][:, o.j] + 1, np.where(land_now, 0, J["days"][:, o.j]))
            if land_now.any():
                J["op_state"][land_now, o.j] = ASHORE
                st.loc[:, o.troops] = np.where(land_now[:, None], pl, st.loc[:, o.troops])
            add = np.where(ashore & go, lift / men_total, 0.0)
            J["landed_frac"][:, o.j] = np.minimum(1.0, J["landed_frac"][:, o.j] + add)
            if ashore.any():
                self._fight(eng, d, wx, o, i, u, u_units, J, tmask, ashore, land_now)
            self._supply(eng, o, J, tmask, ships)

    def _fight(self, eng, d, wx, o, i, u, u_units, J, tmask, ashore, land_now):
        """The assault, on the runs where troops are ashore and the place is still the enemy's; the place taken,
        or the troops thrown back."""
        st, c, pa = eng.st, eng.c, self.jp[self.params_key]
        pl = o.objective
        frac = J["landed_frac"][:, o.j]
        fight = ashore & (st.owner[:, pl] != o.side)
        men_before = (st.men * tmask).sum(axis=1)
        v = self._shore_v(J, pl)
        won, L_att, L_def, _ = self._assault(eng, d, o, tmask & fight[:, None], np.where(fight, frac, 0.0),
                                             v, u[:, i], u_units, wx=wx)
        won &= fight
        J.setdefault("assault_losses", np.zeros((st.R, len(self.plan.ops), 2)))
        J["assault_losses"][:, o.j, 0] += np.where(fight, L_att, 0.0)
        J["assault_losses"][:, o.j, 1] += np.where(fight, L_def, 0.0)
        if eng.record:
            self._report_landing(eng, d, o, J, land_now, frac * men_before, v, L_att, L_def)
        # a fortified place falls after 1 + round(3 x fortification) days won (ASSUMPTION, docs/models/amphibious.md)
        wins = J.setdefault("wins", np.zeros((st.R, len(self.plan.ops)), np.int64))
        wins[:, o.j] += won
        need = 1 + int(round(3 * c.theatre.fortification[pl]))
        take = won & (frac >= 0.999) & (wins[:, o.j] >= need)
        J["days"][:, o.j] = np.where(ashore & ~land_now, J["days"][:, o.j] + 1, J["days"][:, o.j])
        men_now = (st.men * tmask).sum(axis=1)
        peak = J.setdefault("peak_men", np.zeros((st.R, len(self.plan.ops))))
        peak[:, o.j] = np.maximum(peak[:, o.j], men_before * frac)
        fail = fight & ~take & ((J["days"][:, o.j] >= pa["max_assault_days"])
                                | (men_now * frac < pa["throw_back_share"] * peak[:, o.j]))
        if take.any():
            J["op_state"][take, o.j] = WON
            self._capture(eng, d, take, pl, o.side)
            st.loc[:, o.troops] = np.where(take[:, None], pl, st.loc[:, o.troops])
            if eng.record:
                self._report_end(eng, d, o, J, take, men_now, "taken",
                                 lambda r: f"{o.name}: {self._word(eng, o.side)} troops take {self._pname(eng, pl)} "
                                           f"after {int(J['days'][r, o.j]) + 1} days ashore")
        if fail.any():
            exp = np.where(tmask & fail[:, None], st.men * pa["evacuation_loss"], 0.0)
            self._lose(eng, d, exp, ENCIRCLED, u_units[..., ::-1])
            J["op_state"][fail, o.j] = FAILED
            st.loc[:, o.troops] = np.where(fail[:, None], o.origin, st.loc[:, o.troops])
            if eng.record:
                self._report_end(eng, d, o, J, fail, (st.men * tmask).sum(axis=1), "thrown back",
                                 lambda r: f"{o.name} is thrown back at {self._pname(eng, pl)}: the survivors "
                                           f"re-embark for {self._pname(eng, o.origin)}")

    def _report_landing(self, eng, d, o, J, land_now, landed, v, L_att, L_def):
        pl = o.objective
        for r in np.flatnonzero(land_now):
            lost = J.get("lost_at_sea", np.zeros((1, 1)))[r, o.j] if "lost_at_sea" in J else 0
            eng.log.add(r, d, self._event, o.side, pl, value=int(landed[r]),
                        detail=(f"{o.name}: {_fmt(landed[r])} {self._word(eng, o.side)} "
                                f"troops {self.kind_word} {self._pname(eng, pl)} on the first day (shoreline factor {v[r]:.2f}), {_fmt(L_att[r])} attackers and "
                                f"{_fmt(L_def[r])} defenders hit; {_fmt(lost)} lost on passage."),
                        landed=int(landed[r]), lost_on_passage=int(lost),
                        attacker_casualties=int(round(L_att[r])), defender_casualties=int(round(L_def[r])))

    def _report_end(self, eng, d, o, J, runs, men, outcome, head):
        """The assault is over in `runs`: what happened in run r (`head(r)`) and the assault casualties."""
        for r in np.flatnonzero(runs):
            tot = J["assault_losses"][r, o.j]
            eng.log.add(r, d, self._event, o.side, o.objective, value=int(men[r]),
                        detail=(f"{head(r)}; assault casualties "
                                f"{_fmt(tot[0])} attackers, {_fmt(tot[1])} defenders."),
                        outcome=outcome, attacker_casualties=int(round(tot[0])),
                        defender_casualties=int(round(tot[1])))

    def _supply(self, eng, o, J, tmask, ships):
        """Over the beach until a port is taken, then through the port (runs ashore or won, out of land supply)."""
        st, c, pa = eng.st, eng.c, self.jp["amphibious"]
        state = J["op_state"][:, o.j]
        pl = o.objective
        sea = ((state == ASHORE) | (state == WON))
        reach = st.reach.get(o.side)
        if reach is not None:
            sea &= ~reach[:, pl]
        sr = np.flatnonzero(sea)                   # only these runs are supplied by sea (row by row)
        if not len(sr):
            return
        lcc = (ships[sr] * self.plan.ship["daihatsu"]).sum(axis=1) / 29.0
        port = (state[sr] == WON) & bool(c.theatre.port[pl])
        tonnes = amph.beach_supply_t(lcc, port, pa["beach_t_per_day"], pa["port_t_per_day"])
        m = tmask[sr]
        use = np.where(st.engaged[sr], 1.0, eng.p["quiet_consumption_share"])
        demand = (use * c.supply_t[None, :] * m).sum(axis=1)
        fill = np.minimum(1.0, tonnes / np.maximum(demand, 1e-9))
        st.stock[sr] = np.where(m, st.stock[sr] + fill[:, None] * use, st.stock[sr])
        st.cut[sr] = np.where(m, 0, st.cut[sr])
