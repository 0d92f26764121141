"""Node web service with no logger at all

## What it does
Reports, once, a Node web service (Express, Fastify, Koa, NestJS, Hono, Next.js API routes...) in which no logging library
is used anywhere — no pino, winston, bunyan, log4js or the NestJS `Logger` — so `console.*` is the
only application log (a request logger such as morgan alone does not change that).

## Why it matters in production
`console.log` has no levels, no JSON, no request ids and no way to turn debug output off: the logs
cannot be filtered, alerted on or correlated, and nothing records which requests were served or
failed. Incidents are investigated blind.

## Example
```js
app.listen(PORT, () => console.info(`server up on port ${PORT}`));
```

## Use instead
```js
const logger = require("pino")();
app.use(require("pino-http")({ logger }));
app.listen(PORT, () => logger.info({ port: PORT }, "server up"));
```

## Known limitations
A platform that parses plain stdout (and a request log at the proxy) may be enough for small
services; suppress with that reason.

## References
- https://getpino.io/
- https://12factor.net/logs
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._repo import LOGGER_MODULE, main_path, own_module, service_places
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-104",
    name="js-no-logger",
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Adopt a structured logger (pino, winston) with levels, plus request logging (pino-http, morgan).",
    references=("https://getpino.io/",),
)

NODE_FRAMEWORKS = {"express", "fastify", "koa", "nestjs", "hono", "nextjs"}
LOGGERS = ("pino", "pino-http", "winston", "bunyan", "log4js", "express-winston", "loglevel", "signale", "consola", "tslog", "@nestjs/common")


def service_without_logger(model: Any) -> bool:
    """A Node web service with no leveled logger at all (this rule's finding; PR-LG-001 then stays quiet)."""
    if not (model.frameworks & NODE_FRAMEWORKS) or not model.http_routes():
        return False
    if model.has_signal("structured-logging") or model.has_dependency(*LOGGERS):
        return False
    return not model.frameworks & {"fastify"}  # Fastify ships pino (`logger: true`)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    if not (model.frameworks & NODE_FRAMEWORKS) or not model.http_routes():
        return
    ctx.examine(RULE)
    if not service_without_logger(model):
        return
    request_log = " (morgan logs requests, but application events still go to console.*)" if model.has_dependency("morgan") else " (no levels, no JSON, no request log)"
    where = own_module(model, LOGGER_MODULE) or main_path(model)
    yield Hit(line=None, path=where, elsewhere=service_places(model, where),
              message=f"no leveled logger anywhere: console.* is the only application log{request_log}")
