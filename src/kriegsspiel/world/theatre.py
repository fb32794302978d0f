"""The theatre of a scenario: places with terrain and owner, the network, land routes.

Plain data: the scenario package builds a Theatre from a loaded scenario (scenario.theatre); nothing here
knows the scenario format."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np

from .network import EdgeSpec, build_graph, route

LAND_KINDS = {"rail", "road", "track"}


@dataclass
class Theatre:
    names: list[str]
    lat: np.ndarray
    lon: np.ndarray
    terrain: list[str]          # QJM terrain class per place
    owner: np.ndarray           # side index per place at the start
    fortification: np.ndarray   # 0..1
    supply_source: np.ndarray   # bool
    port: np.ndarray            # bool
    coastal: np.ndarray         # bool
    kinds: list[str]
    edges: list[EdgeSpec]
    frontage_km: np.ndarray     # (P,) km, NaN: by terrain (manoeuvre.yaml)
    depth_km: np.ndarray        # (P,) km, NaN: by posture (manoeuvre.yaml)
    side_keys: list[str]

    @cached_property
    def index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.names)}

    @cached_property
    def graph(self) -> nx.Graph:
        return build_graph(self.names, self.edges)

    @cached_property
    def land_graph(self) -> nx.Graph:
        return build_graph(self.names, [e for e in self.edges if e.kind in LAND_KINDS])

    def route(self, origin: str, objective: str, via: list[str] = (), side: str | None = None) -> list[str] | None:
        return route(self.land_graph, origin, objective, list(via))
