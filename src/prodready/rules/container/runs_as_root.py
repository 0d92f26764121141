"""Container runs as root.

## What it does
Flags a Dockerfile whose final stage never switches to a non-root `USER` (or switches back to
`root`/`0`). When the stage creates a user (`adduser`/`useradd`) but never switches to it, the
finding points at the `CMD`/`ENTRYPOINT` that still starts as root.

## Why it matters in production
A process running as root inside the container turns any code-execution bug into root on the
container's filesystem and widens the blast radius of a container escape. Kubernetes clusters
with `runAsNonRoot` policies refuse such images outright.

## Example
```dockerfile
FROM python:3.12-slim
COPY . /app
CMD ["uvicorn", "app.main:app"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN useradd --create-home --uid 10001 app
COPY --chown=app . /app
USER app
CMD ["uvicorn", "app.main:app"]
```

## Known limitations
A user set by the orchestrator (`securityContext.runAsUser`, compose `user:`) is not seen here. A
final stage built on a base image of its own (`org/base:...`, `baseimage`, linuxserver's s6 images,
which start as root and drop privileges themselves) is left alone: that image's USER is not seen.

## References
- https://docs.docker.com/build/building/best-practices/#user
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import DockerfileContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CT-301",
    name="container-runs-as-root",
    category=Category.CONTAINER,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE}),
    fix="Create an unprivileged user and add `USER app` to the final stage.",
    references=("https://docs.docker.com/build/building/best-practices/#user",),
)

ROOT_USERS = {"root", "0", "0:0", "root:root"}
# `docker.io/searxng/base:searxng`, `umputun/baseimage:app`, `ghcr.io/linuxserver/baseimage-alpine`
# (a bare `base` names an earlier stage, not an image; distroless `:nonroot` tags run as 65532)
OWN_BASE_IMAGE = lazy_compile(r"(?i)/(base|baseimage)([-:]|$)|^(base|baseimage)[-:]|/baseimage-|linuxserver/|:nonroot$")
CREATES_USER = lazy_compile(
    r"\b(adduser|useradd)\b(?:\s+(?:-{1,2}[\w-]+(?:[ =](?!-)[^\s&;-][^\s&;]*)?))*\s+([A-Za-z_][\w-]*|\$\{?[A-Za-z_]\w*\}?)"
)


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    stage = ctx.dockerfile.production_stage()
    if not stage:
        return
    ctx.examine(RULE)
    # a final stage built FROM an earlier stage inherits its USER and its CMD/ENTRYPOINT
    lineage = ctx.dockerfile.lineage(stage)
    inherited = [i for part in reversed(lineage) for i in part]
    users = [i for i in inherited if i.keyword == "USER"]
    base_stage = lineage[-1]
    base = base_stage[0].args_text.split()[0] if base_stage[0].keyword == "FROM" and base_stage[0].args_text.split() else ""
    if not users and OWN_BASE_IMAGE.search(base):
        return  # the project's own base image (or an s6 one that drops privileges): its USER is not seen here
    if not users:
        created = next((i for i in inherited if i.keyword == "RUN" and CREATES_USER.search(i.args_text)), None)
        if created is not None:
            starts = [i for i in inherited if i.keyword in {"CMD", "ENTRYPOINT"}]
            where = starts[-1] if starts else created
            name = CREATES_USER.search(created.args_text)
            # (a name from a build argument is shown as it is only when it is one: `-S ${USERNAME}` may be an option's value)
            who = f" '{name.group(2)}'" if name and name.group(2) and not name.group(2).startswith("$") else ""
            before = f"{where.keyword} runs as root" if starts else "the process still runs as root"
            yield Hit(
                line=where.line,
                end_line=where.end_line,
                message=f"user{who} is created (line {created.line}) but no USER switches to it: {before}",
                related=((created.line, "the user is created here and never switched to"),) if where is not created else (),
            )
            return
        first = stage[0]
        starts = [i for i in inherited if i.keyword in {"CMD", "ENTRYPOINT"}]
        # the process that runs as root starts at the last CMD/ENTRYPOINT (where `USER app` belongs,
        # just above): a related place of the same defect
        related = ((starts[-1].line, f"{starts[-1].keyword} starts the process as root here"),) if starts else ()
        yield Hit(
            line=first.line,
            end_line=first.end_line,
            message="final stage has no USER instruction: the container runs as root",
            related=related,
        )
        return
    last = users[-1]
    if last.args_text.strip() in ROOT_USERS:
        yield Hit(line=last.line, end_line=last.end_line, message="final USER is root")
