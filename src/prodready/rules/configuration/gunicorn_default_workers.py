"""gunicorn started with its default single worker

## What it does
Flags a `gunicorn` start command — Dockerfile `CMD`/`ENTRYPOINT` or compose `command:` —
that sets no worker count (`-w`/`--workers`) and no config file (`-c`/`--config`), when neither
`WEB_CONCURRENCY` nor `GUNICORN_CMD_ARGS` is set beside it.

## Why it matters in production
gunicorn's default is one worker process. One slow request (or, with sync workers, one request at
all) blocks every other client; the service uses one CPU core however large the machine; and when
that worker hits the 30 s timeout or crashes, nothing serves traffic while it restarts. The value
must be chosen for the deployment (typically 2-4 per core, or 1 per container with more replicas)
and be visible in the command or config.

## Example
```dockerfile
CMD ["gunicorn", "-b", "0.0.0.0:80", "app:app"]
```

## Use instead
```dockerfile
ENV WEB_CONCURRENCY=4
CMD ["gunicorn", "-b", "0.0.0.0:80", "--workers", "4", "--timeout", "30", "--access-logfile", "-", "app:app"]
# or: gunicorn -c gunicorn.conf.py app:app
```

## Known limitations
Procfiles are not judged: Heroku-style buildpacks set `WEB_CONCURRENCY` for you. A `gunicorn.conf.py` in the working directory (read by gunicorn 20+ without `-c`) and
`WEB_CONCURRENCY` set by the platform are not seen.

## References
- https://docs.gunicorn.org/en/stable/design.html#how-many-workers
- https://docs.gunicorn.org/en/stable/settings.html#workers
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import DockerfileContext, ShellContext, YamlContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import environment, is_dev_compose, services
from prodready.rules.container._docker import start_commands

RULE = RuleMeta(
    id="PR-CF-303",
    name="gunicorn-default-workers",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE, Language.COMPOSE, Language.SHELL}),
    fix="Set --workers (or WEB_CONCURRENCY) and --timeout explicitly, or start gunicorn with -c gunicorn.conf.py.",
    references=("https://docs.gunicorn.org/en/stable/design.html#how-many-workers",),
)

GUNICORN = lazy_compile(r"(^|[\s/;&|\"'])gunicorn(\s|$)")
CONFIGURED = lazy_compile(r"(^|\s)(-w|--workers|-c|--config)(\s|=|\d|$)|WEB_CONCURRENCY|GUNICORN_CMD_ARGS")
ENV_NAMES = ("WEB_CONCURRENCY", "GUNICORN_CMD_ARGS")


def _judge(command: str) -> str | None:
    if not GUNICORN.search(command) or CONFIGURED.search(command):
        return None
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    start = next((i for i, w in enumerate(words) if w.rsplit("/", 1)[-1] == "gunicorn"), 0)
    shown = " ".join(words[start : start + 4])
    return (
        f"`{shown} ...` sets no worker count: gunicorn runs one worker process, so one slow request "
        "or one crash stalls the whole service"
    )


@RULE.on_file(Language.DOCKERFILE)
def check_dockerfile(ctx: DockerfileContext) -> Iterator[Hit]:
    stage = ctx.dockerfile.shipped_stage()
    if any(i.keyword == "ENV" and any(n in i.args_text for n in ENV_NAMES) for i in stage):
        return
    for instruction, text in start_commands(stage):
        if not GUNICORN.search(text):
            continue
        ctx.examine(RULE)
        message = _judge(text)
        if message:
            yield Hit(line=instruction.line, end_line=instruction.end_line, message=message)


@RULE.on_file(Language.COMPOSE)
def check_compose(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for _block, name, service in services(ctx):
        command: Any = service.get("command")
        if isinstance(command, list):
            command = " ".join(str(part) for part in command)
        if not isinstance(command, str) or not GUNICORN.search(command):
            continue
        ctx.examine(RULE)
        if any(key in ENV_NAMES for key, _value, _line in environment(service)):
            continue
        message = _judge(command)
        if message:
            yield Hit(line=service.line_of("command"), message=f"service `{name}`: {message}")


@RULE.on_file(Language.SHELL)
def check_shell(ctx: ShellContext) -> Iterator[Hit]:
    """boot.sh / entrypoint.sh that ends with `exec gunicorn app:app`."""
    if any(name in ctx.text for name in ENV_NAMES):
        return
    for command in ctx.script.commands:
        if command.name.rsplit("/", 1)[-1] != "gunicorn":
            continue
        ctx.examine(RULE)
        message = _judge(" ".join(command.argv))
        if message:
            yield Hit(line=command.line, end_line=command.end_line, message=message)
