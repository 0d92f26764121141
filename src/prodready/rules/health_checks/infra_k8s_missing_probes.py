"""Kubernetes container without liveness or readiness probe.

## What it does
Flags containers of Deployments, StatefulSets and DaemonSets that define no `livenessProbe` or no
`readinessProbe`.

## Why it matters in production
Without a readiness probe Kubernetes sends traffic to pods that are still starting or have lost
their database; without a liveness probe a deadlocked pod is never restarted. Rolling updates cannot
tell a broken release from a good one.

## Example
```yaml
containers:
  - name: api
    image: api:1.4.2
```

## Use instead
```yaml
containers:
  - name: api
    image: api:1.4.2
    livenessProbe: {httpGet: {path: /livez, port: 8000}}
    readinessProbe: {httpGet: {path: /readyz, port: 8000}}
```

## Known limitations
Probes set by a Kustomize patch (a container of the same workload and name without an `image`)
count; Helm templates are not rendered (a template that is not valid YAML is skipped, one that
is gets no finding from this rule). Jobs, CronJobs and init containers are skipped.

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._k8s import SERVICE_WORKLOADS, k8s_containers
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-HC-303",
    name="k8s-missing-probes",
    category=Category.HEALTH_CHECKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.KUBERNETES}),
    fix="Add livenessProbe and readinessProbe (httpGet on the service's health endpoints) to each container.",
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    for container in k8s_containers(ctx.model):
        if container.get("kind") not in SERVICE_WORKLOADS or container.get("init") or container.get("templated"):
            continue
        ctx.examine(RULE)
        missing = [p for p in ("livenessProbe", "readinessProbe") if not container.get(p)]
        if missing:
            # one probe present: the fix goes beside it
            line = container.get("probe_line") if len(missing) == 1 and container.get("probe_line") else container.get("line")
            yield Hit(
                line=line,
                path=str(container["file"]),
                message=f"container `{container.get('name', '?')}` has no {' or '.join(missing)}",
            )
