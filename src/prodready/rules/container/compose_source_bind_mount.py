"""Source tree bind-mounted over the image's code

## What it does
Flags compose services that are built from the repository (`build:`) and bind-mount a source
directory of the repository (`./backend:/app`, `.:/code`) into the container. Mounts of single
files (`./nginx.conf:/etc/nginx/conf.d/default.conf`), named volumes and read-only data mounts
outside the code directory are not flagged. Development compose files are skipped.

## Why it matters in production
The container then runs whatever is in the host checkout, not the image that was built, tested
and scanned: a `git pull` or a stray edit on the server changes production code without a
deploy, two hosts run different code from the same image tag, and files the image build
excluded (`.env`, `.git`, caches) are back inside the container.

## Example
```yaml
  backend:
    build: backend
    volumes:
      - ./backend:/app
```

## Use instead
```yaml
  backend:
    build: backend          # the code comes from the image
    volumes:
      - uploads:/app/uploads   # only data that must persist
```
Keep source mounts for live reload in `docker-compose.override.yml` or `compose.dev.yml`.

## Known limitations
A file mount is told from a directory mount by its name (an extension); a directory with a dot in
its name is taken for a file.

## References
- https://docs.docker.com/compose/how-tos/production/
- https://docs.docker.com/engine/storage/bind-mounts/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import YamlContext
from prodready.lang.yamldoc import YList, YMap
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import is_dev_compose, services

RULE = RuleMeta(
    id="PR-CT-313",
    name="compose-source-bind-mount",
    category=Category.CONTAINER,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.COMPOSE}),
    fix="Ship the code in the image; move source mounts for live reload to a development override file.",
    references=("https://docs.docker.com/compose/how-tos/production/",),
    default=False,
)

# Targets that hold configuration, data or sockets rather than the application's code.
NOT_CODE = lazy_compile(
    r"^/(etc|var|run|tmp|data|certs?|secrets?|docker-entrypoint-initdb\.d|usr/share/nginx|srv/data|mnt|media|"
    r"home/\w+/\.\w+|root/\.\w+)(/|$)"
)


@RULE.on_file(Language.COMPOSE)
def check(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for _block, name, service in services(ctx):
        volumes = service.get("volumes")
        if "build" not in service or not isinstance(volumes, YList):
            continue
        for index, item in enumerate(volumes):
            source, target, mode = _parts(item)
            if not source or not target or not source.startswith((".", "/")) or source.startswith("/var/run"):
                continue
            ctx.examine(RULE)
            if not source.startswith("."):
                continue  # absolute host paths: data directories, sockets
            last = source.rstrip("/").rsplit("/", 1)[-1]
            if "." in last.strip(".") or NOT_CODE.match(target) or "ro" in mode.split(","):
                continue  # a single file, a data/config directory, or read-only
            yield Hit(
                line=volumes.line_of(index),
                message=f"service `{name}` mounts the host's `{source}` over `{target}`: the container runs "
                "the checkout on the host, not the code in its image",
            )


def _parts(item: object) -> tuple[str, str, str]:
    if isinstance(item, YMap):
        if item.get("type", "bind") != "bind":
            return "", "", ""
        mode = "ro" if item.get("read_only") else ""
        return str(item.get("source", "")), str(item.get("target", "")), mode
    if not isinstance(item, str):
        return "", "", ""
    parts = item.split(":")
    if len(parts) < 2:
        return "", "", ""
    return parts[0], parts[1], parts[2] if len(parts) > 2 else ""
