"""Air raids: massed bomber sorties, losses to fighters and flak, damage to rail, depots and troops, and
civilian losses (docs/models/air.md). Draws from the `air` stream."""

from __future__ import annotations

import numpy as np

from ...models import air as airm
from ...models import rail as railm
from ...params import WEATHER_COLS
from .base import ACTIVE, NORMAL, UNDERWAY, JointModel, _fmt, _noise, _spread


class AirPhase(JointModel):
    """Massed bomber raids: sorties, losses to fighters and flak, damage to rail, depots, troops; civilians (docs/models/air.md)."""

    name = "air"
    op_types = ("air_raid",)

    def phase(self, eng, d, wx):
        st, pl_ = eng.st, self.plan
        J = st.extra["joint"]
        u, u_units = self._draws(eng, d)
        role = np.array([m.get("role") if m else "" for m in pl_.air_model])
        for i, o in enumerate(self.ops):
            self._start(eng, d, o)
            dur = o.duration or 1
            on = (J["op_state"][:, o.j] == UNDERWAY) & (d - J["op_day0"][:, o.j] < dur)
            self._close(J, o, on)
            if not on.any():
                continue
            bombers = o.air[role[o.air] == "bomber"]
            escorts = o.air[role[o.air] == "fighter"]
            alive = (st.status[:, o.air] == ACTIVE).any(axis=1) if len(o.air) else on
            on &= alive
            for t_i, pl in enumerate(o.targets):
                self._raid(eng, d, wx, o, i, t_i, pl, on, bombers, escorts, role, u, u_units)

    def _raid(self, eng, d, wx, o, i, t_i, pl, on, bombers, escorts, role, u, u_units):
        """Operation o's raid on target `pl` (its t_i-th) in the runs `on` (R,)."""
        st, c, pl_, pa = eng.st, eng.c, self.plan, self.jp["air"]
        J = st.extra["joint"]
        radius = np.array([m["radius_km"] if m else 0.0 for m in pl_.air_model])
        bomb_t = np.array([m.get("bomb_t", 0.0) if m else 0.0 for m in pl_.air_model])
        crew = np.array([m.get("crew", 1) if m else 0 for m in pl_.air_model], dtype=float)
        nT = len(o.targets)
        rate_b = o.sorties if o.sorties is not None else pa["bomber_sorties_per_day"]
        w_air = eng.p.weather[wx[:, pl], WEATHER_COLS.index("air")]
        sb_u = airm.sorties(J["aircraft"][:, bombers], rate_b, pa["serviceable"], w_air[:, None]) / nT * on[:, None]
        se = airm.sorties(J["aircraft"][:, escorts], pa["fighter_sorties_per_day"], pa["serviceable"], w_air[:, None]).sum(axis=1) / nT * on
        enemy = (c.unit_side != o.side)[None, :] & (st.status == ACTIVE)
        dfu = enemy & (role == "fighter")[None, :] & (pl_.dist_km[st.loc, pl] <= radius[None, :])
        dfs = airm.sorties(J["aircraft"] * dfu, pa["fighter_sorties_per_day"], pa["serviceable"], w_air[:, None])
        defended = st.owner[:, pl] != o.side
        p_loss = airm.loss_per_sortie(dfs.sum(axis=1), se, defended, pa) * _noise(u[:, i, (t_i % 3) + 1], 0.4)
        lost_u = np.minimum(sb_u * p_loss[:, None], J["aircraft"][:, bombers])
        sb = sb_u.sum(axis=1)
        bombs = (np.maximum(sb_u - lost_u, 0.0) * bomb_t[bombers]).sum(axis=1)
        J["aircraft"][:, bombers] -= lost_u
        J["aircraft_lost"][:, bombers] += lost_u
        x = dfs.sum(axis=1) / (se + 1.0)
        d_lost_tot = np.minimum(pa["fighter_loss_per_engagement"] * (sb + se) * x / (1 + x) * (1 + se / np.maximum(sb, 1)),
                                (J["aircraft"] * dfu).sum(axis=1))
        d_share = np.where(dfu, J["aircraft"], 0.0) / np.maximum((J["aircraft"] * dfu).sum(axis=1), 1e-9)[:, None]
        d_lost = d_share * d_lost_tot[:, None]
        J["aircraft"] -= d_lost
        J["aircraft_lost"] += d_lost
        exp = np.zeros(st.men.shape)
        exp[:, bombers] += lost_u * crew[bombers] * 0.8      # ASSUMPTION: 80 % of a downed crew lost
        exp += d_lost * crew[None, :] * 0.5                   # ASSUMPTION: half of downed defending pilots lost
        # effects on the target
        J["bombs_t"][:, pl] += bombs
        if defended.any():
            hit, mil, ck, cw = self._on_target(eng, o, pl, bombs, defended)
            exp += hit
        else:
            mil = ck = cw = np.zeros(st.R)
        self._lose(eng, d, exp, NORMAL, u_units if t_i % 2 == 0 else u_units[..., ::-1])
        if eng.record:
            for r in np.flatnonzero(on):
                eng.log.add(r, d, "air_raid", o.side, pl, value=int(round(bombs[r])),
                            detail=(f"{o.name}: {sb[r]:,.0f} {self._word(eng, o.side)} bomber sorties "
                                    f"against {self._pname(eng, pl)} drop {bombs[r]:,.0f} t; "
                                    f"{lost_u[r].sum():.1f} bombers lost to fighters and flak, "
                                    f"{d_lost_tot[r]:.1f} defending fighters shot down; about "
                                    f"{_fmt(mil[r])} military casualties; civilians: {_fmt(ck[r])} killed, "
                                    f"{_fmt(cw[r])} wounded."),
                            bombs_t=round(float(bombs[r]), 1), sorties=round(float(sb[r]), 1),
                            bombers_lost=round(float(lost_u[r].sum()), 2),
                            fighters_lost=round(float(d_lost_tot[r]), 2),
                            military_casualties=int(round(mil[r])),
                            civilians_killed=int(round(ck[r])), civilians_wounded=int(round(cw[r])))

    def _on_target(self, eng, o, pl, bombs, defended):
        """Bombs on a defended target: rail cut, depots burnt, troops hit, civilians. Returns the expected losses
        of the troops there (R, U), and military casualties, civilians killed and wounded (R,)."""
        st, c, pa, J = eng.st, eng.c, self.jp["air"], eng.st.extra["joint"]
        edges = (c.rail_src == pl) | (c.rail_dst == pl)
        if edges.any():
            share = airm.halving_share(bombs, pa["rail_t_half"])
            st.rail_damage[:, edges] = railm.add_damage(st.rail_damage[:, edges], share[:, None] * defended[:, None])
        dmask = self._defenders(eng, 1 - o.side, pl) & defended[:, None]
        st.stock = np.where(dmask, st.stock * (1.0 - 0.5 * airm.halving_share(bombs, pa["depot_t_half"]))[:, None], st.stock)
        d_men = (st.men * dmask).sum(axis=1)
        mil = np.minimum(bombs * pa["military_casualties_per_t"], 0.05 * d_men)
        hit = _spread(st.men, dmask, d_men, mil)
        ck, cw = airm.civilian_losses(bombs * defended, self.plan.urban[pl], pa)
        J["civilians_killed"][:, pl] += ck
        J["civilians_wounded"][:, pl] += cw
        return hit, mil, ck, cw
