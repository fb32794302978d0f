"""Phase 1, weather: each climate zone's weather class for the day (stream `weather`)."""

from __future__ import annotations

import numpy as np


class WeatherPhase:
    """Mixin of `Engine` (engine.loop): reads the climate tables `_climate` and `_wx_classes` set up there."""

    def _weather(self, d: int) -> np.ndarray:
        """(R, P) weather class index of each place today."""
        u = self.rnd.day("weather", d)                                 # (R, 2)
        cum = self._climate[self.c.dates[d].month]                     # (2, 4)
        cls = (u[:, :, None] > cum[None, :, :-1]).sum(axis=2)          # (R, 2) class position 0..3
        zone_wx = np.asarray(self._wx_classes)[cls]
        return zone_wx[:, self.c.zone]
