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
Probes added by Helm templates or Kustomize patches are not rendered; Jobs and CronJobs are skipped.

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import YamlContext
from prodready.lang.yamldoc import YList, YMap
from prodready.model import Category, Confidence, Hit, Language, Severity
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

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "DeploymentConfig"}


@RULE.on_file(Language.KUBERNETES)
def check(ctx: YamlContext) -> Iterator[Hit]:
    for document in ctx.documents:
        if not isinstance(document, YMap) or document.get("kind") not in WORKLOADS:
            continue
        spec = document.get("spec")
        template = spec.get("template") if isinstance(spec, YMap) else None
        pod = template.get("spec") if isinstance(template, YMap) else None
        containers = pod.get("containers") if isinstance(pod, YMap) else None
        if not isinstance(containers, YList):
            continue
        for index, container in enumerate(containers):
            if not isinstance(container, YMap):
                continue
            ctx.examine(RULE)
            missing = [p for p in ("livenessProbe", "readinessProbe") if p not in container]
            if missing:
                yield Hit(
                    line=containers.line_of(index),
                    message=f"container `{container.get('name', '?')}` has no {' or '.join(missing)}",
                )
