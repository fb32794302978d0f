"""Weather: each climate zone's weather class for the day, drawn from the month's climatology (weather.yaml).
Stream `weather`."""

from __future__ import annotations


def step(ctx, st, d: int) -> None:
    u = ctx.dice.all("weather", d, 2)[..., 0]                       # (R, 2): one per climate zone
    cum = ctx.climate[ctx.c.dates[d].month]                         # (2, 4)
    cls = (u[:, :, None] > cum[None, :, :-1]).sum(axis=2)           # (R, 2) class position 0..3
    st.weather = ctx.wx_classes[cls][:, ctx.c.zone]
