"""Naval bombardment: shore bombardment before the landings, coastal artillery firing back, fleet against
fleet (docs/models/naval.md). Draws from the `naval` stream."""

from __future__ import annotations

import numpy as np

from ...models import amphibious as amph
from ...models import naval as nav
from ...models import riverine as riv
from .base import ACTIVE, FORTIFIED, NORMAL, PREPARED, UNDERWAY, JointModel, _fmt, _noise, _spread


class NavalPhase(JointModel):
    """Shore bombardment before the landings, coastal artillery firing back, fleet against fleet (docs/models/naval.md)."""

    name = "naval"
    op_types = ("naval_bombardment",)

    def stream_shapes(self, c) -> dict:
        # rows: bombardments, then the units' rounding and split for bombardments, then for sieges
        return {self.name: (c.n_days, len(self.ops) + 2 * len(c.unit_names), 4)}

    def phase(self, eng, d, wx):
        st, c, jp = eng.st, eng.c, self.jp
        J, pn, pl_ = st.extra["joint"], jp["naval"], self.plan
        J["shell_t"] *= pn["neutral_decay_per_day"]
        u, u_units = self._draws(eng, d)
        for i, o in enumerate(self.ops):
            self._start(eng, d, o)
            dur = o.duration or 2
            on = (J["op_state"][:, o.j] == UNDERWAY) & (d - J["op_day0"][:, o.j] < dur) & (st.owner[:, o.objective] != o.side)
            self._close(J, o, on)
            if not on.any() or not len(o.fleet):
                continue
            pl = o.objective
            ships = J["ships"][:, o.fleet, :]                                       # (R, F, K)
            war = ships * (pl_.ship["warship"] | pl_.ship["escort"])
            hours = pn["bombardment_hours"]
            fog = amph.in_fog_belt(c.theatre.lat[pl], c.theatre.lon[pl], jp["amphibious"]) & (u[:, i, 0] < jp["amphibious"]["fog_chance"])
            observed = np.where(fog, 0.3, 1.0)        # ASSUMPTION: unobserved fire in fog is a third as effective
            shell = nav.bombardment_t(war.sum(axis=1), pl_.ship["main_guns"], pl_.ship["shell_kg"], pl_.ship["rof"], hours)
            shell = np.where(on, shell * observed, 0.0)
            J["shell_t"][:, pl] += shell
            J["shell_cum_t"][:, pl] += shell
            n = nav.neutralisation(J["shell_t"][:, pl], pn["neutral_t"])
            fortified = st.posture[:, pl] == FORTIFIED
            dmask = self._defenders(eng, 1 - o.side, pl)
            d_men = (st.men * dmask).sum(axis=1)
            cas_exp = self._shelled(shell, fortified, d_men)
            exp = _spread(st.men, dmask, d_men, cas_exp)
            broken = on & fortified & (J["shell_cum_t"][:, pl] >= pn["destroy_t"])
            st.posture[broken, pl] = PREPARED
            # coastal artillery of the defender within range fires back
            bats = J["batteries"]                                                    # (R, U, B)
            in_range = pl_.dist_km[st.loc, pl][..., None] <= pl_.battery["range_km"][None, None, :]
            mine = ((c.unit_side[None, :] != o.side) & (st.status == ACTIVE))[..., None]
            guns = (bats * in_range * mine * pl_.battery["guns"]).sum(axis=(1, 2))
            hits = nav.coastal_hits(guns, hours, pn["coastal_hits_per_gun_hour"], n) * _noise(u[:, i, 2]) * on
            sunk = nav.ships_sunk(hits, war.sum(axis=1), pl_.ship["hits_to_sink"])   # (R, K)
            # enemy warships within the sea-control radius give battle (Lanchester on broadside)
            S = self.ship_units                  # only these units hold ships; the others' rows are zeros
            near = (pl_.dist_km[st.loc[:, S], pl] <= pn["sea_control_km"]) & (c.unit_side[S] != o.side)[None, :] \
                & (st.status[:, S] == ACTIVE)
            eships = J["ships"][:, S] * near[..., None]
            e_kg = nav.sea_power(eships.sum(axis=1), pl_.ship["broadside"], pl_.ship["warship"])
            o_kg = nav.sea_power(war.sum(axis=1), pl_.ship["broadside"], pl_.ship["warship"])
            lost_o, lost_e = riv.duel(o_kg, e_kg, self.jp["riverine"]["duel_k"] * 0.5)
            lost_o, lost_e = lost_o * on, lost_e * on
            own_total = np.maximum(war.sum(axis=1), 1e-9)
            sunk = np.minimum(war.sum(axis=1), sunk + lost_o[:, None] * war.sum(axis=1) * pl_.ship["warship"])
            share_k = np.where(own_total > 0, sunk / own_total, 0.0)                 # (R, K)
            before = J["ships"][:, o.fleet, :].copy()
            J["ships"][:, o.fleet, :] = before - war * share_k[:, None, :]
            exp[:, o.fleet] += self._crew_lost(before, J["ships"][:, o.fleet, :])
            e_before = J["ships"][:, S]
            e_after = e_before - eships * (lost_e[:, None, None] * pl_.ship["warship"])
            J["ships"][:, S] = e_after
            exp[:, S] += self._crew_lost(e_before, e_after)
            self._lose(eng, d, exp, NORMAL, u_units)
            if eng.record:
                self._report(eng, d, o, on, shell, fog, cas_exp, broken, guns, hits, e_kg, before, e_before)

    def _report(self, eng, d, o, on, shell, fog, cas_exp, broken, guns, hits, e_kg, before, e_before):
        J, pl = eng.st.extra["joint"], o.objective
        for r in np.flatnonzero(on):
            lost_ships = float((before[r] - J["ships"][r, o.fleet]).sum())
            parts = [f"{self._word(eng, o.side)} warships bombard {self._pname(eng, pl)} ({o.name}): "
                     f"{shell[r]:,.0f} t of shell{' in fog, unobserved' if fog[r] else ''}, about "
                     f"{_fmt(cas_exp[r])} defenders hit"]
            if broken[r]:
                parts.append("the fortifications are broken")
            if guns[r] > 0:
                parts.append(f"coastal batteries ({_fmt(guns[r])} guns) score {hits[r]:.1f} hits")
            if e_kg[r] > 0:
                full = J["ships"][r].copy()
                full[self.ship_units] = e_before[r]
                parts.append(f"the {self._word(eng, 1 - o.side)} fleet gives battle and loses "
                             f"{float((full - J['ships'][r]).sum()):.1f} ships")
            parts.append(f"{lost_ships:.1f} ships lost")
            eng.log.add(r, d, "naval_bombardment", o.side, pl, value=int(round(shell[r])), op=-1,
                        detail="; ".join(parts) + ".", shell_t=round(float(shell[r]), 1),
                        defender_casualties=int(round(cas_exp[r])), ships_lost=round(lost_ships, 2))
