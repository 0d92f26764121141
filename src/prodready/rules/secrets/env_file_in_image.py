"""Environment file copied into the image

## What it does
Flags a `COPY` or `ADD` in the final stage of an image that is not a development image when one of its sources is an
environment file (`.env`, `.env.production`, `app.env`, `prod.env`). Templates (`.env.example`,
`.env.sample`, `.env.template`, `.env.dist`) are not flagged.

## Why it matters in production
Every layer of an image is readable by anyone who can pull it: the registry, CI caches, every host
that runs it, anyone a tag is shared with. Secrets baked into a layer stay there even if a later
step deletes the file, cannot differ between environments, and rotating them means rebuilding
and re-pushing every tag. Configuration belongs in the environment at run time (orchestrator
secrets, `--env-file`, compose `env_file:`).

## Example
```dockerfile
COPY app.env .
```

## Use instead
```dockerfile
# nothing copied: the platform injects the variables at run time
# docker run --env-file app.env ... / Kubernetes Secret / compose env_file:
```

## Known limitations
`COPY . .` that sweeps a `.env` in with everything else is reported by PR-SE-306 (no
`.dockerignore`), not here.

## References
- https://docs.docker.com/build/building/secrets/
- https://docs.docker.com/reference/dockerfile/#copy
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import DockerfileContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._docker import is_dev_image

RULE = RuleMeta(
    id="PR-SE-304",
    name="env-file-in-image",
    category=Category.SECRETS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE}),
    fix="Do not copy env files into the image; inject the variables at run time (orchestrator secrets, --env-file).",
    references=("https://docs.docker.com/build/building/secrets/",),
)

ENV_FILE = lazy_compile(r"(?i)^(\.env(\.[\w-]+)?|[\w-]+\.env)$")
TEMPLATE = lazy_compile(r"(?i)(example|sample|template|dist|defaults?|test|ci)\b")


def _sources(words: list[str]) -> list[str]:
    sources = [w for w in words if not w.startswith("--")]
    return sources[:-1] if len(sources) > 1 else []


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    if is_dev_image(ctx.path):
        return
    for instruction in ctx.dockerfile.final_stage():  # a builder stage's layers are not shipped
        if instruction.keyword not in {"COPY", "ADD"}:
            continue
        ctx.examine(RULE)
        for source in _sources(instruction.words()):
            name = source.rstrip("/").rsplit("/", 1)[-1]
            if ENV_FILE.match(name) and not TEMPLATE.search(name):
                yield Hit(
                    line=instruction.line,
                    end_line=instruction.end_line,
                    message=f"{instruction.keyword} puts `{source}` into an image layer: its secrets ship to every "
                    "registry and host that pulls the image",
                )
                break
