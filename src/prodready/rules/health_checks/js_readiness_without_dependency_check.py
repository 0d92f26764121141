"""Readiness endpoint that checks none of the service's dependencies (JS/TS).

## What it does
Reports an Express-style readiness route (`/ready`, `/readyz`, `/readiness`, `/health/ready`)
whose handler answers without touching anything — no query, ping, await or 503 — in a service
that creates database, Redis or queue clients. When there is no readiness route, the health routes
(`/health`, `/healthz`, `/status`, `/ping`...) are what probes hit: they are judged the same way
when every one of them answers without looking.

## Why it matters in production
The orchestrator routes traffic to an instance as soon as readiness says yes. A readiness check
that always says yes sends requests to instances whose database or Redis connection is down, and
never takes a broken instance out of rotation.

## Example
```js
app.get("/ready", (req, res) => res.json({ status: "ok" }));
```

## Use instead
```js
app.get("/ready", async (req, res) => {
  try {
    await pool.query("SELECT 1");
    await redis.ping();
    res.json({ status: "ready" });
  } catch (err) {
    res.status(503).json({ status: "unavailable" });
  }
});
```

## Known limitations
Handlers defined elsewhere and passed by name are not inspected.

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._repo import PROBE_PATH
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-HC-001",
    name="readiness-without-dependency-check",
    aliases=("PR-HC-101", "js-readiness-without-dependency-check"),
    category=Category.HEALTH_CHECKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Make readiness check each dependency the service needs (SELECT 1, redis ping) and return 503 on failure.",
    references=("https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",),
)
JS_SUFFIXES = (".js", ".ts", ".mjs", ".cjs")
NAMED_PROBE = lazy_compile(r"(?i)(health|ready|readi|live)")
DATASTORE_PACKAGES = (
    "sequelize", "mongoose", "mongodb", "pg", "mysql", "mysql2", "sqlite3", "better-sqlite3", "knex", "@prisma/client",
    "typeorm", "ueberdb2", "redis", "ioredis", "nano", "cassandra-driver",
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    # (`/items/:id/status` is a resource, not a probe)
    probes = [r for r in model.facts.get("js_readiness", []) if PROBE_PATH.search(str(r.get("path") or ""))]
    readiness = [r for r in probes if r.get("ready", True)]
    if not readiness:
        # no readiness route: the health routes are what load balancers and orchestrators probe,
        # judged only when every one of them answers without looking
        readiness = probes if probes and all(r.get("static") for r in probes) else []
    if not readiness:
        return
    ctx.examine(RULE, len(readiness))
    clients = sorted({str(c.get("kind")) for c in model.clients if str(c["file"]).endswith(JS_SUFFIXES)} - {"axios", "llm"})
    if not clients:
        # a datastore reached through a wrapper prodready does not model (ueberdb, an ORM set up elsewhere)
        clients = sorted(name for name in DATASTORE_PACKAGES if model.has_dependency(name))
    if not clients:
        return
    named = [r for r in readiness if NAMED_PROBE.search(str(r.get("path") or ""))]
    readiness = named or readiness  # /health beside /status and /ping: the health route is the probe
    for record in readiness:
        if record.get("static") or record.get("todo"):
            kind = "readiness" if record.get("ready", True) else "health route"
            more = "" if record.get("ready", True) else " (and there is no readiness route)"
            yield Hit(line=record.get("line"), path=str(record["file"]),
                      message=f"{kind} {record.get('path')} answers without checking {', '.join(clients)}{more}")
