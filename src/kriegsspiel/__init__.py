"""kriegsspiel: a theatre-level campaign simulator for what-if operations of the Second World War.

Public API (imports are lazy, so ``import kriegsspiel`` stays fast)::

    load_scenario(name_or_path)          validate a scenario file
    run(scenario, seed)                  one campaign -> RunResult (.to_dict())
    simulate(scenario, runs, seed)       a batch of campaigns -> Engine with state arrays (runs, ...)
    run_ensemble(scenario, runs, seed)   many campaigns, stored and summarised
    list_scenarios()                     the bundled scenarios
"""

__version__ = "0.1.0"

__all__ = ["load_scenario", "compile", "run", "simulate", "run_ensemble", "open_results", "list_scenarios",
           "ScenarioError"]


def __getattr__(name):
    if name in ("load_scenario", "compile", "run", "simulate"):
        from . import api
        return getattr(api, name)
    if name in ("run_ensemble", "open_results"):
        from .ensemble import api as ens
        return getattr(ens, name)
    if name == "list_scenarios":
        from .scenario.bundled import list_scenarios
        return list_scenarios
    if name == "ScenarioError":
        from .scenario.errors import ScenarioError
        return ScenarioError
    raise AttributeError(name)
