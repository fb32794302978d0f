"""Riverine operations: river forces up the Amur and opposed crossings, the flotilla duel, crossing lift and
the river factor; strikes by river forces without troops (docs/models/riverine.md). Draws from the
`riverine` stream."""

from __future__ import annotations

import math

import numpy as np

from ...models import naval as nav
from ...models import riverine as riv
from .amphibious import AmphibiousPhase
from .base import ACTIVE, ASHORE, DONE, FORTIFIED, NORMAL, UNDERWAY, _fmt, _noise, _spread
from .plan import JOp

RIVER_KM_PER_DAY = 150.0   # ASSUMPTION: river convoy of monitors and barges at 6-7 km/h for a day (docs/models/riverine.md)


def sea_days_for(o: JOp) -> int:
    return max(1, math.ceil(o.route_km / RIVER_KM_PER_DAY))


class RiverinePhase(AmphibiousPhase):
    """River forces up the Amur and opposed crossings: flotilla duel, crossing lift, river factor (docs/models/riverine.md)."""

    name = "riverine"
    op_types = ("river_assault",)
    shore_table = "v_river"
    params_key = "riverine"
    kind_word = "cross to"
    _event = "river_assault"
    shore_factor = staticmethod(riv.river_factor)

    def _speed(self):
        return RIVER_KM_PER_DAY

    def _lift(self, eng, o, J):
        pl_, pr = self.plan, self.jp["riverine"]
        ships = self._fleet_ships(eng, o, J)
        craft = (ships * pl_.ship["river"]).sum(axis=1)
        tl = ships @ (pl_.ship["lift_men"] * pl_.ship["river_transport"])
        return riv.crossing_men_per_day(craft, tl, pr["men_per_craft_day"], pr["transport_trips_per_day"]), ships

    def _passage(self, eng, d, o, i, u, u_units, J, on):
        """A day on the river: the flotilla meets the enemy's river craft on its route and at the objective."""
        self._duel(eng, d, o, i, u, u_units, J, on)

    def _duel(self, eng, d, o, i, u, u_units, J, on):
        """The flotilla's day on the runs `on` (R,): the duel with the enemy's river craft, then its guns shell
        the objective. Worked out row by row for those runs only (elsewhere nothing is lost or fired)."""
        st, c, pl_ = eng.st, eng.c, self.plan
        R = st.R
        rr = np.flatnonzero(on)
        z = np.zeros(R)
        if not len(rr):
            J.setdefault("flotilla", {})[o.j] = (z, z, z, z)
            return z
        # only the units that hold ships (self.ship_units) can have or lose any: the others' rows are zeros
        S = self.ship_units
        route = self._route_mask(c, o)
        enemy = (c.unit_side[S] != o.side)[None, :] & (st.status[rr][:, S] == ACTIVE) & route[st.loc[rr][:, S]]
        ships = J["ships"][rr]                                                      # (r, U, K), a copy
        b_all = ships[:, S]
        eships = b_all * enemy[..., None] * pl_.ship["river"]
        own = ships[:, o.fleet, :] * pl_.ship["river"]
        e_kg = nav.sea_power(eships.sum(axis=1), pl_.ship["broadside"], pl_.ship["river"])
        o_kg = nav.sea_power(own.sum(axis=1), pl_.ship["broadside"], pl_.ship["river"])
        lo, le = riv.duel(o_kg, e_kg, self.jp["riverine"]["duel_k"])
        lo, le = lo * _noise(u[rr, i, 3], 0.3), le * _noise(u[rr, i, 3], 0.3)
        lo, le = np.minimum(lo, 0.6), np.minimum(le, 0.6)
        ships[:, o.fleet, :] -= own * lo[:, None, None]
        after = ships[:, S]
        after -= eships * le[:, None, None]
        ships[:, S] = after
        J["ships"][rr] = ships
        exp = np.zeros(st.men.shape)
        exp[np.ix_(rr, S)] = self._crew_lost(b_all, after)
        self._lose(eng, d, exp, NORMAL, u_units)
        # the flotilla's guns suppress the far bank
        shell_r = nav.bombardment_t(ships[:, o.fleet, :].sum(axis=1) * pl_.ship["river"], pl_.ship["main_guns"],
                                    pl_.ship["shell_kg"], pl_.ship["rof"], self.jp["riverine"]["bombardment_hours"])
        J["shell_t"][rr, o.objective] += shell_r
        full = []
        for x in (e_kg, le, lo, shell_r):
            f = np.zeros(R)
            f[rr] = x
            full.append(f)
        J.setdefault("flotilla", {})[o.j] = tuple(full)
        return full[3]

    def phase(self, eng, d, wx):
        st = eng.st
        J = st.extra["joint"]
        super().phase(eng, d, wx)
        u, u_units = self._draws(eng, d)
        for i, o in enumerate(self.ops):
            state = J["op_state"][:, o.j]
            # at the objective the flotilla fights every day of the assault
            fighting = state == ASHORE
            if fighting.any():
                self._duel(eng, d, o, i, u, u_units, J, fighting)
            if not len(o.troops):
                self._strike(eng, d, o, i, u, u_units, J, state)

    def _strike(self, eng, d, o, i, u, u_units, J, state):
        """A strike without troops: up the river (meeting the enemy's craft), then shell the objective."""
        st = eng.st
        dur = o.duration or 1
        days = J["days"][:, o.j]
        travel = (state == UNDERWAY) & (days < sea_days_for(o) - 1)
        if travel.any():
            self._duel(eng, d, o, i, u, u_units, J, travel)
        strike = (state == UNDERWAY) & ~travel & (st.owner[:, o.objective] != o.side)
        if strike.any():
            shell = self._duel(eng, d, o, i, u, u_units, J, strike)
            pl = o.objective
            dmask = self._defenders(eng, 1 - o.side, pl)
            d_men = (st.men * dmask).sum(axis=1)
            cas_exp = self._shelled(shell, st.posture[:, pl] == FORTIFIED, d_men) * strike
            exp = _spread(st.men, dmask, d_men, cas_exp)
            self._lose(eng, d, exp, NORMAL, u_units[..., ::-1])
            if eng.record:
                self._report_strike(eng, d, o, J, strike, shell, cas_exp)
        J["days"][:, o.j] = np.where(state == UNDERWAY, days + 1, days)
        over = (state == UNDERWAY) & ((J["days"][:, o.j] >= sea_days_for(o) - 1 + dur)
                                      | (st.owner[:, o.objective] == o.side))
        J["op_state"][over, o.j] = DONE

    def _report_strike(self, eng, d, o, J, strike, shell, cas_exp):
        pl = o.objective
        e_kg, le, lo, _ = J["flotilla"][o.j]
        for r in np.flatnonzero(strike):
            fl = (f"; the {self._word(eng, 1 - o.side)} flotilla engages and loses {le[r]:.0%} of its craft "
                  f"for {lo[r]:.0%}" if e_kg[r] > 0 else "")
            eng.log.add(r, d, "river_assault", o.side, pl, value=int(round(shell[r])),
                        detail=(f"{o.name}: {self._word(eng, o.side)} river forces strike "
                                f"{self._pname(eng, pl)}: {shell[r]:,.0f} t of shell, about "
                                f"{_fmt(cas_exp[r])} defenders hit{fl}."),
                        shell_t=round(float(shell[r]), 1), defender_casualties=int(round(cas_exp[r])))
