"""No logging configuration

## What it does
Reports a web service that never configures its logging: in Python no `logging.basicConfig`,
`dictConfig`/`fileConfig`, `LOGGING = {...}` settings, handler set-up, structlog or loguru; in
Go only the standard `log` package (no slog, zap, zerolog or logrus). Node services are judged by
PR-LG-104 (no leveled logger), so they are not reported twice.

## Why it matters in production
Without a configured logger, levels, format and destination are whatever the runtime defaults
to: Python drops everything below WARNING and prints bare messages, `console.log` and `log.Println`
write unlevelled free text. Logs cannot be filtered by level, parsed by the log pipeline or joined
to a request, so an incident is investigated by grepping prose — if the line was written at all.

## Example
```python
app = Flask(__name__)
logger = logging.getLogger(__name__)   # never configured: INFO lines vanish, no format
```

## Use instead
```python
logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                    format='{"t":"%(asctime)s","level":"%(levelname)s","msg":"%(message)s"}')
```
In Node use pino or winston; in Go use `log/slog` with a JSON handler.

## Known limitations
Logging configured outside the code (a gunicorn `--log-config` file, a platform agent that
parses plain stdout) is not seen; suppress with a reason when that is how the service logs.

## References
- https://docs.python.org/3/howto/logging.html#configuring-logging
- https://12factor.net/logs
- https://pkg.go.dev/log/slog
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._repo import LOGGER_MODULE, main_path, own_module, service_places
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-302",
    name="no-logging-configuration",
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO}),
    fix="Configure one logger at start-up: level from the environment, structured (JSON) output to stdout.",
    references=("https://12factor.net/logs",),
)

NODE_FRAMEWORKS = {"express", "fastify", "koa", "nestjs", "hono", "nextjs"}
LOGGING_PACKAGES = (
    "structlog", "loguru", "python-json-logger", "pino", "winston", "bunyan", "log4js", "nestjs-pino",
    "go.uber.org/zap", "github.com/rs/zerolog", "github.com/sirupsen/logrus",
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    if not model.http_routes() or model.frameworks & NODE_FRAMEWORKS:
        return  # Node services: PR-LG-104 says the same, with Node's loggers
    ctx.examine(RULE)
    if model.has_signal("logging-config") or model.has_signal("structured-logging"):
        return
    if model.has_dependency(*LOGGING_PACKAGES):
        return
    where = own_module(model, LOGGER_MODULE) or main_path(model)
    yield Hit(line=None, path=where, elsewhere=service_places(model, where),
              message="web service with no logging configuration: no level, format or structured output is set")
