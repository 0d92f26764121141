"""Walking Kubernetes manifests: workloads, their pod specs and containers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import YamlContext
from prodready.lang.yamldoc import YList, YMap

# Kinds whose pod template runs the service; Jobs and CronJobs run to completion.
SERVICE_WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "DeploymentConfig",
                               "ReplicationController"})
BATCH_WORKLOADS = frozenset({"Job", "CronJob"})
WORKLOADS = SERVICE_WORKLOADS | BATCH_WORKLOADS | {"Pod"}


def pod_spec(document: Any) -> YMap | None:
    if not isinstance(document, YMap):
        return None
    kind = document.get("kind")
    spec = document.get("spec")
    if not isinstance(spec, YMap) or kind not in WORKLOADS:
        return None
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        job = spec.get("jobTemplate")
        spec = job.get("spec") if isinstance(job, YMap) else None
        if not isinstance(spec, YMap):
            return None
    template = spec.get("template")
    pod = template.get("spec") if isinstance(template, YMap) else None
    return pod if isinstance(pod, YMap) else None


def containers(documents: list[Any], *, init: bool = False) -> Iterator[tuple[YMap, YMap]]:
    """(workload document, container) for each container of each workload; init containers too
    when ``init``."""
    for document in documents:
        pod = pod_spec(document)
        if pod is None:
            continue
        for key in ("containers", "initContainers") if init else ("containers",):
            items = pod.get(key)
            if isinstance(items, YList):
                for container in items:
                    if isinstance(container, YMap):
                        yield document, container


def is_patch(container: YMap) -> bool:
    """A container without `image` is a Kustomize or Helm patch fragment, not a container."""
    return "image" not in container


def name_of(document: YMap) -> str:
    metadata = document.get("metadata")
    return str(metadata.get("name", "?")) if isinstance(metadata, YMap) else "?"


def k8s_containers(model: Any) -> list[dict[str, Any]]:
    """Container facts of real workloads (not patch fragments), each with what patches of the
    same workload and container add (`patched`: the fields any patch sets to a true value)."""
    from prodready.engine.context import is_test_path

    records = model.facts.get("k8s_container", [])
    patches: dict[tuple[str, str], set[str]] = {}
    for record in records:
        if record.get("patch"):
            key = (str(record.get("workload")), str(record.get("name")))
            patches.setdefault(key, set()).update(
                field for field in ("memory_limit", "requests", "livenessProbe", "readinessProbe", "non_root")
                if record.get(field)
            )
    found = []
    for record in records:
        if record.get("patch") or is_test_path(str(record.get("file", ""))):
            continue
        merged = dict(record)
        for field in patches.get((str(record.get("workload")), str(record.get("name"))), ()):
            merged[field] = True
        found.append(merged)
    return found


def kustomize_literals(ctx: YamlContext, document: YMap, section: str) -> Iterator[tuple[str, str, str, int]]:
    """(generator name, key, value, line) of each `literals: [KEY=value]` entry of a kustomization's
    secretGenerator / configMapGenerator."""
    if document.get("kind") not in (None, "Kustomization") or not ctx.path.rsplit("/", 1)[-1].lower().startswith("kustomization."):
        return
    generators = document.get(section)
    if not isinstance(generators, YList):
        return
    for generator in generators:
        if not isinstance(generator, YMap):
            continue
        literals = generator.get("literals")
        if not isinstance(literals, YList):
            continue
        for index, literal in enumerate(literals):
            if isinstance(literal, str) and "=" in literal:
                key, _, value = literal.partition("=")
                yield str(generator.get("name", "?")), key.strip(), value.strip(), literals.line_of(index)
