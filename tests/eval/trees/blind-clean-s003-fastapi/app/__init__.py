"""Macro data API: serves FRED economic series from a Postgres store with a Redis cache."""

__version__ = "1.4.0"
