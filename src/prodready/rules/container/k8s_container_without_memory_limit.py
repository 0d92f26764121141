"""Kubernetes container without a memory limit.

## What it does
Flags containers of Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and Pods that set no
`resources.limits.memory`, and says when `resources.requests` are missing too. A memory limit set
by a Kustomize patch of the same workload and container counts, and so does a `LimitRange` with a
default memory limit anywhere in the project. CPU limits are not asked for.

## Why it matters in production
Without a memory limit a leaking or overloaded pod grows until the node runs out of memory; the
kernel's OOM killer then picks victims among every pod on that node, including healthy neighbours
and system daemons, and the kubelet starts evicting. Without requests the scheduler packs pods
blindly onto nodes that cannot hold them, and the pod gets the `BestEffort` class: first to be
evicted under pressure.

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
    resources:
      requests: {cpu: 250m, memory: 256Mi}
      limits: {memory: 512Mi}
```

## Known limitations
Init containers are not judged (they run before the others, one at a time). Limits from Helm values are not rendered (templated files are skipped), nor from namespace
`LimitRange` objects managed outside the repository. A CPU limit is deliberately not required:
it throttles latency-sensitive services and most clusters are better off without one.

## References
- https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
- https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._k8s import k8s_containers
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CT-317",
    name="k8s-container-without-memory-limit",
    category=Category.CONTAINER,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.KUBERNETES}),
    fix="Set resources.requests (cpu, memory) and resources.limits.memory on every container.",
    references=("https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    if ctx.model.facts.get("k8s_limitrange"):
        return
    for container in k8s_containers(ctx.model):
        if container.get("templated") or container.get("init"):
            continue
        ctx.examine(RULE)
        if container.get("memory_limit"):
            continue
        also = " and no resource requests" if not container.get("requests") else ""
        yield Hit(
            line=container.get("line"),
            path=str(container["file"]),
            message=f"container `{container.get('name', '?')}` of {container.get('kind')} "
            f"`{container.get('workload')}` has no memory limit{also}: it can take the node's memory",
        )
