"""Compose service killed a few seconds after SIGTERM

## What it does
Flags `stop_grace_period` values under 10 seconds (`"3s"`, `"0"`) on services of a compose file
that is not a development file, including values a service inherits from an extension block
(`<<: *default-app`). The finding points at the value.

## Why it matters in production
`docker compose down`, a redeploy or a host shutdown sends SIGTERM and, after the grace period,
SIGKILL. Three seconds is less than a typical request timeout, a worker's current job or a
database's checkpoint: in-flight requests are cut off, jobs are lost mid-way and must be retried
(or are not), and a database or queue killed with SIGKILL replays its log on the next start. With
`"0"` the service never gets a chance at all.

## Example
```yaml
x-app: &default-app
  stop_grace_period: "3s"
```

## Use instead
```yaml
x-app: &default-app
  stop_grace_period: "30s"   # longer than the slowest request or job the service finishes on SIGTERM
```

## Known limitations
A service that really has nothing to drain (a static file server) is flagged too when it sets a
short period on purpose.

## References
- https://docs.docker.com/reference/compose-file/services/#stop_grace_period
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.engine.context import YamlContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import is_dev_compose, services

RULE = RuleMeta(
    id="PR-PM-303",
    name="compose-short-stop-grace",
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.COMPOSE}),
    fix="Give each service a stop_grace_period longer than its slowest request or job (30 s is a common default).",
    references=("https://docs.docker.com/reference/compose-file/services/#stop_grace_period",),
)

DURATION_PART = lazy_compile(r"(\d+(?:\.\d+)?)(h|ms|us|m|s)?")
UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "us": 0.000001, None: 1.0}
MINIMUM_SECONDS = 10.0


def seconds(value: object) -> float | None:
    """`"1m30s"` -> 90.0, `"3s"` -> 3.0, `0` -> 0.0; None when it is not a duration."""
    text = str(value).strip().strip("\"'")
    if not text or not re.fullmatch(r"(\d+(\.\d+)?(h|ms|us|m|s)?)+", text):
        return None
    return sum(float(number) * UNIT_SECONDS[unit or None] for number, unit in DURATION_PART.findall(text))


@RULE.on_file(Language.COMPOSE)
def check(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    reported: set[int] = set()
    for _block, name, service in services(ctx):
        value = service.get("stop_grace_period")
        if value is None:
            continue
        ctx.examine(RULE)
        grace = seconds(value)
        line = service.line_of("stop_grace_period")
        if grace is None or grace >= MINIMUM_SECONDS or line in reported:
            continue
        reported.add(line)  # one value in an extension block serves several services: one place
        yield Hit(line=line, message=f"service `{name}` is SIGKILLed {value} after SIGTERM: in-flight requests and "
                                     "jobs are cut off on every stop and deploy")
