"""Naval bombardment: shore bombardment before the landings, coastal artillery firing back, fleet against
fleet (docs/models/naval.md). Stream `naval`."""

from __future__ import annotations

import numpy as np

from ...codes import Circumstance, OpState, Posture, UnitStatus
from ...models import amphibious as amph
from ...models import naval as nav
from ...models import riverine as riv
from ..events import EventKind as K
from ..transitions import lose
from .common import lognormal_noise, spread
from .joint import close, crew_lost, defenders, op_dice, salt, shelled, start, whole_ships


def step(ctx, st, d: int) -> None:
    p, plan = ctx.p, ctx.plan
    J = st.joint
    J.shell_t *= p["naval.neutral_decay_per_day"]
    for o in plan.of_type("naval_bombardment"):
        start(ctx, st, d, o)
        dur = o.duration or p["naval.default_duration_days"]
        on = (J.op_state[:, o.j] == OpState.running) & (d - J.op_day0[:, o.j] < dur) \
            & (st.owner[:, o.objective] != o.side)
        close(st, o, on)
        if not on.any() or not len(o.fleet):
            continue
        _bombard(ctx, st, d, o, on)


def _bombard(ctx, st, d, o, on) -> None:
    """Operation o's bombardment today in the runs `on` (R,). Dice: the operation's fog and hits noise, then each
    unit's losses (stream `naval`)."""
    c, p, plan = ctx.c, ctx.p, ctx.plan
    J = st.joint
    pl = o.objective
    u = op_dice(ctx, "naval", d, o)
    ships = J.ships[:, o.fleet, :]                                           # (R, F, K)
    war = ships * (plan.ship["warship"] | plan.ship["escort"])
    hours = p["naval.bombardment_hours"]
    fog = amph.in_fog_belt(c.theatre.lat[pl], c.theatre.lon[pl], p.section("amphibious")) \
        & (u[:, 0] < p["amphibious.fog_chance"])
    observed = np.where(fog, p["naval.unobserved_fire_factor"], 1.0)
    shell = nav.bombardment_t(war.sum(axis=1), plan.ship["main_guns"], plan.ship["shell_kg"], plan.ship["rof"], hours)
    shell = np.where(on, shell * observed, 0.0)
    J.shell_t[:, pl] += shell
    J.shell_cum_t[:, pl] += shell
    n = nav.neutralisation(J.shell_t[:, pl], p["naval.neutral_t"])
    fortified = st.posture[:, pl] == Posture.fortified_defence
    dmask = defenders(ctx, st, 1 - o.side, pl)
    d_men = (st.men * dmask).sum(axis=1)
    cas_exp = shelled(ctx, shell, fortified, d_men)
    exp = spread(st.men, dmask, d_men, cas_exp)
    broken = on & fortified & (J.shell_cum_t[:, pl] >= p["naval.destroy_t"])
    st.posture[broken, pl] = Posture.prepared_defence
    # coastal artillery of the defender within range fires back
    bats = J.batteries                                                       # (R, U, B)
    in_range = plan.dist_km[st.loc, pl][..., None] <= plan.battery["range_km"][None, None, :]
    mine = ((c.unit_side[None, :] != o.side) & (st.status == UnitStatus.active))[..., None]
    guns = (bats * in_range * mine * plan.battery["guns"]).sum(axis=(1, 2))
    hits = nav.coastal_hits(guns, hours, p["naval.coastal_hits_per_gun_hour"], n) \
        * lognormal_noise(u[:, 2], p["naval.hits_noise_sigma"]) * on
    sunk = nav.ships_sunk(hits, war.sum(axis=1), plan.ship["hits_to_sink"])   # (R, K)
    # enemy warships within the sea-control radius give battle (Lanchester on broadside)
    S = plan.ship_units                  # only these units hold ships; the others' rows are zeros
    near = (plan.dist_km[st.loc[:, S], pl] <= p["naval.sea_control_km"]) & (c.unit_side[S] != o.side)[None, :] \
        & (st.status[:, S] == UnitStatus.active)
    eships = J.ships[:, S] * near[..., None]
    e_kg = nav.sea_power(eships.sum(axis=1), plan.ship["broadside"], plan.ship["warship"])
    o_kg = nav.sea_power(war.sum(axis=1), plan.ship["broadside"], plan.ship["warship"])
    lost_o, lost_e = riv.duel(o_kg, e_kg, p["naval.fleet_duel_k"])
    lost_o, lost_e = lost_o * on, lost_e * on
    own_total = np.maximum(war.sum(axis=1), 1e-9)
    sunk = np.minimum(war.sum(axis=1), sunk + lost_o[:, None] * war.sum(axis=1) * plan.ship["warship"])
    share_k = np.where(own_total > 0, sunk / own_total, 0.0)                 # (R, K)
    before = J.ships[:, o.fleet, :].copy()
    J.ships[:, o.fleet, :] = before - whole_ships(ctx, "naval", d, war * share_k[:, None, :], before, salt(2, o.j))
    exp[:, o.fleet] += crew_lost(ctx, before, J.ships[:, o.fleet, :])
    e_before = J.ships[:, S]
    e_after = e_before - whole_ships(ctx, "naval", d, eships * (lost_e[:, None, None] * plan.ship["warship"]),
                                     e_before, salt(3, o.j))
    J.ships[:, S] = e_after
    exp[:, S] += crew_lost(ctx, e_before, e_after)
    lose(ctx, st, d, exp, Circumstance.normal, "naval", salt(1, o.j))
    if ctx.record:
        for r in np.flatnonzero(on):
            full = J.ships[r].copy()
            full[S] = e_before[r]
            ctx.log.add(r, d, K.naval_bombardment, o.side, pl, value=int(round(shell[r])),
                        args={"jop": o.name, "shell_t": shell[r], "fog": bool(fog[r]), "hit": int(round(cas_exp[r])),
                              "broken": bool(broken[r]), "batteries": bool(guns[r] > 0),
                              "battery_guns": int(round(guns[r])), "hits": hits[r], "fleet_action": bool(e_kg[r] > 0),
                              "enemy_ships_lost": float((full - J.ships[r]).sum()),
                              "ships_lost": float((before[r] - J.ships[r, o.fleet]).sum())},
                        shell_t=round(float(shell[r]), 1), defender_casualties=int(round(cas_exp[r])),
                        ships_lost=round(float((before[r] - J.ships[r, o.fleet]).sum()), 2))
