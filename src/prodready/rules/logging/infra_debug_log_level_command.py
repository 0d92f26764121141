"""Debug log level hard-coded in the start command

## What it does
Flags start commands in compose `command:`/`entrypoint:` and the final Dockerfile `CMD`/
`ENTRYPOINT` that pin a debug log level: `celery worker --loglevel=DEBUG`, `-l debug`,
`gunicorn --log-level debug`, `uvicorn --log-level trace`. Development compose files are skipped.

## Why it matters in production
Debug logging multiplies log volume (and the bill for shipping and storing it), slows the
process, and writes task arguments, SQL and request payloads — personal data and secrets — to
logs. Hard-coded in the command, it cannot be turned down without a rebuild or redeploy.

## Example
```yaml
command: celery --app app.tasks worker --loglevel=DEBUG
```

## Use instead
```yaml
command: celery --app app.tasks worker --loglevel=${LOG_LEVEL:-INFO}
```

## Known limitations
Log levels set in code are judged by PR-LG-003.

## References
- https://docs.celeryq.dev/en/stable/reference/cli.html#celery-worker
- https://docs.gunicorn.org/en/stable/settings.html#loglevel
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import DockerfileContext, YamlContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import is_dev_compose, services
from prodready.rules.container._docker import start_commands

RULE = RuleMeta(
    id="PR-LG-301",
    name="debug-log-level-in-command",
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.COMPOSE, Language.DOCKERFILE}),
    fix="Default to INFO or WARNING and take the level from an environment variable (--loglevel=${LOG_LEVEL:-INFO}).",
    references=("https://docs.celeryq.dev/en/stable/reference/cli.html#celery-worker",),
)

DEBUG_FLAG = lazy_compile(r"(?i)(--log-?level|--log_level|(?<!\S)-l)(=|\s+)[\"']?(debug|trace)\b")


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value or "")


@RULE.on_file(Language.COMPOSE)
def check_compose(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for _block, name, service in services(ctx):
        for key in ("command", "entrypoint"):
            if key not in service:
                continue
            ctx.examine(RULE)
            match = DEBUG_FLAG.search(_text(service.get(key)))
            if match:
                yield Hit(
                    line=service.line_of(key),
                    message=f"service `{name}` starts with `{match.group(0)}`: debug logging is hard-coded",
                )


@RULE.on_file(Language.DOCKERFILE)
def check_dockerfile(ctx: DockerfileContext) -> Iterator[Hit]:
    for instruction, command in start_commands(ctx.dockerfile.shipped_stage()):
        ctx.examine(RULE)
        match = DEBUG_FLAG.search(command)
        if match:
            yield Hit(
                line=instruction.line,
                end_line=instruction.end_line,
                message=f"{instruction.keyword} starts with `{match.group(0)}`: debug logging is hard-coded",
            )
