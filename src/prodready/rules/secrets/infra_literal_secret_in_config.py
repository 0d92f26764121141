"""Literal secret in container or deployment configuration.

## What it does
Flags secret-like variables (`*_PASSWORD`, `*_SECRET`, `*_TOKEN`, `*_KEY`, credentials in URLs)
given literal values in Dockerfile `ENV`/`ARG`, docker-compose `environment:` (map and list forms,
including weak `${VAR:-postgres}` fallbacks) and Kubernetes container `env:` values, and secrets
passed as literal command-line flags in compose `command:` (`redis-server --requirepass s3cret`,
`-pass guest`).
`${VAR}` references, `secretKeyRef` and Docker/compose secrets are fine.

## Why it matters in production
These files are committed and copied into images and CI logs; `ENV` values are visible to anyone who
can pull the image (`docker history`). Default passwords such as `postgres` are the first thing an
attacker tries against an exposed database.

## Example
```yaml
environment:
  POSTGRES_PASSWORD: postgres
```

## Use instead
```yaml
environment:
  POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}
```

## Known limitations
Values in `env_file:` files are judged by the `.env` rule (PR-SE-303), not here.

## References
- https://docs.docker.com/compose/how-tos/use-secrets/
- https://kubernetes.io/docs/concepts/configuration/secret/
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import DockerfileContext, YamlContext
from prodready.lang.yamldoc import YList, YMap
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.redact import WELL_KNOWN_WEAK
from prodready.rules._secretutil import PLACEHOLDER, is_secret_name
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import environment, services

RULE = RuleMeta(
    id="PR-SE-301",
    name="literal-secret-in-config",
    category=Category.SECRETS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE, Language.COMPOSE, Language.KUBERNETES}),
    fix="Inject secrets at deploy time (${VAR} from the environment, Docker/compose secrets, Kubernetes Secrets).",
    references=("https://docs.docker.com/compose/how-tos/use-secrets/",),
)

URL_PASSWORD = lazy_compile(r"://[^:/@\s]+:([^@/\s]+)@")
# `redis-server --requirepass secret`, `nats-server -user guest -pass guest`, `--password=...`
SECRET_FLAG = lazy_compile(
    r"(?:^|\s)(--?(?:requirepass|masterauth|password|passwd|pass|pwd|secret|token|api[-_]?key|auth[-_]?token))"
    r"(=|\s+)['\"]?([^\s'\"]+)"
)
FALLBACK = lazy_compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:?-(.*)\}$")


def judge(name: str, value: Any) -> str | None:
    """Why this name/value pair is a literal secret, or None."""
    if value is None or isinstance(value, bool | int | float):
        return None
    text = str(value).strip()
    fallback = FALLBACK.match(text)
    if fallback:
        text = fallback.group(1)
        if is_secret_name(name) and text and not PLACEHOLDER.match(text):
            return f"`{name}` falls back to a literal default"
        return None
    if text.startswith("$") or PLACEHOLDER.match(text):
        return None
    url = URL_PASSWORD.search(text)
    if url and not url.group(1).startswith("$") and not PLACEHOLDER.match(url.group(1)):
        return f"`{name}` embeds a password in its URL"
    if is_secret_name(name) and not re.search(r"(?i)(_FILE|_PATH|_URL|_HOST|_PORT|_USER|_NAME)$", name):
        if text.lower() in WELL_KNOWN_WEAK:
            return f"`{name}` is set to a well-known default"
        return f"`{name}` is set to a literal value"
    return None


@RULE.on_file(Language.DOCKERFILE)
def check_dockerfile(ctx: DockerfileContext) -> Iterator[Hit]:
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword not in {"ENV", "ARG"}:
            continue
        text = instruction.args_text
        pairs = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|'[^']*'|\S+)", text)
        if not pairs and instruction.keyword == "ENV":
            parts = text.split(None, 1)
            if len(parts) == 2:
                pairs = [(parts[0], parts[1])]
        for name, raw in pairs:
            ctx.examine(RULE)
            reason = judge(name, raw.strip("\"'"))
            if reason:
                yield Hit(
                    line=instruction.line,
                    end_line=instruction.end_line,
                    message=f"{instruction.keyword} {reason}",
                )


@RULE.on_file(Language.COMPOSE)
def check_compose(ctx: YamlContext) -> Iterator[Hit]:
    for _block, service_name, service in services(ctx):
        for key, value, line in environment(service):
            ctx.examine(RULE)
            reason = judge(key, value)
            if reason:
                yield Hit(line=line, message=f"service `{service_name}`: {reason}")
        for key in ("command", "entrypoint"):
            value = service.get(key)
            text = " ".join(str(v) for v in value) if isinstance(value, list) else str(value or "")
            flag = SECRET_FLAG.search(text)
            if not flag:
                continue
            ctx.examine(RULE)
            secret = flag.group(3)
            if secret.startswith("$") or PLACEHOLDER.match(secret):
                continue
            yield Hit(
                line=service.line_of(key),
                message=f"service `{service_name}`: `{flag.group(1)}` is given a literal value on the command line",
            )


@RULE.on_file(Language.KUBERNETES)
def check_kubernetes(ctx: YamlContext) -> Iterator[Hit]:
    for document in ctx.documents:
        if not isinstance(document, YMap):
            continue
        for container in _containers(document):
            env = container.get("env")
            if not isinstance(env, YList):
                continue
            for item in env:
                if not isinstance(item, YMap) or "value" not in item:
                    continue
                ctx.examine(RULE)
                reason = judge(str(item.get("name", "")), item.get("value"))
                if reason:
                    yield Hit(
                        line=item.line_of("value"),
                        message=f"container `{container.get('name', '?')}`: {reason}",
                    )


def _containers(document: YMap) -> Iterator[YMap]:
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, YMap):
            for key, value in node.items():
                if key in {"containers", "initContainers"} and isinstance(value, YList):
                    yield from (c for c in value if isinstance(c, YMap))
                elif isinstance(value, YMap | YList):
                    stack.append(value)
        elif isinstance(node, YList):
            stack.extend(v for v in node if isinstance(v, YMap | YList))
