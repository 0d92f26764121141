"""Literal secret in container or deployment configuration.

## What it does
Flags secret-like variables (`*_PASSWORD`, `*_SECRET`, `*_TOKEN`, `*_KEY`, credentials in URLs)
given literal values in Dockerfile `ENV`/`ARG`, docker-compose `environment:` (map and list forms,
including weak `${VAR:-postgres}` fallbacks), Kubernetes container `env:` values, ConfigMap `data`
and committed Secret manifests (`stringData`, and `data` once base64-decoded), Kustomize
`secretGenerator`/`configMapGenerator` `literals:` (`- password=prod_pass_123`), and secrets passed
as literal command-line flags in compose `command:` (`redis-server --requirepass s3cret`,
`-pass guest`). The service's own committed settings files (`conf/app.ini`, `config/production.json`,
`configs/config.yml`, Spring `application.properties` with `${DB_PASSWORD:fallback}`) are read too;
example, test and developer-local settings files (`config/local.yml`, `settings.example.toml`) are not.
`${VAR}` references, `secretKeyRef` and Docker/compose secrets are fine. A Dockerfile build
argument with a secret's name (`ARG GITHUB_TOKEN`) that a later `RUN` reads is reported too: its
`--build-arg` value lands in the image history and build cache (a BuildKit secret mount does not).

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
Values in `env_file:` files are judged by the `.env` rule (PR-SE-303), not here. Secrets
encrypted with SOPS (`ENC[...]` values or a `sops:` section) and SealedSecrets are fine; Helm
templates are not rendered.

## References
- https://docs.docker.com/compose/how-tos/use-secrets/
- https://kubernetes.io/docs/concepts/configuration/secret/
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import AppConfigContext, DockerfileContext, YamlContext
from prodready.lang.yamldoc import YList, YMap
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.redact import WELL_KNOWN_WEAK
from prodready.rules._k8s import kustomize_literals
from prodready.rules._secretutil import PLACEHOLDER, is_secret_name, snake_case
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import dependencies_only, environment, services

RULE = RuleMeta(
    id="PR-SE-301",
    name="literal-secret-in-config",
    category=Category.SECRETS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE, Language.COMPOSE, Language.KUBERNETES, Language.APPCONFIG}),
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
# Spring/Micronaut `${DB_PASSWORD:fallback}`.
COLON_FALLBACK = lazy_compile(r"^\$\{[A-Za-z_][\w.]*:([^-}][^}]*)\}$")
# Values that point at a secret store instead of holding the secret.
INDIRECT = lazy_compile(r"(?i)^(env:|vault:|ref\+|secret:|file:|arn:aws|enc\(|projects/[^/]+/secrets/|op://)")
FLAG_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null", "~"})


def judge(name: str, value: Any, shown: str | None = None) -> str | None:
    """Why this name/value pair is a literal secret, or None (``shown``: the name as written)."""
    label = shown or name
    if value is None or isinstance(value, bool | int | float):
        return None
    text = str(value).strip()
    fallback = FALLBACK.match(text)
    if fallback:
        text = fallback.group(1)
        if is_secret_name(name) and text and not PLACEHOLDER.match(text):
            return f"`{label}` falls back to a literal default"
        return None
    if text.startswith("$") or PLACEHOLDER.match(text):
        return None
    url = URL_PASSWORD.search(text)
    if url and not url.group(1).startswith("$") and not PLACEHOLDER.match(url.group(1)):
        return f"`{label}` embeds a password in its URL"
    if is_secret_name(name) and not re.search(r"(?i)(_FILE|_PATH|_URL|_HOST|_PORT|_USER|_NAME)$", name):
        if text.lower() in WELL_KNOWN_WEAK:
            return f"`{label}` is set to a well-known default"
        return f"`{label}` is set to a literal value"
    return None


@RULE.on_file(Language.DOCKERFILE)
def check_dockerfile(ctx: DockerfileContext) -> Iterator[Hit]:
    # (imported here: the project pass loads this module for every tree)
    from prodready.lang.dockerfile import line_within

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
                    line=line_within(ctx.lines, instruction, re.compile(rf"\b{re.escape(name)}\b")),
                    end_line=instruction.end_line,
                    message=f"{instruction.keyword} {reason}",
                )
        if instruction.keyword == "ARG" and not pairs:
            yield from _secret_build_arg(ctx, instruction)


def _secret_build_arg(ctx: DockerfileContext, instruction: Any) -> Iterator[Hit]:
    """`ARG GITHUB_TOKEN` read by a later RUN: the value given with --build-arg is recorded in the
    image history and the build cache (a BuildKit secret mount is not)."""
    name = instruction.args_text.split()[0] if instruction.args_text.split() else ""
    if not is_secret_name(name) or re.search(r"(?i)(_FILE|_PATH|_URL|_HOST|_PORT|_USER|_NAME|_ID)$", name):
        return
    used = re.compile(rf"\$\{{?{re.escape(name)}\b")
    reader = next((i for i in ctx.dockerfile.instructions if i.keyword == "RUN" and i.line > instruction.line and used.search(i.value)), None)
    if reader is None:
        return
    ctx.examine(RULE)
    yield Hit(
        line=instruction.line,
        message=f"build argument `{name}` carries a secret into RUN (line {reader.line}): its value is recorded in the "
        "image history and build cache; use a BuildKit secret mount (RUN --mount=type=secret)",
    )


# compose files for tests and CI (a dev or local stack is still judged: it is often what gets deployed)
TEST_COMPOSE = lazy_compile(r"(?i)(^|[./-])(test|tests|testing|e2e|ci)([./-]|$)")


@RULE.on_file(Language.COMPOSE)
def check_compose(ctx: YamlContext) -> Iterator[Hit]:
    if dependencies_only(ctx) or TEST_COMPOSE.search(ctx.path.rsplit("/", 1)[-1]):
        return  # datastores started for local work or tests, an e2e/CI stack: their passwords guard nothing deployed
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


@RULE.on_file(Language.APPCONFIG)
def check_app_config(ctx: AppConfigContext) -> Iterator[Hit]:
    if not ctx.production:
        return  # an example or a developer's local settings file, not what production runs with
    for entry in ctx.entries:
        name = snake_case(entry.key)
        if not is_secret_name(name) and not URL_PASSWORD.search(entry.value):
            continue
        ctx.examine(RULE)
        value = entry.value
        spring = COLON_FALLBACK.match(value)
        if spring:
            value = f"${{FALLBACK:-{spring.group(1)}}}"
        if value.lower() in FLAG_VALUES or INDIRECT.match(value):
            continue
        reason = judge(name.upper(), value, shown=entry.dotted)
        if reason:
            yield Hit(line=entry.line, message=f"{reason} in a committed settings file")


@RULE.on_file(Language.KUBERNETES)
def check_kubernetes(ctx: YamlContext) -> Iterator[Hit]:
    for document in ctx.documents:
        if not isinstance(document, YMap):
            continue
        yield from _config_data(ctx, document)
        yield from _kustomize_literals(ctx, document)
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


def _config_data(ctx: YamlContext, document: YMap) -> Iterator[Hit]:
    """ConfigMap `data` and Secret `stringData`/`data` entries with secret names and literal values."""
    kind = document.get("kind")
    if kind not in ("ConfigMap", "Secret") or "sops" in document:
        return
    metadata = document.get("metadata")
    name = metadata.get("name", "?") if isinstance(metadata, YMap) else "?"
    for section in ("stringData", "data") if kind == "Secret" else ("data",):
        entries = document.get(section)
        if not isinstance(entries, YMap):
            continue
        for key, value in entries.items():
            if not isinstance(value, str) or "{{" in value or value.startswith("ENC["):
                continue
            ctx.examine(RULE)
            if section == "data" and kind == "Secret":
                value = _b64(value)
                if value is None:
                    continue
            reason = judge(str(key), value)
            if not reason:
                continue
            if kind == "ConfigMap":
                message = f"ConfigMap `{name}`: {reason}; ConfigMaps are readable by anyone who can read the namespace"
            else:
                message = f"Secret `{name}` is committed to the repository: {reason} (base64 is not encryption)"
            yield Hit(line=entries.line_of(key), message=message)


def _kustomize_literals(ctx: YamlContext, document: YMap) -> Iterator[Hit]:
    """Kustomize `secretGenerator`/`configMapGenerator` `literals:` committed with real values."""
    for section, what in (("secretGenerator", "Secret"), ("configMapGenerator", "ConfigMap")):
        for name, key, value, line in kustomize_literals(ctx, document, section):
            ctx.examine(RULE)
            reason = judge(key, value)
            if reason:
                yield Hit(line=line, message=f"kustomize {section} `{name}`: {reason}; the generated {what} "
                                             "carries a value committed to the repository")


def _b64(value: str) -> str | None:
    import base64
    import binascii

    try:
        return base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


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
