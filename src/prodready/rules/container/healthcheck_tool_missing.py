"""HEALTHCHECK calls a tool the image does not have.

## What it does
Flags a `HEALTHCHECK` that runs `curl` or `wget` in a final stage built on a slim, Alpine or
distroless base that never installs that tool (`apt-get install curl`, `apk add wget`, ...), and one
whose `python -c` probe uses a module it never imports (`python -c "httpx.get(...)"`).
Alpine ships BusyBox `wget`, so `wget` on Alpine is accepted.

## Why it matters in production
The check fails every time with "command not found": the container is marked unhealthy forever,
orchestrators restart it in a loop or never route traffic to it, and the deploy fails for a reason
that has nothing to do with the service.

## Example
```dockerfile
FROM python:3.12-slim
HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1
```

## Use instead
```dockerfile
HEALTHCHECK --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"
```

## Known limitations
Tools copied in from another stage are recognised only through `COPY --from` of a path ending in
the tool's name.

## References
- https://docs.docker.com/reference/dockerfile/#healthcheck
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.engine.context import DockerfileContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._docker import SLIM_BASE, base_image

RULE = RuleMeta(
    id="PR-CT-305",
    name="healthcheck-tool-missing",
    category=Category.CONTAINER,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.DOCKERFILE}),
    fix="Install the tool in the final stage, or probe with the runtime the image has (python -c / node -e).",
    references=("https://docs.docker.com/reference/dockerfile/#healthcheck",),
)


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    stage = ctx.dockerfile.final_stage()
    checks = [i for i in stage if i.keyword == "HEALTHCHECK" and not i.args_text.upper().startswith("NONE")]
    if not checks or not stage:
        return
    base = base_image(stage[0])
    for check_instruction in checks:
        ctx.examine(RULE)
        text = check_instruction.value
        unimported = _unimported_module(text)
        if unimported:
            yield Hit(
                line=check_instruction.line,
                end_line=check_instruction.end_line,
                message=f"HEALTHCHECK's `python -c` uses {unimported} without importing it: the probe always fails and the container is reported unhealthy",
            )
            continue
        for tool in ("curl", "wget"):
            if not re.search(rf"(^|[\s\"'\[,]){tool}(\s|\"|'|,|$)", text):
                continue
            if not SLIM_BASE.search(base):
                continue
            if tool == "wget" and "alpine" in base.lower():
                continue
            installed = any(
                (i.keyword == "RUN" and re.search(rf"\b(install|add)\b[^&;|]*\b{tool}\b", i.value))
                or (i.keyword == "COPY" and re.search(rf"/{tool}\b", i.value))
                for i in stage
            )
            if not installed:
                yield Hit(
                    line=check_instruction.line,
                    end_line=check_instruction.end_line,
                    message=f"HEALTHCHECK uses {tool}, which `{base}` does not include",
                )
                break


PY_ONE_LINER = re.compile(r"python[\d.]*\s+-c\s+(?P<q>[\"'])(?P<code>.*?)(?P=q)", re.S)
PROBE_MODULES = ("httpx", "requests", "urllib", "urllib3", "socket", "http")


def _unimported_module(instruction: str) -> str | None:
    """`python -c "httpx.get(...)"`: a module used by the one-liner that it never imports."""
    match = PY_ONE_LINER.search(instruction)
    if match is None:
        return None
    code = match.group("code")
    for module in PROBE_MODULES:
        if re.search(rf"(?<![\w.]){module}\.\w", code) and not re.search(rf"\b(import\s+{module}\b|from\s+{module}\b|import\s+[\w.]+\s+as\s+{module}\b)", code):
            return module
    return None
