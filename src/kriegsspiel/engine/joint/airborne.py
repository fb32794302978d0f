"""Airborne operations: mass drop on rail points with lift, transport and landing losses; seizure and
demolition; holding against counter-attack, air supply, link-up or destruction (docs/models/airborne.md).
Draws from the `airborne` stream."""

from __future__ import annotations

import numpy as np

from ...models import airborne as abm
from ...models import ground
from ...models import rail as railm
from ...params import MOBILITIES
from .base import ACTIVE, DESTROYED_C, HASTY, NORMAL, UNDERWAY, JointModel, _fmt, _noise, _normal, _season, _unit_strength
from .plan import JOp

# drop states (per run and drop)
DROPPED, SEIZED, LINKED, DESTROYED = 1, 2, 3, 4


class AirbornePhase(JointModel):
    """Mass drop on rail points: lift, transport and landing losses, seizure, demolition, holding, link-up or
    destruction (docs/models/airborne.md)."""

    name = "airborne"
    op_types = ("airborne_drop",)

    def __init__(self, plan):
        super().__init__(plan)
        # one drop per (operation, drop zone); troop unit k of the op goes to drop zone k mod Z
        self.drops = []
        for o in self.ops:
            Z = len(o.targets)
            for z, dz in enumerate(o.targets):
                self.drops.append((o, dz, o.troops[z::Z]))

    def init_state(self, c, st):
        super().init_state(c, st)
        st.extra["joint"]["drop_state"] = np.zeros((st.R, len(self.drops)), np.int8)
        st.extra["joint"]["drop_men0"] = np.zeros((st.R, len(self.drops)))

    def drops_of(self, o):
        return [k for k, (oo, _, _) in enumerate(self.drops) if oo is o]

    def phase(self, eng, d, wx):
        J = eng.st.extra["joint"]
        u, u_units = self._draws(eng, d)
        for i, o in enumerate(self.ops):
            first = self._start(eng, d, o)
            underway = J["op_state"][:, o.j] == UNDERWAY
            if not underway.any():
                continue
            dropping = underway & (J["landed_frac"][:, o.j] < 0.999)
            if dropping.any():
                self._drop(eng, d, o, i, first, dropping, u, u_units)
        self._fight(eng, d, wx, u, u_units)

    def _drop(self, eng, d, o, i, first, dropping, u, u_units):
        """Today's lift of operation o: transports lost, paratroops landed on each drop zone with their losses."""
        st, pl_, pb = eng.st, self.plan, self.jp["airborne"]
        J = st.extra["joint"]
        pax = np.array([m.get("paratroops", 0) if m else 0 for m in pl_.air_model], dtype=float)
        crew = np.array([m.get("crew", 1) if m else 0 for m in pl_.air_model], dtype=float)
        tmask = self._troops(eng, o)
        men_total = np.maximum((st.men * tmask).sum(axis=1), 1)
        frac0 = J["landed_frac"][:, o.j].copy()
        exp = np.zeros(st.men.shape)
        tr = J["aircraft"][:, o.air]
        sorties = tr * self.jp["air"]["serviceable"] * pb["transport_sorties_per_day"] * dropping[:, None]
        # surprise on the first lift; later lifts meet alerted flak unless every drop zone is held
        held = np.ones(st.R, bool)
        for k in self.drops_of(o):
            held &= J["drop_state"][:, k] >= SEIZED
        p_loss = np.where(first | held, pb["transport_loss_first_day"], pb["transport_loss_alerted"])
        lost = abm.transports_lost(sorties, p_loss[:, None]) * _noise(u[:, i, 3], 0.4)[:, None]
        lost = np.minimum(lost, tr)
        J["aircraft"][:, o.air] -= lost
        J["aircraft_lost"][:, o.air] += lost
        exp[:, o.air] += lost * crew[o.air]
        lift = abm.lift_men(np.maximum(sorties - lost, 0.0), pax[o.air], 1.0).sum(axis=1)
        add = np.minimum(lift / men_total, 1.0 - frac0)
        aboard_lost = (lost * pax[o.air]).sum(axis=1) * pb["aboard_lost"]
        J["landed_frac"][:, o.j] = np.where(dropping, frac0 + add, frac0)
        self._lose(eng, d, exp, DESTROYED_C, u_units)
        exp = np.zeros(st.men.shape)
        n_zones = len(self.drops_of(o))
        for k in self.drops_of(o):
            _, dz, units = self.drops[k]
            into = dropping & (J["drop_state"][:, k] < LINKED)
            st.loc[:, units] = np.where(into[:, None], dz, st.loc[:, units])
            defended = (st.men * self._defenders(eng, 1 - o.side, dz)).sum(axis=1) > pb["defended_men"]
            share = abm.landing_loss_share(u_units[:, units[0], 3] if len(units) else u[:, i, 0], defended,
                                           tuple(pb["landing_loss_away"]), tuple(pb["landing_loss_defended"]))
            dropped_u = st.men[:, units] * (add * into)[:, None]
            aboard_u = aboard_lost[:, None] * st.men[:, units] / men_total[:, None]
            exp[:, units] += dropped_u * share[:, None] + aboard_u
            # stock carried: a few days
            st.stock[:, units] = np.where(first[:, None], pb["stock_days_dropped"], st.stock[:, units])
            if eng.record:
                for r in np.flatnonzero(into & (dropped_u.sum(axis=1) >= 1)):
                    eng.log.add(r, d, "airborne_drop", o.side, dz, value=int(dropped_u[r].sum()),
                                detail=(f"{o.name}: {_fmt(dropped_u[r].sum())} {self._word(eng, o.side)} "
                                        f"paratroops drop on {self._pname(eng, dz)} from "
                                        f"{sorties[r].sum() / n_zones:,.0f} transport sorties; "
                                        f"{lost[r].sum() / n_zones:.1f} transports shot down, "
                                        f"{share[r]:.0%} lost in the air and on landing"
                                        f"{' onto alert defenders' if defended[r] else ''}."),
                                dropped=int(dropped_u[r].sum()), landing_loss_share=round(float(share[r]), 3),
                                transports_lost=round(float(lost[r].sum()), 2))
        self._lose(eng, d, exp, DESTROYED_C, u_units[..., ::-1])

    def _fight(self, eng, d, wx, u, u_units):
        """Seize the drop zones, hold them against counter-attack, link up or be destroyed."""
        st, c = eng.st, eng.c
        J = st.extra["joint"]
        U = len(c.unit_names)
        for k, (o, dz, units) in enumerate(self.drops):
            if not len(units):
                continue
            live = (J["op_state"][:, o.j] == UNDERWAY) & (J["drop_state"][:, k] < LINKED)
            if not live.any():
                continue
            pmask = np.zeros((st.R, U), bool)
            pmask[:, units] = True
            pmask &= (st.status == ACTIVE) & (st.loc == dz)
            men = (st.men * pmask).sum(axis=1)
            J["drop_men0"][:, k] = np.maximum(J["drop_men0"][:, k], men * J["landed_frac"][:, o.j])
            linked = self._link_up(eng, d, k, o, dz, units, live, men)
            self._seize(eng, d, wx, k, o, dz, units, pmask, live, men, u, u_units)
            # the hold: the enemy counter-attacks from the neighbouring places
            # (the enemy needs a day to organise the counter-attack: ASSUMPTION)
            seized = J.get("seized_day", np.full((st.R, len(self.drops)), -1))[:, k]
            hold = live & (J["drop_state"][:, k] == SEIZED) & (st.owner[:, dz] == o.side) & ~linked & (seized < d)
            retaken = np.zeros(st.R, bool)
            if hold.any():
                retaken = self._hold(eng, d, wx, o, dz, units, pmask, hold, u, u_units)
            self._destroyed(eng, d, k, o, dz, pmask, live, retaken, u_units)
            self._air_supply(eng, k, o, pmask, live)

    def _link_up(self, eng, d, k, o, dz, units, live, men):
        """(R,) runs where friendly ground forces (not of this drop) reach the paratroops holding the drop zone."""
        st, c = eng.st, eng.c
        J = st.extra["joint"]
        ds = J["drop_state"][:, k]
        others = np.ones(len(c.unit_names), bool)
        others[units] = False
        others &= (c.unit_side == o.side)
        relief = ((st.loc == dz) & (st.status == ACTIVE) & others[None, :] & (st.men > 0)).any(axis=1)
        linked = live & (ds >= DROPPED) & (ds <= SEIZED) & relief & (st.owner[:, dz] == o.side) & (men > 0)
        if linked.any():
            J["drop_state"][linked, k] = LINKED
            J["linkup_day"] = np.where(linked & (J["linkup_day"] < 0), d, J["linkup_day"])
            if eng.record:
                for r in np.flatnonzero(linked):
                    eng.log.add(r, d, "link_up", o.side, dz, value=int(men[r]),
                                detail=(f"{self._word(eng, o.side)} ground forces link up with the paratroops "
                                        f"holding {self._pname(eng, dz)} ({_fmt(men[r])} men left)."))
        return linked

    def _seize(self, eng, d, wx, k, o, dz, units, pmask, live, men, u, u_units):
        """The seizure: dropped troops assault the garrison of the drop zone."""
        st, J = eng.st, eng.st.extra["joint"]
        attack = live & (J["drop_state"][:, k] <= DROPPED) & (st.owner[:, dz] != o.side) & (men > 0)
        if not attack.any():
            return
        oo = JOp(**{**o.__dict__, "objective": dz, "surprise": o.surprise})
        won, _, _, _ = self._assault(eng, d, oo, pmask & attack[:, None], np.where(attack, J["landed_frac"][:, o.j], 0.0),
                                     np.ones(st.R), u[:, self.ops.index(o)], u_units,
                                     power_mult=self.jp["airborne"]["light_factor"], wx=wx)
        won &= attack
        J["drop_state"][attack & ~won, k] = DROPPED
        if won.any():
            J["drop_state"][won, k] = SEIZED
            J.setdefault("seized_day", np.full((st.R, len(self.drops)), -1, np.int64))[won, k] = d
            self._capture(eng, d, won, dz, o.side)
            st.loc[:, units] = np.where(won[:, None], dz, st.loc[:, units])
            self._demolish(eng, d, won, dz, o, (st.men * pmask).sum(axis=1))

    def _destroyed(self, eng, d, k, o, dz, pmask, live, retaken, u_units):
        """Destroyed: the zone retaken, too few left, or the zone lost in the ground battle."""
        st, J = eng.st, eng.st.extra["joint"]
        men = (st.men * pmask).sum(axis=1)
        lost_zone = live & (J["drop_state"][:, k] == SEIZED) & ((st.owner[:, dz] != o.side) | retaken)
        spent = live & (J["drop_state"][:, k] <= DROPPED) & (J["landed_frac"][:, o.j] >= 0.999) \
            & (men < 0.3 * J["drop_men0"][:, k])
        gone = lost_zone | spent
        if not gone.any():
            return
        exp = np.where(pmask & gone[:, None], st.men, 0.0)
        self._lose(eng, d, exp, DESTROYED_C, u_units[..., ::-1])
        J["drop_state"][gone, k] = DESTROYED
        retake = retaken & (st.owner[:, dz] == o.side)
        self._capture(eng, d, retake, dz, 1 - o.side)
        if eng.record:
            for r in np.flatnonzero(gone):
                eng.log.add(r, d, "airborne_drop", o.side, dz, value=int(men[r]),
                            detail=(f"The {self._word(eng, o.side)} paratroops at {self._pname(eng, dz)} are "
                                    f"destroyed: {_fmt(men[r])} men lost, unrelieved."),
                            outcome="destroyed")

    def _air_supply(self, eng, k, o, pmask, live):
        """Air supply of the paratroops still dropping, fighting or holding."""
        st, c, pb, J = eng.st, eng.c, self.jp["airborne"], eng.st.extra["joint"]
        air_fed = (J["drop_state"][:, k] <= SEIZED) & live
        if not air_fed.any():
            return
        tr = J["aircraft"][:, o.air]
        cargo = np.array([(self.plan.air_model[a] or {}).get("cargo_t", 0.0) for a in o.air])
        want = np.where(st.engaged, 1.0, eng.p["quiet_consumption_share"])
        demand = (want * c.supply_t[None, :] * pmask).sum(axis=1)
        fill = abm.air_supply_fill((tr * cargo).sum(axis=1) * self.jp["air"]["serviceable"], 1.0,
                                   pb["air_supply_share"] / max(1, len(self.drops_of(o))), demand)
        m = pmask & air_fed[:, None]
        st.stock = np.where(m, st.stock + fill[:, None] * want, st.stock)
        st.cut = np.where(m, 0, st.cut)

    def _demolish(self, eng, d, won, dz, o, men):
        st, c, pb = eng.st, eng.c, self.jp["airborne"]
        edges = (c.rail_src == dz) | (c.rail_dst == dz)
        if edges.any():
            st.rail_damage[:, edges] = np.where(won[:, None], railm.add_damage(st.rail_damage[:, edges], pb["demolition"]),
                                                st.rail_damage[:, edges])
        if eng.record:
            for r in np.flatnonzero(won):
                eng.log.add(r, d, "airborne_drop", o.side, dz, value=int(edges.sum()),
                            detail=(f"The {self._word(eng, o.side)} paratroops ({_fmt(men[r])} men) seize {self._pname(eng, dz)}"
                                    f"{' and blow the railway there (' + str(int(edges.sum())) + ' rail sections cut)' if edges.any() else ''}."),
                            outcome="seized")

    def _hold(self, eng, d, wx, o, dz, units, pmask, hold, u, u_units):
        """The enemy's counter-attack on the paratroops holding dz, in the runs `hold` (R,) only (row by row)."""
        st, c, p, pb = eng.st, eng.c, eng.p, self.jp["airborne"]
        won_r = np.zeros(st.R, bool)
        hr = np.flatnonzero(hold)
        enemy = 1 - o.side
        nb = c.neighbours[dz]
        nb = nb[nb >= 0]
        static = c.mobility == MOBILITIES.index("static")
        loc, men, pmask = st.loc[hr], st.men[hr], pmask[hr]
        # units engaged in the ground battle and fortified-region garrisons do not turn on the paratroops
        near = np.isin(loc, nb) & (c.unit_side[None, :] == enemy) & (st.status[hr] == ACTIVE) & (st.eta[hr] == 0) \
            & ~st.engaged[hr] & ~static[None, :]
        near &= (c.land_km[dz][loc] <= pb["counter_km"])
        if not near.any():
            return won_r
        n = len(hr)
        s = _unit_strength(eng, dz, wx, hr)
        A = (s * near).sum(axis=1) * pb["counter_share"]
        A_men = (men * near).sum(axis=1) * pb["counter_share"]
        D = (s * pmask).sum(axis=1) * pb["light_factor"]
        D_men = (men * pmask).sum(axis=1)
        posture = np.full(n, HASTY)
        terrain = np.full(n, c.terrain_idx[dz])
        ratio = ground.power_ratio(A, np.maximum(D, 1e-9), 1.0, 1.0, posture, terrain, wx[hr, dz], _season(eng, dz),
                                   np.zeros(n, np.int64), 1.0, 1.0, p)
        act = A_men > 0
        z = _normal(u_units[hr, units[0], 3]) if len(units) else _normal(u[hr, 0, 1])
        won = ground.attacker_prevails(np.maximum(ratio, 1e-9), z, p) & act
        insens = (c.insensitive[None, :] & (near | pmask)).any(axis=1)
        r_att, r_def = ground.daily_rates(np.maximum(ratio, 1e-9), A_men, D_men, posture, terrain, wx[hr, dz],
                                          np.zeros(n, np.int64), insens, won, p)
        exp = np.zeros(st.men.shape)
        exp[hr] = np.where(near, men * pb["counter_share"], 0.0) * (r_att * act)[:, None] \
            + np.where(pmask, men, 0.0) * (r_def * act)[:, None]
        self._lose(eng, d, exp, NORMAL, u_units)
        st.engaged[hr] |= (near | pmask) & act[:, None]
        won_r[hr] = won
        return won_r
