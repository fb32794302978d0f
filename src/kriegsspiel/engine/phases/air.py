"""Air raids: massed bomber sorties, losses to fighters and flak, damage to rail, depots and troops, and
civilian losses (docs/models/air.md). Stream `air`."""

from __future__ import annotations

import numpy as np

from ...codes import Circumstance, OpState, UnitStatus
from ...models import air as airm
from ...models import rail as railm
from ...params import WEATHER_COLS
from ..events import EventKind as K
from ..transitions import lose
from .common import lognormal_noise, spread, whole
from .joint import close, defenders, op_dice, salt, start


def step(ctx, st, d: int) -> None:
    p, plan = ctx.p, ctx.plan
    J = st.joint
    role = np.array([m.get("role") if m else "" for m in plan.air_model])
    for o in plan.of_type("air_raid"):
        start(ctx, st, d, o)
        dur = o.duration or p["air.default_duration_days"]
        on = (J.op_state[:, o.j] == OpState.running) & (d - J.op_day0[:, o.j] < dur)
        close(st, o, on)
        if not on.any():
            continue
        bombers = o.air[role[o.air] == "bomber"]
        escorts = o.air[role[o.air] == "fighter"]
        alive = (st.status[:, o.air] == UnitStatus.active).any(axis=1) if len(o.air) else on
        on &= alive
        for t_i, pl in enumerate(o.targets):
            _raid(ctx, st, d, o, t_i, pl, on, bombers, escorts, role)


def _raid(ctx, st, d, o, t_i, pl, on, bombers, escorts, role) -> None:
    """Operation o's raid on target `pl` (its t_i-th) in the runs `on` (R,). Dice: the raid's loss noise, then
    each unit's losses (stream `air`)."""
    c, p, plan = ctx.c, ctx.p, ctx.plan
    J = st.joint
    radius = np.array([m["radius_km"] if m else 0.0 for m in plan.air_model])
    bomb_t = np.array([m.get("bomb_t", 0.0) if m else 0.0 for m in plan.air_model])
    crew = np.array([m.get("crew", 1) if m else 0 for m in plan.air_model], dtype=float)
    nT = len(o.targets)
    serviceable, fighter_rate = p["air.serviceable"], p["air.fighter_sorties_per_day"]
    rate_b = o.sorties if o.sorties is not None else p["air.bomber_sorties_per_day"]
    w_air = p.weather[st.weather[:, pl], WEATHER_COLS.index("air")]
    sb_u = airm.sorties(J.aircraft[:, bombers], rate_b, serviceable, w_air[:, None]) / nT * on[:, None]
    se = airm.sorties(J.aircraft[:, escorts], fighter_rate, serviceable, w_air[:, None]).sum(axis=1) / nT * on
    enemy = (c.unit_side != o.side)[None, :] & (st.status == UnitStatus.active)
    dfu = enemy & (role == "fighter")[None, :] & (plan.dist_km[st.loc, pl] <= radius[None, :])
    dfs = airm.sorties(J.aircraft * dfu, fighter_rate, serviceable, w_air[:, None])
    defended = st.owner[:, pl] != o.side
    p_loss = airm.loss_per_sortie(dfs.sum(axis=1), se, defended, p.section("air")) \
        * lognormal_noise(op_dice(ctx, "air", d, o, k=1, sub=t_i)[:, 0], p["air.loss_noise_sigma"])
    lost_u = np.minimum(whole(ctx, "air", d, sb_u * p_loss[:, None], bombers, salt(2, o.j, t_i)),
                        np.floor(J.aircraft[:, bombers]))
    sb = sb_u.sum(axis=1)
    bombs = (np.maximum(sb_u - lost_u, 0.0) * bomb_t[bombers]).sum(axis=1)
    J.aircraft[:, bombers] -= lost_u
    J.aircraft_lost[:, bombers] += lost_u
    x = dfs.sum(axis=1) / (se + 1.0)
    d_lost_tot = np.minimum(p["air.fighter_loss_per_engagement"] * (sb + se) * x / (1 + x) * (1 + se / np.maximum(sb, 1)),
                            (J.aircraft * dfu).sum(axis=1))
    d_share = np.where(dfu, J.aircraft, 0.0) / np.maximum((J.aircraft * dfu).sum(axis=1), 1e-9)[:, None]
    fighters = np.flatnonzero(dfu.any(axis=0))          # only they can lose fighters: draw for them alone
    d_lost = np.zeros_like(J.aircraft)
    d_lost[:, fighters] = np.minimum(whole(ctx, "air", d, (d_share * d_lost_tot[:, None])[:, fighters], fighters,
                                           salt(3, o.j, t_i)), np.floor(np.where(dfu, J.aircraft, 0.0)[:, fighters]))
    d_lost_tot = d_lost.sum(axis=1)
    J.aircraft -= d_lost
    J.aircraft_lost += d_lost
    exp = np.zeros(st.men.shape)
    exp[:, bombers] += lost_u * crew[bombers] * p["air.bomber_crew_lost"]
    exp += d_lost * crew[None, :] * p["air.fighter_crew_lost"]
    # effects on the target
    J.bombs_t[:, pl] += bombs
    if defended.any():
        hit, mil, ck, cw = _on_target(ctx, st, o, pl, bombs, defended)
        exp += hit
    else:
        mil = ck = cw = np.zeros(st.R)
    lose(ctx, st, d, exp, Circumstance.normal, "air", salt(1, o.j, t_i))
    if ctx.record:
        for r in np.flatnonzero(on):
            ctx.log.add(r, d, K.air_raid, o.side, pl, value=int(round(bombs[r])),
                        args={"jop": o.name, "sorties": sb[r], "bombs_t": bombs[r], "bombers_lost": lost_u[r].sum(),
                              "fighters_lost": d_lost_tot[r], "military": int(round(mil[r])),
                              "civilians_killed": int(round(ck[r])), "civilians_wounded": int(round(cw[r]))},
                        bombs_t=round(float(bombs[r]), 1), sorties=round(float(sb[r]), 1),
                        bombers_lost=round(float(lost_u[r].sum()), 2),
                        fighters_lost=round(float(d_lost_tot[r]), 2),
                        military_casualties=int(round(mil[r])),
                        civilians_killed=int(round(ck[r])), civilians_wounded=int(round(cw[r])))


def _on_target(ctx, st, o, pl, bombs, defended):
    """Bombs on a defended target: rail cut, depots burnt, troops hit, civilians. Returns the expected losses
    of the troops there (R, U), and military casualties, civilians killed and wounded (R,)."""
    c, p = ctx.c, ctx.p
    J = st.joint
    edges = (c.rail_src == pl) | (c.rail_dst == pl)
    if edges.any():
        share = airm.halving_share(bombs, p["air.rail_t_half"])
        st.rail_damage[:, edges] = railm.add_damage(st.rail_damage[:, edges], share[:, None] * defended[:, None])
    dmask = defenders(ctx, st, 1 - o.side, pl) & defended[:, None]
    st.stock = np.where(dmask, st.stock * (1.0 - p["air.depot_stock_share"] * airm.halving_share(bombs, p["air.depot_t_half"]))[:, None],
                        st.stock)
    d_men = (st.men * dmask).sum(axis=1)
    mil = np.minimum(bombs * p["air.military_casualties_per_t"], p["air.max_troops_hit_share"] * d_men)
    hit = spread(st.men, dmask, d_men, mil)
    ck, cw = airm.civilian_losses(bombs * defended, ctx.plan.urban[pl], p.section("air"))
    J.civilians_killed[:, pl] += ck
    J.civilians_wounded[:, pl] += cw
    return hit, mil, ck, cw
