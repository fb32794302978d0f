"""kriegsspiel: a theatre-level campaign simulator for what-if operations of the Second World War."""

__version__ = "0.1.0"
