"""Node image ships its development dependencies

## What it does
Flags the final stage of a Node image that installs packages with `npm install`, `npm ci`,
`yarn install` or `pnpm install` without leaving the development dependencies out (`--omit=dev`,
`--production`, `NODE_ENV=production` set before the install) and without pruning them afterwards
(`npm prune --omit=dev`, `yarn install --production` in a later step). Builder stages whose
`node_modules` is not copied into the final image are not judged.

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

from prodready.engine.context import DockerfileContext
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
    languages=frozenset({Language.DOCKERFILE}),
    fix="Install with `npm ci --omit=dev` (or NODE_ENV=production), or build in a builder stage and copy only production node_modules.",
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
