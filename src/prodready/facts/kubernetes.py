"""Kubernetes containers with what they declare, for the project pass.

Kustomize splits a workload over files: the base Deployment has the image and the probes, an
overlay's patch adds `resources` for one environment. A patch's container has no `image`, so it
is recorded as a patch and the rules credit what it sets to the workload of the same name.
"""

from __future__ import annotations

from typing import Any

from prodready.engine.context import YamlContext
from prodready.lang.yamldoc import YList, YMap
from prodready.model import Language
from prodready.rules._k8s import is_patch, name_of, pod_spec
from prodready.rules.base import FactCollector

FACTS = FactCollector("kubernetes")


def _map(value: Any) -> YMap:
    return value if isinstance(value, YMap) else YMap()


def _non_root(security: YMap) -> bool | None:
    """True: runs as non-root (runAsNonRoot, or a non-zero runAsUser); False: root said explicitly."""
    user = security.get("runAsUser")
    if isinstance(user, int) and not isinstance(user, bool):
        return user != 0
    flag = security.get("runAsNonRoot")
    return flag if isinstance(flag, bool) else None


@FACTS.on_file(Language.KUBERNETES)
def kubernetes(ctx: YamlContext) -> None:
    templated = "{{" in ctx.text
    for document in ctx.documents:
        if not isinstance(document, YMap):
            continue
        kind = str(document.get("kind", ""))
        if kind == "LimitRange":
            limits = _map(document.get("spec")).get("limits")
            for item in limits if isinstance(limits, YList) else []:
                if isinstance(item, YMap) and "memory" in _map(item.get("default")):
                    ctx.emit("k8s_limitrange", line=document.line, default_memory=True)
        if kind == "Kustomization" or ctx.path.rsplit("/", 1)[-1].lower().startswith("kustomization."):
            images = document.get("images")
            for image in images if isinstance(images, YList) else []:
                if isinstance(image, YMap) and image.get("name"):
                    ctx.emit("kustomize_image", line=image.line, name=str(image.get("name")))
        pod = pod_spec(document)
        if pod is None:
            continue
        pod_security = _map(pod.get("securityContext"))
        for key in ("containers", "initContainers"):
            items = pod.get(key)
            if not isinstance(items, YList):
                continue
            for index, container in enumerate(items):
                if not isinstance(container, YMap):
                    continue
                resources = _map(container.get("resources"))
                security = _map(container.get("securityContext"))
                non_root = _non_root(security)
                if non_root is None:
                    non_root = _non_root(pod_security)
                image = container.get("image")
                ctx.emit(
                    "k8s_container",
                    line=items.line_of(index),
                    kind=kind,
                    workload=name_of(document),
                    name=str(container.get("name", "?")),
                    init=key == "initContainers",
                    patch=is_patch(container),
                    templated=templated,
                    image=str(image) if image is not None else None,
                    image_line=container.line_of("image") if image is not None else None,
                    memory_limit="memory" in _map(resources.get("limits")),
                    requests=bool(_map(resources.get("requests"))),
                    livenessProbe="livenessProbe" in container,
                    readinessProbe="readinessProbe" in container,
                    probe_line=next((container.line_of(k) for k in ("livenessProbe", "readinessProbe") if k in container), None),
                    non_root=non_root,
                    privileged=security.get("privileged") is True,
                    set_keys=sorted(str(k) for k in container),
                )
