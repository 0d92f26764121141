"""`COPY . .` without a `.dockerignore`.

## What it does
Flags a Dockerfile that copies its whole build context (`COPY . .`, `ADD . /app`) when the
directory has no `.dockerignore`.

## Why it matters in production
The image then contains whatever is in the working tree: `.git`, `.env` files with credentials,
local virtualenvs, test data, caches. Secrets end up in a registry layer forever, images bloat, and
every unrelated file change busts the build cache.

## Example
```dockerfile
COPY . .
```

## Use instead
```text
# .dockerignore
.git
.env*
.venv
__pycache__
node_modules
```

## Known limitations
A `.dockerignore` that does not exclude secrets is accepted.

## References
- https://docs.docker.com/build/concepts/context/#dockerignore-files
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-SE-306",
    name="missing-dockerignore",
    category=Category.SECRETS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE}),
    fix="Add a .dockerignore next to the Dockerfile that excludes .git, .env*, virtualenvs and caches.",
    references=("https://docs.docker.com/build/concepts/context/#dockerignore-files",),
    aliases=("PR-CT-307",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    paths = set(ctx.model.all_paths)
    for fact in ctx.model.facts.get("dockerfile", []):
        if not fact.get("copies_context") or fact["file"] in ctx.model.dev_dockerfiles:
            continue  # (a development image is built on the developer's machine and never shipped)
        ctx.examine(RULE)
        directory = posixpath.dirname(fact["file"])
        ignore = posixpath.join(directory, ".dockerignore") if directory else ".dockerignore"
        named = fact["file"] + ".dockerignore"
        if ignore in paths or named in paths or ".dockerignore" in paths:
            continue
        yield Hit(
            line=fact.get("copy_line"),
            path=fact["file"],
            message="copies the whole build context but there is no .dockerignore",
        )
