"""Debug or development mode in deployment configuration.

## What it does
Flags `DEBUG=true`, `FLASK_DEBUG=1`, `APP_DEBUG=1`, `NODE_ENV=development`,
`ENVIRONMENT=development` (and similar) in `.env` files and compose `environment:` blocks that are
not templates or development-only files, and `LOG_LEVEL=debug` in compose files (a local `.env`
may well want debug logs; a shipped compose file should not). The service's own committed settings
files are read as well: `RunMode = debug` in `conf/app.ini`, `debug: true` in `config/default.yaml`,
a debug log level in a `[log]` section. Kubernetes ConfigMap `data` and Kustomize
`configMapGenerator` literals outside dev/test overlays count as well (`SERVER_DEBUG=true`,
`DB_DEBUG=true`).

## Why it matters in production
These files become the deployed configuration: debug pages leak stack traces and settings, and
development mode switches pooling, caching and security behaviour. `ENVIRONMENT=development` in a
deployed file can, for example, turn connection pooling off.

## Example
```text
ENVIRONMENT=development
DEBUG=true
```

## Use instead
```text
ENVIRONMENT=production
DEBUG=false
```

## Known limitations
Files named for development (`.env.development`, `.env.local`, `docker-compose.dev.yml`) are skipped.

## References
- https://12factor.net/config
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import AppConfigContext, DotenvContext, YamlContext
from prodready.lang.yamldoc import YMap
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._k8s import kustomize_literals
from prodready.rules._secretutil import snake_case
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import environment, is_dev_compose, services
from prodready.rules.secrets.infra_committed_env_file import is_template

RULE = RuleMeta(
    id="PR-CF-301",
    name="debug-in-deployment-config",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOTENV, Language.COMPOSE, Language.APPCONFIG, Language.KUBERNETES}),
    fix="Set production values (DEBUG=false, ENVIRONMENT=production) in deployment configuration.",
    references=("https://12factor.net/config",),
)

DEV_NAME = lazy_compile(r"(?i)(^|[./-])(dev|development|local|override|debug|test|testing|ci)([./-]|$)")
DEBUG_KEYS = {"DEBUG", "FLASK_DEBUG", "APP_DEBUG", "DJANGO_DEBUG"}
ENV_KEYS = {"ENVIRONMENT", "ENV", "APP_ENV", "NODE_ENV", "FLASK_ENV", "RAILS_ENV", "STAGE"}
LEVEL_KEYS = {"LOG_LEVEL", "LOGLEVEL", "APP_LOG_LEVEL", "LOGGING_LEVEL", "LOGGER_LEVEL"}
MODE_KEYS = {"RUN_MODE", "RUNMODE", "GIN_MODE", "APP_MODE", "SERVER_MODE", "MODE"}


def judge(key: str, value: Any) -> str | None:
    text = str(value).strip().strip("\"'").lower()
    if key.upper() in DEBUG_KEYS and text in {"true", "1", "yes", "on"}:
        return f"{key}={value} turns debug mode on"
    if key.upper() in ENV_KEYS and text in {"development", "dev", "local"}:
        return f"{key}={value} runs with development behaviour"
    if key.upper() in MODE_KEYS and text in {"debug", "development", "dev"}:
        return f"{key} = {value} runs the framework in debug mode (verbose errors, debug routes, slower)"
    if key.upper() in LEVEL_KEYS and text in {"debug", "trace"}:
        return f"{key}={value}: debug logging in production floods the logs and can write request data"
    return None


@RULE.on_file(Language.DOTENV)
def check_env(ctx: DotenvContext) -> Iterator[Hit]:
    name = ctx.path.rsplit("/", 1)[-1]
    if is_template(ctx.path) or DEV_NAME.search(name.replace(".env", "", 1)):
        return
    for entry in ctx.entries:
        if entry.key.upper() in DEBUG_KEYS | ENV_KEYS:
            ctx.examine(RULE)
            reason = judge(entry.key, entry.value)
            if reason:
                yield Hit(line=entry.line, message=reason)


@RULE.on_file(Language.APPCONFIG)
def check_app_config(ctx: AppConfigContext) -> Iterator[Hit]:
    if not ctx.production or DEV_NAME.search(ctx.path.rsplit("/", 1)[-1]):
        return
    for entry in ctx.entries:
        key = snake_case(entry.key).upper()
        if key == "LEVEL" and "log" in entry.section.lower():
            key = "LOG_LEVEL"
        if key not in DEBUG_KEYS | ENV_KEYS | LEVEL_KEYS | MODE_KEYS | {"DEBUG_MODE"}:
            continue
        if entry.section and key in ENV_KEYS | MODE_KEYS and not re.search(r"(?i)app|server|service|main|general|default|runtime", entry.section):
            continue  # `mode`/`env` of some other component (a port map, a plugin), not the service's own
        ctx.examine(RULE)
        reason = judge("DEBUG" if key == "DEBUG_MODE" else key, entry.value)
        if reason:
            yield Hit(line=entry.line, message=f"{reason.replace(key, entry.dotted, 1)} in a committed settings file")


@RULE.on_file(Language.COMPOSE)
def check_compose(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for _block, service_name, service in services(ctx):
        for key, value, line in environment(service):
            if key.upper() in DEBUG_KEYS | ENV_KEYS | LEVEL_KEYS:
                ctx.examine(RULE)
                reason = judge(key, value)
                if reason:
                    yield Hit(line=line, message=f"service `{service_name}`: {reason}")


@RULE.on_file(Language.KUBERNETES)
def check_kubernetes(ctx: YamlContext) -> Iterator[Hit]:
    """ConfigMap `data` and Kustomize `configMapGenerator` literals outside dev/test overlays."""
    if any(DEV_NAME.search(f"/{part}/") for part in ctx.path.split("/")[:-1]):
        return
    for document in ctx.documents:
        if not isinstance(document, YMap):
            continue
        entries: list[tuple[str, Any, int]] = []
        data = document.get("data") if document.get("kind") == "ConfigMap" else None
        if isinstance(data, YMap):
            entries += [(str(k), v, data.line_of(k)) for k, v in data.items()]
        entries += [(key, value, line) for _name, key, value, line in kustomize_literals(ctx, document, "configMapGenerator")]
        for key, value, line in entries:
            upper = key.upper()
            normalized = "DEBUG" if upper.endswith("DEBUG") else upper
            if normalized not in DEBUG_KEYS | ENV_KEYS | LEVEL_KEYS:
                continue
            ctx.examine(RULE)
            reason = judge(normalized, value)
            if reason:
                yield Hit(line=line, message=reason.replace(normalized, key, 1) + " in the deployed configuration")
