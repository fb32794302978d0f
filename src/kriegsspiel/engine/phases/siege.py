"""Siege of a fortress port: blockade by sea and cut off by land, the defenders' stocks run down, and the
fortress artillery shells the besiegers (docs/models/naval.md). Stream `siege`."""

from __future__ import annotations

import numpy as np

from ...codes import Circumstance, OpState, UnitStatus
from ...params import WEATHER_COLS
from ..events import EventKind as K
from ..transitions import lose
from .common import spread
from .joint import close, defenders, fleet_ships, salt, start


def step(ctx, st, d: int) -> None:
    plan = ctx.plan
    J = st.joint
    for o in plan.of_type("siege"):
        start(ctx, st, d, o)
        on = (J.op_state[:, o.j] == OpState.running) & (st.owner[:, o.objective] != o.side)
        close(st, o, on)
        if on.any():
            _besiege(ctx, st, d, o, on)


def _besiege(ctx, st, d, o, on):
    c, p, plan = ctx.c, ctx.p, ctx.plan
    J = st.joint
    pl = o.objective
    enemy = 1 - o.side
    dmask = defenders(ctx, st, enemy, pl) & on[:, None]
    nb = c.neighbours[pl]
    nb = nb[nb >= 0]
    land_cut = (st.owner[:, nb] == o.side).all(axis=1) if len(nb) else np.ones(st.R, bool)
    fleet = fleet_ships(ctx, st, o)
    blockade = (fleet * (plan.ship["warship"] | plan.ship["escort"] | plan.ship["submarine"])).sum(axis=1) > 0
    besieged = on & land_cut & blockade
    # the fortress's own depots do not refill: cancel the engine's refill of a source (docs/models/naval.md)
    use = np.where(st.engaged, 1.0, p["quiet_consumption_share"])
    want = use + np.maximum(c.stock0[None, :] - st.stock, 0.0) * p["siege.restock_share_per_day"]
    st.stock = np.where(dmask & besieged[:, None], np.maximum(st.stock - want, 0.0), st.stock)
    starving = dmask & besieged[:, None] & (st.stock <= 0)
    exp = np.where(starving, st.men * p["siege.starvation_rate_per_day"], 0.0)
    # the fortress artillery shells the besiegers at the neighbouring places
    guns = (st.guns * dmask).sum(axis=1)
    bats = J.batteries * ((plan.dist_km[st.loc, pl] <= p["siege.landward_km"]) & (c.unit_side[None, :] == enemy))[..., None]
    guns = guns + (bats * plan.battery["guns"]).sum(axis=(1, 2)) * p["siege.coastal_guns_landward"]
    w_art = p.weather[st.weather[:, pl], WEATHER_COLS.index("artillery")]
    targets = (np.isin(st.loc, nb) | (st.loc == pl)) & (c.unit_side[None, :] == o.side) \
        & (st.status == UnitStatus.active)
    t_men = (st.men * targets).sum(axis=1)
    shell_cas = np.minimum(guns * p["siege.shelling_casualties_per_gun_day"] * w_art,
                           p["siege.max_shelled_share"] * t_men) * on
    exp += spread(st.men, targets, t_men, shell_cas)
    lose(ctx, st, d, exp, Circumstance.normal, "siege", salt(1, o.j))
    J.siege_days[:, o.j] += besieged
    day_n = d - J.op_day0[:, o.j]
    if not ctx.record:
        return
    for r in np.flatnonzero(on & (day_n % int(p["siege.report_every_days"]) == 0)):
        stock = float((st.stock[r] * dmask[r]).sum() / max(1, dmask[r].sum()))
        ctx.log.add(r, d, K.siege, o.side, pl, value=int(shell_cas[r]),
                    args={"day": int(day_n[r]) + 1, "besieged": bool(besieged[r]), "open": not besieged[r],
                          "guns": int(round(guns[r])), "casualties": int(round(shell_cas[r])), "stock_days": stock,
                          "shelled": bool(t_men[r] > 0), "nobody": not bool(t_men[r] > 0)},
                    besieged=bool(besieged[r]), shelling_casualties=int(round(shell_cas[r])))
