"""Image makes a directory or file world-writable

## What it does
Flags a `RUN chmod` in the shipped image that gives everyone write access: mode `777`, `1777`,
`0777`, `666`, or `a+w`/`o+w`/`ugo+w`. `/tmp`-style scratch paths (`/tmp`, `/var/tmp`) are left alone.

## Why it matters in production
Any process in the container — a compromised dependency, a server exploit running as a different
user, a sidecar sharing the volume — can then replace the files the service reads, plant content
it serves, or fill the directory. It usually papers over an ownership problem that `chown` to the
service's user (or `COPY --chown`) fixes without opening the path to everyone.

## Example
```dockerfile
RUN mkdir -p /db /config && chmod 1777 /db /config
```

## Use instead
```dockerfile
RUN mkdir -p /db /config && chown app:app /db /config
USER app
```

## Known limitations
A mode held in a variable (`chmod $MODE`) is not read.

## References
- https://docs.docker.com/build/building/best-practices/#user
- https://cwe.mitre.org/data/definitions/732.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.engine.context import DockerfileContext
from prodready.lang.dockerfile import line_within
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CT-323",
    name="world-writable-path",
    category=Category.CONTAINER,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE}),
    fix="chown the path to the service's user (or COPY --chown) instead of opening it to everyone.",
    references=("https://cwe.mitre.org/data/definitions/732.html",),
)

# `chmod [-R] 777 path...` / `chmod 1777` / `chmod a+rwx` (one chmod of a `&&` chain)
CHMOD = lazy_compile(r"\bchmod\s+(?:-\S+\s+)*(?P<mode>[0-7]?[0-7]?[67][67]|[0-7]?777|[ugoa]*[oa][ugoa]*\+[rwxXst]*w[rwxXst]*)\s+(?P<paths>[^;&|\n]+)")
SCRATCH = re.compile(r"^/(var/)?tmp(/|$)")


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    for instruction in ctx.dockerfile.shipped_stage():
        if instruction.keyword != "RUN" or "chmod" not in instruction.value:
            continue
        ctx.examine(RULE)
        for match in CHMOD.finditer(instruction.value):
            mode = match.group("mode")
            if mode.isdigit() and not (mode.endswith(("77", "76", "66", "67")) and int(mode[-1]) & 2):
                continue  # (the others' digit must give write: 775, 755 are fine)
            paths = [p for p in match.group("paths").split() if not p.startswith("-")]
            if not paths or all(SCRATCH.match(p) for p in paths):
                continue
            yield Hit(
                line=line_within(ctx.lines, instruction, re.compile(r"\bchmod\b")),
                message=f"`chmod {mode}` makes {' '.join(paths)[:60]} writable by every user in the container",
            )
            break
