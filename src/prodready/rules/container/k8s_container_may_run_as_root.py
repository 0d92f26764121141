"""Kubernetes container not required to run as non-root.

## What it does
Flags containers of Deployments, StatefulSets, Jobs, CronJobs and Pods where neither the
container's nor the pod's `securityContext` sets `runAsNonRoot: true` or a non-zero `runAsUser`,
and containers that ask for root explicitly (`runAsUser: 0`, `runAsNonRoot: false`) or run
`privileged`. A setting added by a Kustomize patch of the same workload and container counts.

## Why it matters in production
Most images still default to root. A process running as UID 0 that is compromised (a
deserialisation bug, a vulnerable dependency) owns the container's filesystem, can install tools,
and is one kernel or runtime vulnerability away from the node. `runAsNonRoot: true` makes the
kubelet refuse to start a container that would run as root, so a base-image change cannot
silently bring root back; the Pod Security Standards' `restricted` profile requires it.

## Example
```yaml
spec:
  containers:
    - name: api
      image: api:1.4.2
```

## Use instead
```yaml
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
  containers:
    - name: api
      image: api:1.4.2
      securityContext:
        allowPrivilegeEscalation: false
```

## Known limitations
DaemonSets are skipped (node agents often need root). An image that runs as a non-root `USER`
still gets a finding: only `runAsNonRoot` makes Kubernetes enforce it. Namespace-level Pod
Security admission configured outside the repository is not visible.

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._k8s import k8s_containers
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CT-318",
    name="k8s-container-may-run-as-root",
    category=Category.CONTAINER,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.KUBERNETES}),
    fix="Set securityContext.runAsNonRoot: true (and a non-zero runAsUser) on the pod or the container.",
    references=("https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    for container in k8s_containers(ctx.model):
        if container.get("templated") or container.get("kind") == "DaemonSet":
            continue
        ctx.examine(RULE)
        name = f"container `{container.get('name', '?')}` of {container.get('kind')} `{container.get('workload')}`"
        if container.get("privileged"):
            yield Hit(line=container.get("line"), path=str(container["file"]),
                      message=f"{name} runs privileged: root on the node if it is compromised")
        elif container.get("non_root") is False:
            yield Hit(line=container.get("line"), path=str(container["file"]),
                      message=f"{name} asks to run as root (runAsUser: 0 or runAsNonRoot: false)")
        elif container.get("non_root") is None:
            yield Hit(line=container.get("line"), path=str(container["file"]),
                      message=f"{name} sets no runAsNonRoot/runAsUser: it runs as whatever user the image has, "
                      "usually root")
