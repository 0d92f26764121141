"""Service image without a HEALTHCHECK.

## What it does
Flags a Dockerfile for a long-running service whose final stage has no `HEALTHCHECK`, when no
compose service built from it defines a `healthcheck:` and no Kubernetes manifest of the
repository probes its containers (`livenessProbe`/`readinessProbe`; manifests without probes, such
as a bare example Deployment, check nothing).

## Why it matters in production
Without a health check the runtime only knows whether the process exists. A deadlocked or
wedged server keeps receiving traffic, and `depends_on: condition: service_healthy` cannot work.

## Example
```dockerfile
FROM python:3.12-slim
CMD ["uvicorn", "app.main:app"]
```

## Use instead
```dockerfile
HEALTHCHECK --interval=30s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
```

The finding points at the instruction that starts the shipped image (its last `CMD` or
`ENTRYPOINT`), and at the `FROM` line of that final stage, where the `HEALTHCHECK` belongs. It was `PR-CT-304` in the container category; reviewers file it under health
checks, and suppressions and baselines that name the old id still apply.

## Known limitations
Images for jobs and CLIs cannot be told apart from services when they have a CMD; suppress with a
reason there. Test and development images (`tests/`, `Dockerfile.dev`, `e2e/`) are skipped.

## References
- https://docs.docker.com/reference/dockerfile/#healthcheck
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from prodready.engine.context import ProjectContext, is_test_path
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._docker import is_dev_image

RULE = RuleMeta(
    id="PR-HC-305",
    name="missing-healthcheck",
    aliases=("PR-CT-304",),
    category=Category.HEALTH_CHECKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.DOCKERFILE}),
    fix="Add a HEALTHCHECK that calls the service's liveness endpoint with a tool the image has.",
    references=("https://docs.docker.com/reference/dockerfile/#healthcheck",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    if model.facts.get("k8s_probe"):
        return
    healthy_builds = {
        posixpath.normpath(posixpath.join(posixpath.dirname(s["file"]), s.get("build") or "."))
        for s in model.compose_services
        if s.get("has_healthcheck") and s.get("build")
    }
    for fact in model.facts.get("dockerfile", []):
        ctx.examine(RULE)
        if fact.get("has_healthcheck") or is_dev_image(fact["file"]) or is_test_path(fact["file"]):
            continue  # (test and development images run no service anyone probes)
        directory = posixpath.dirname(fact["file"]) or "."
        if posixpath.normpath(directory) in healthy_builds:
            continue
        start, stage = fact.get("start_line"), fact.get("line")
        related = ((stage, "the final stage, where the HEALTHCHECK belongs"),) if stage and stage != start else ()
        yield Hit(line=start, path=fact["file"], related=related,
                  message="image has no HEALTHCHECK and nothing else probes it")
