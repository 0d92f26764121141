"""Image ships its development dependencies

## What it does
Node: flags the final stage of a Node image that installs packages with `npm install`, `npm ci`,
`yarn install` or `pnpm install` without leaving the development dependencies out (`--omit=dev`,
`--production`, `NODE_ENV=production` set before the install) and without pruning them afterwards
(`npm prune --omit=dev`, `yarn install --production` in a later step). Builder stages whose
`node_modules` is not copied into the final image are not judged.

Python: in a project that builds an image, flags the runtime dependency list (`[project]
dependencies`, `[tool.poetry.dependencies]`, `requirements.txt`/`requirements/base.txt`) when it
holds test runners, linters or formatters (pytest and its plugins, coverage, ruff, black, flake8,
mypy, pylint, type stubs): `pip install .` or `pip install -r requirements.txt` in the image
installs them too. Dependency groups, extras and `requirements-dev.txt` are where they belong.

## Why it matters in production
Test runners, linters, bundlers, `nodemon` and their transitive packages end up in the running
container: a larger image that pulls and starts slower, hundreds of extra packages for scanners to
report and for an attacker to use, and install scripts (husky, prepare hooks) run at build time.

## Example
```dockerfile
FROM node:20-alpine
COPY package.json yarn.lock ./
RUN yarn install --pure-lockfile
```

## Use instead
```dockerfile
FROM node:20-alpine
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
```

```toml
[project]
dependencies = ["fastapi>=0.115", "uvicorn>=0.30"]

[dependency-groups]
dev = ["pytest>=8", "ruff>=0.6"]
```

## Known limitations
A TypeScript build that needs dev dependencies in the same stage is still flagged unless it
prunes them afterwards: use a builder stage.

## References
- https://docs.npmjs.com/cli/commands/npm-ci#omit
- https://docs.docker.com/build/building/multi-stage/
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.engine.context import DockerfileContext, ProjectContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._docker import is_dev_image

RULE = RuleMeta(
    id="PR-CT-319",
    name="dev-dependencies-in-image",
    category=Category.CONTAINER,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.DOCKERFILE, Language.MANIFEST}),
    fix="Install with `npm ci --omit=dev` (or NODE_ENV=production), or build in a builder stage and copy only production node_modules; "
    "move Python test and lint tools to a dependency group or requirements-dev.txt.",
    references=("https://docs.npmjs.com/cli/commands/npm-ci#omit",),
)

INSTALL = re.compile(r"\b(npm\s+(install|i|ci)|yarn(\s+install)?|pnpm\s+(install|i))(\s|$)")
PRODUCTION_ONLY = lazy_compile(r"--omit[= ]dev|--production|--only[= ]prod|--prod\b|NODE_ENV=production|--ignore-scripts --production")
PRUNE = lazy_compile(r"\b(npm\s+prune|yarn\s+(install\s+)?--production|pnpm\s+prune|yarn\s+workspaces\s+focus\s+--production|modclean)\b")
NODE_BASE = lazy_compile(r"(^|/)node(:|$)|node:\S+")


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    if is_dev_image(ctx.path):
        return
    stage = ctx.dockerfile.final_stage()
    if not stage or stage[0].keyword != "FROM" or not NODE_BASE.search(stage[0].value):
        return
    production_env = False
    install = None
    for instruction in stage:
        if instruction.keyword == "ENV" and re.search(r"NODE_ENV[= ]+['\"]?production", instruction.value):
            production_env = True
        if instruction.keyword != "RUN":
            continue
        if PRUNE.search(instruction.value):
            return
        for part in re.split(r"&&|;|\|\|", instruction.value):
            if INSTALL.search(part) and not re.search(r"\b(yarn|npm|pnpm)\s+(add|global|-g|install\s+-g)\b", part):
                ctx.examine(RULE)
                if not (production_env or PRODUCTION_ONLY.search(part)) and install is None:
                    install = instruction
    if install is not None:
        yield Hit(
            line=install.line,
            end_line=install.end_line,
            message="the final image installs devDependencies (test runners, linters, build tools): a bigger image "
            "and attack surface for nothing the service runs",
        )


@RULE.on_project
def check_python_manifests(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    records = model.facts.get("runtime_dev_tool", [])
    images = [path for path in model.dockerfiles if not is_dev_image(path)]
    if not records or not images:
        return  # no production image: a library's or a script's manifest is not shipped anywhere
    ctx.examine(RULE, len(records))
    for record in records:
        if not any(_can_install(str(record["file"]), image) for image in images):
            continue
        names = [str(n) for n in record.get("names", [])]
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        yield Hit(
            line=record.get("line"),
            path=str(record["file"]),
            message=f"{shown} {'is a' if len(names) == 1 else 'are'} runtime "
            f"dependenc{'y' if len(names) == 1 else 'ies'}: the production image installs the test and lint tools too",
        )


def _can_install(manifest: str, dockerfile: str) -> bool:
    """An image built beside or below the manifest's directory can install it; a project template's
    image (`{{cookiecutter.project_slug}}/Dockerfile`) does not install the generator's own manifest."""
    home = manifest.rsplit("/", 1)[0] + "/" if "/" in manifest else ""
    return dockerfile.startswith(home) and "{{" not in dockerfile[len(home):]
