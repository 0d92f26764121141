"""Development server or auto-reload in the container command.

## What it does
Flags Dockerfile `CMD`/`ENTRYPOINT` and compose `command:` that start a development server or
auto-reloader: `uvicorn --reload`, `flask run`, `manage.py runserver`, `npm run dev`, `next dev`,
`nodemon`, `ng serve`, `--debug`.

## Why it matters in production
Development servers are single-process, unhardened and slow; reloaders watch the file system, spawn
extra processes, restart on stray writes and double memory. Some (Werkzeug, Django runserver) serve
debug pages that leak code and settings.

## Example
```dockerfile
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--reload"]
```

## Use instead
```dockerfile
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--workers", "2"]
```

## Known limitations
Compose files named for development (`docker-compose.dev.yml`, `*.override.yml`, `*.local.yml`) and
Dockerfiles named `Dockerfile.dev` are skipped: that is where these commands belong.

## References
- https://www.uvicorn.org/deployment/
- https://flask.palletsprojects.com/en/stable/deploying/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import DockerfileContext, YamlContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import is_dev_compose, services
from prodready.rules.container._docker import DEV_SERVER, start_commands

RULE = RuleMeta(
    id="PR-CT-302",
    name="dev-server-in-container",
    category=Category.CONTAINER,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE, Language.COMPOSE}),
    fix="Run a production server (uvicorn/gunicorn with workers, node dist/server.js) without --reload.",
    references=("https://www.uvicorn.org/deployment/",),
)

DEV_NAME = lazy_compile(r"(?i)(^|[./-])(dev|development|local|override|debug|test)([./-]|$)")


@RULE.on_file(Language.DOCKERFILE)
def check_dockerfile(ctx: DockerfileContext) -> Iterator[Hit]:
    if DEV_NAME.search(ctx.path.rsplit("/", 1)[-1]):
        return
    for instruction, command in start_commands(ctx.dockerfile.shipped_stage()):
        ctx.examine(RULE)
        match = DEV_SERVER.search(command)
        if match:
            yield Hit(
                line=instruction.line,
                end_line=instruction.end_line,
                message=f"{instruction.keyword} starts a development server ({match.group(0).strip()})",
            )


@RULE.on_file(Language.COMPOSE)
def check_compose(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for _block, name, service in services(ctx):
        for key in ("command", "entrypoint"):
            value = service.get(key)
            if value is None:
                continue
            ctx.examine(RULE)
            text = " ".join(str(v) for v in value) if isinstance(value, list) else str(value)
            match = DEV_SERVER.search(text)
            if match:
                yield Hit(
                    line=service.line_of(key),
                    message=f"service `{name}` {key} starts a development server ({match.group(0).strip()})",
                )
