"""Siege of a fortress port: blockade by sea and cut off by land, the defenders' stocks run down, and the
fortress artillery shells the besiegers (docs/models/naval.md). Draws from the `naval` stream, in the rows
after the bombardments' (NavalPhase.stream_shapes)."""

from __future__ import annotations

import numpy as np

from ...params import WEATHER_COLS
from .base import ACTIVE, NORMAL, UNDERWAY, JointModel, _fmt, _spread


class SiegePhase(JointModel):
    """Blockade and siege of a fortress port: stocks run down, Soviet artillery shells the besiegers (docs/models/naval.md)."""

    name = "naval"   # draws from the naval stream, rows after the bombardments' (see stream_shapes)
    op_types = ("siege",)

    def stream_shapes(self, c) -> dict:
        return {}

    def phase(self, eng, d, wx):
        st, c, pl_ = eng.st, eng.c, self.plan
        J = st.extra["joint"]
        U = len(c.unit_names)
        n_naval = len([o for o in pl_.ops if o.type == "naval_bombardment"])
        u = eng.rnd.day("naval", d)
        u_units = u[:, n_naval + U:n_naval + 2 * U]
        for o in self.ops:
            self._start(eng, d, o)
            on = (J["op_state"][:, o.j] == UNDERWAY) & (st.owner[:, o.objective] != o.side)
            self._close(J, o, on)
            if on.any():
                self._besiege(eng, d, wx, o, on, u_units)

    def _besiege(self, eng, d, wx, o, on, u_units):
        st, c, ps, pl_ = eng.st, eng.c, self.jp["siege"], self.plan
        J = st.extra["joint"]
        pl = o.objective
        enemy = 1 - o.side
        dmask = self._defenders(eng, enemy, pl) & on[:, None]
        nb = c.neighbours[pl]
        nb = nb[nb >= 0]
        land_cut = (st.owner[:, nb] == o.side).all(axis=1) if len(nb) else np.ones(st.R, bool)
        fleet = self._fleet_ships(eng, o, J)
        blockade = (fleet * (pl_.ship["warship"] | pl_.ship["escort"] | pl_.ship["submarine"])).sum(axis=1) > 0
        besieged = on & land_cut & blockade
        # the fortress's own depots do not refill: cancel the engine's refill of a source (docs/models/naval.md)
        use = np.where(st.engaged, 1.0, eng.p["quiet_consumption_share"])
        want = use + np.maximum(eng.p["initial_stock_days"] - st.stock, 0.0) * 0.1
        st.stock = np.where(dmask & besieged[:, None], np.maximum(st.stock - want, 0.0), st.stock)
        starving = dmask & besieged[:, None] & (st.stock <= 0)
        exp = np.where(starving, st.men * ps["starvation_rate_per_day"], 0.0)
        # Soviet artillery shells the besiegers at the neighbouring places
        guns = (st.guns * dmask).sum(axis=1)
        bats = J["batteries"] * ((pl_.dist_km[st.loc, pl] <= 40.0) & (c.unit_side[None, :] == enemy))[..., None]
        guns = guns + (bats * pl_.battery["guns"]).sum(axis=(1, 2)) * ps["coastal_guns_landward"]
        w_art = eng.p.weather[wx[:, pl], WEATHER_COLS.index("artillery")]
        targets = (np.isin(st.loc, nb) | (st.loc == pl)) & (c.unit_side[None, :] == o.side) & (st.status == ACTIVE)
        t_men = (st.men * targets).sum(axis=1)
        shell_cas = np.minimum(guns * ps["shelling_casualties_per_gun_day"] * w_art, 0.02 * t_men) * on
        exp += _spread(st.men, targets, t_men, shell_cas)
        self._lose(eng, d, exp, NORMAL, u_units)
        J.setdefault("siege_days", np.zeros((st.R, len(pl_.ops)), np.int64))[:, o.j] += besieged
        day_n = d - J["op_day0"][:, o.j]
        if not eng.record:
            return
        for r in np.flatnonzero(on & ((day_n % 7 == 0) | (shell_cas > 0) & (day_n % 7 == 0))):
            stock = float((st.stock[r] * dmask[r]).sum() / max(1, dmask[r].sum()))
            eng.log.add(r, d, "siege", o.side, pl, value=int(shell_cas[r]),
                        detail=(f"Siege of {self._pname(eng, pl)}, day {int(day_n[r]) + 1}: "
                                f"{'blockaded by sea and cut off by land' if besieged[r] else 'blockade by sea, land front open'}; "
                                f"{self._word(eng, enemy)} artillery ({_fmt(guns[r])} guns incl. the coastal "
                                f"batteries) shells the {self._word(eng, o.side)} positions: {_fmt(shell_cas[r])} "
                                f"casualties today; the defenders hold {stock:.1f} days of supply."),
                        besieged=bool(besieged[r]), shelling_casualties=int(round(shell_cas[r])))
