"""Admin or monitoring UI published without authentication

## What it does
Flags compose services that run an operations UI with no authentication configured and publish
its port: Celery Flower without `--basic_auth`/`--auth`/`--oauth` (or `FLOWER_BASIC_AUTH` and
friends in its environment), Redis Commander without `HTTP_USER`/`HTTP_PASSWORD`
(or `HTTP_PASSWORD_HASH`).

## Why it matters in production
Flower shows every task with its arguments (often e-mail addresses, tokens, URLs) and can revoke
tasks and shut down workers; Redis Commander reads and deletes any key. Published on the host,
they are one port scan away from anyone on the network.

## Example
```yaml
  flower:
    image: mher/flower:2.0
    command: celery flower --broker=redis://redis:6379/0
    ports: ["5555:5555"]
```

## Use instead
```yaml
  flower:
    image: mher/flower:2.0
    command: celery flower --broker=redis://redis:6379/0 --basic_auth=${FLOWER_USER}:${FLOWER_PASSWORD}
    ports: ["127.0.0.1:5555:5555"]
```

## Known limitations
Authentication added by a reverse proxy in front of the UI is not seen; development compose files
are skipped.

## References
- https://flower.readthedocs.io/en/latest/auth.html
- https://github.com/joeferner/redis-commander#usage
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import YamlContext
from prodready.lang.yamldoc import YList, YMap
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import environment, is_dev_compose, services

RULE = RuleMeta(
    id="PR-AU-301",
    name="admin-ui-without-auth",
    category=Category.AUTHENTICATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.COMPOSE}),
    fix="Configure the UI's authentication (Flower --basic_auth/--oauth, Redis Commander HTTP_USER/HTTP_PASSWORD) and do not publish it publicly.",
    references=("https://flower.readthedocs.io/en/latest/auth.html",),
)

# (what, how it is recognised in image/command, auth flags in the command, auth env keys)
UIS: tuple[tuple[str, re.Pattern[str], re.Pattern[str], frozenset[str]], ...] = (
    (
        "Celery Flower",
        lazy_compile(r"(?i)\bflower\b"),
        lazy_compile(r"--(basic[_-]auth|auth|oauth2?[_-]?\w*|auth_provider)\b"),
        frozenset({"FLOWER_BASIC_AUTH", "FLOWER_AUTH", "FLOWER_OAUTH2_KEY", "FLOWER_AUTH_PROVIDER"}),
    ),
    (
        "Redis Commander",
        lazy_compile(r"(?i)redis-commander"),
        lazy_compile(r"--http-auth-(username|password)"),
        frozenset({"HTTP_USER", "HTTP_PASSWORD", "HTTP_PASSWORD_HASH"}),
    ),
)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value or "")


def _published(service: YMap) -> bool:
    ports = service.get("ports")
    if not isinstance(ports, YList):
        return False
    for item in ports:
        text = str(item.get("host_ip", "") if isinstance(item, YMap) else item)
        if isinstance(item, YMap) or ":" in text:
            if not re.match(r"^(127\.|localhost|\[?::1)", text):
                return True
    return False


@RULE.on_file(Language.COMPOSE)
def check(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for _block, name, service in services(ctx):
        image = _text(service.get("image"))
        command = _text(service.get("command")) + " " + _text(service.get("entrypoint"))
        for what, marker, flags, env_keys in UIS:
            if not (marker.search(image) or marker.search(command)):
                continue
            ctx.examine(RULE)
            if flags.search(command) or any(k.upper() in env_keys for k, _v, _l in environment(service)):
                continue
            if not _published(service):
                continue
            line = service.line_of("command") if "command" in service else service.line_of("image")
            yield Hit(
                line=line,
                message=f"service `{name}` runs {what} with no authentication and publishes its port: "
                "anyone who reaches the host can read task/key data and act on it",
            )
            break
