"""Redis in a compose file runs without the password the file means to give it

## What it does
Flags compose services running the official Redis, Valkey or KeyDB image that set a
`REDIS_PASSWORD` in their environment but pass no `--requirepass` (nor an ACL or config file) on
their command line, and Bitnami Redis started with `ALLOW_EMPTY_PASSWORD=yes`. An application URL in
the same file that reaches the store without credentials (`redis://cache:6379`) is given as a
further place. Development and override compose files are skipped.

## Why it matters in production
The official Redis image never reads `REDIS_PASSWORD`: only `--requirepass` or a config file turns
authentication on. The operator believes the store is protected while anything that reaches the
container (another container, an SSRF in any service, a published port) can read and overwrite the
sessions, queues and tokens kept there, or make Redis write files (`CONFIG SET dir`).

## Example
```yaml
  redis:
    image: redis:7-alpine
    environment:
      - REDIS_PASSWORD=${REDIS_PASSWORD}
```

## Use instead
```yaml
  redis:
    image: redis:7-alpine
    command: ["redis-server", "--requirepass", "${REDIS_PASSWORD:?set REDIS_PASSWORD}"]
```

## Known limitations
An open Redis reachable only on the compose network is not reported (reviewers differ on it), and a
published one is PR-CT-312's finding. A password set by an entrypoint script is not seen.

## References
- https://redis.io/docs/latest/operate/oss_and_stack/management/security/
- https://hub.docker.com/_/redis
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.engine.context import YamlContext
from prodready.lang.yamldoc import YList, YMap
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import environment, is_dev_compose, services

RULE = RuleMeta(
    id="PR-SE-307",
    name="compose-redis-without-password",
    category=Category.SECRETS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.COMPOSE}),
    fix="Start Redis with --requirepass \"${REDIS_PASSWORD}\" (or an ACL file) and put the password in the "
    "application's URL.",
    references=("https://redis.io/docs/latest/operate/oss_and_stack/management/security/",),
)

REDIS_IMAGE = lazy_compile(r"^(?:docker\.io/)?(?:library/)?(?:redis|valkey/valkey|eqalpha/keydb|redis/redis-stack-server)(?::|@|$)")
BITNAMI_REDIS = lazy_compile(r"^(?:docker\.io/)?bitnami/(?:redis|valkey)(?::|@|$)")
REDIS_AUTH = lazy_compile(r"requirepass|--aclfile|\.conf\b|\$\{?REDIS_PASS")
PASSWORD_ENV = lazy_compile(r"(?i)^REDIS_?PASS(WORD)?$")
def _command_text(service: YMap) -> str:
    parts: list[str] = []
    for key in ("command", "entrypoint"):
        value = service.get(key)
        if isinstance(value, YList):
            parts.extend(str(v) for v in value)
        else:
            parts.append(str(value or ""))
    return " ".join(parts)


def _open_store(service: YMap) -> tuple[str, int] | None:
    """(why, line) when the service runs Redis with authentication off; else None. The line is the
    setting that was meant to protect it (or allows it open)."""
    image = str(service.get("image") or "").strip().lower()
    env = {key: (str(value), line) for key, value, line in environment(service)}
    command = _command_text(service)
    if REDIS_IMAGE.match(image):
        # An open Redis on the compose network alone is common practice (reviewers differ) and a
        # published one is PR-CT-312's finding; a REDIS_PASSWORD the official image never reads is a
        # password the operator believes is set.
        meant = next((line for key, (_value, line) in env.items() if PASSWORD_ENV.search(key)), None)
        if REDIS_AUTH.search(command) or meant is None:
            return None
        return "sets REDIS_PASSWORD, which the official image never reads", meant
    if BITNAMI_REDIS.match(image):
        value, line = env.get("ALLOW_EMPTY_PASSWORD", ("", 0))
        return ("is told ALLOW_EMPTY_PASSWORD=yes", line) if value.strip().lower() in {"yes", "true", "1"} else None
    return None


def _client_urls(ctx: YamlContext, name: str) -> list[tuple[int, str]]:
    """Lines of the file with a credential-less URL to the service (`redis://cache:6379`)."""
    found = []
    pattern = re.compile(rf"\bredis://{re.escape(name)}(?::\d+|/|\b)")
    for number, line in enumerate(ctx.text.splitlines(), start=1):
        if pattern.search(line) and not line.lstrip().startswith("#"):
            found.append((number, "the application connects without credentials"))
    return found[:3]


@RULE.on_file(Language.COMPOSE)
def check(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for _block, name, service in services(ctx):
        if not isinstance(service.get("image"), str):
            continue
        ctx.examine(RULE)
        found = _open_store(service)
        if found is None:
            continue
        reason, line = found
        yield Hit(
            line=line,
            message=f"service `{name}` runs Redis with authentication off (it {reason}): anything that reaches it "
            "can read and change what the application keeps there",
            related=((service.line_of("image"), f"the `{name}` service's image"), *_client_urls(ctx, name)),
        )
