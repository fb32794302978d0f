"""The phases of a day, one module each; every phase is ``step(ctx, state, day)`` (engine.loop lists them)."""
