"""Data store in a compose file that accepts clients without a password

## What it does
Flags compose services running the official Redis, Valkey or KeyDB image with no `requirepass` (or
ACL file, or config file) on their command line, Bitnami Redis with `ALLOW_EMPTY_PASSWORD=yes`, and
the official MongoDB image with no `MONGO_INITDB_ROOT_USERNAME` (nor `--auth`/`--keyFile`). An
application URL in the same file that reaches the store without credentials (`redis://cache:6379`)
is given as a further place. Development and override compose files are skipped.

## Why it matters in production
Redis and MongoDB start with authentication off. Anything that can reach the container (another
container on the network, a published port, a server-side request forgery in any service) can read
the sessions, queues, caches and tokens kept there, or overwrite them; Redis can even be made to write
files (`CONFIG SET dir`). The official Redis image ignores `REDIS_PASSWORD`: only `--requirepass` or a
config file turns authentication on.

## Example
```yaml
  redis:
    image: redis:7-alpine
    command: redis-server --appendonly yes
```

## Use instead
```yaml
  redis:
    image: redis:7-alpine
    command: ["redis-server", "--appendonly", "yes", "--requirepass", "${REDIS_PASSWORD:?set REDIS_PASSWORD}"]
```

## Known limitations
A password set by a mounted config file or an entrypoint script is assumed when a config path is
on the command line; a store reachable only through a private network still counts.

## References
- https://redis.io/docs/latest/operate/oss_and_stack/management/security/
- https://hub.docker.com/_/mongo (MONGO_INITDB_ROOT_USERNAME)
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
    name="compose-datastore-without-auth",
    category=Category.SECRETS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.COMPOSE}),
    fix="Start Redis with --requirepass \"${REDIS_PASSWORD}\" (or an ACL file) and MongoDB with "
    "MONGO_INITDB_ROOT_USERNAME/PASSWORD, and put the credentials in the application's URL.",
    references=("https://redis.io/docs/latest/operate/oss_and_stack/management/security/",),
)

REDIS_IMAGE = lazy_compile(r"^(?:docker\.io/)?(?:library/)?(?:redis|valkey/valkey|eqalpha/keydb|redis/redis-stack-server)(?::|@|$)")
BITNAMI_REDIS = lazy_compile(r"^(?:docker\.io/)?bitnami/(?:redis|valkey)(?::|@|$)")
MONGO_IMAGE = lazy_compile(r"^(?:docker\.io/)?(?:library/)?mongo(?::|@|$)")
REDIS_AUTH = lazy_compile(r"requirepass|--aclfile|\.conf\b|\$\{?REDIS_PASS")
MONGO_AUTH = lazy_compile(r"--auth\b|--keyFile|\.conf\b")


def _command_text(service: YMap) -> str:
    parts: list[str] = []
    for key in ("command", "entrypoint"):
        value = service.get(key)
        if isinstance(value, YList):
            parts.extend(str(v) for v in value)
        else:
            parts.append(str(value or ""))
    return " ".join(parts)


def _open_store(service: YMap) -> str | None:
    """'Redis' or 'MongoDB' when the service runs that store with authentication off, else None."""
    image = str(service.get("image") or "").strip().lower()
    env = {key: str(value) for key, value, _line in environment(service)}
    command = _command_text(service)
    if REDIS_IMAGE.match(image):
        return None if REDIS_AUTH.search(command) else "Redis"
    if BITNAMI_REDIS.match(image):
        return "Redis" if env.get("ALLOW_EMPTY_PASSWORD", "").strip().lower() in {"yes", "true", "1"} else None
    if MONGO_IMAGE.match(image):
        if "MONGO_INITDB_ROOT_USERNAME" in env or "MONGO_INITDB_ROOT_USERNAME_FILE" in env or "env_file" in service:
            return None
        return None if MONGO_AUTH.search(command) else "MongoDB"
    return None


def _client_urls(ctx: YamlContext, name: str, scheme: str) -> list[tuple[int, str]]:
    """Lines of the file with a credential-less URL to the service (`redis://cache:6379`)."""
    found = []
    pattern = re.compile(rf"\b{scheme}://{re.escape(name)}(?::\d+|/|\b)")
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
        store = _open_store(service)
        if store is None:
            continue
        scheme = "redis" if store == "Redis" else "mongodb"
        yield Hit(
            line=service.line_of("image"),
            message=f"service `{name}` runs {store} with authentication off: anything that reaches it can read "
            "and change what the application keeps there",
            related=tuple(_client_urls(ctx, name, scheme)),
        )
