"""What a health or readiness route leaves unchecked (shared by PR-HC-001 and PR-HC-302)."""

from __future__ import annotations

from typing import Any

from prodready.lazyre import lazy_compile

DB_CALL = lazy_compile(r"(?i)(execute|session|engine|connect|db|database|sql|query|select|pool|fetch)")
CACHE_CALL = lazy_compile(r"(?i)(redis|cache|ping)")


def unchecked_dependencies(route: Any, model: Any) -> list[str]:
    """The dependencies the service uses that the route's handler never calls."""
    # the last two names of each callee ("redis.ping", "db.ping"): module paths say nothing
    calls = " ".join(".".join(c.split(".")[-2:]) for c in route.calls)
    missing = []
    if model.has_signal("db") and not DB_CALL.search(calls):
        missing.append("the database")
    if model.has_signal("redis") and not CACHE_CALL.search(calls):
        missing.append("the cache")
    return missing
