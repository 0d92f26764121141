"""Health probe that only fetches the index page

## What it does
Flags container health checks and Kubernetes probes whose HTTP target is the site root (`/` or no
path at all) instead of a health endpoint:
- a Dockerfile `HEALTHCHECK` (final stage) or a compose `healthcheck.test` that runs
  `curl`/`wget`/`fetch` against `http://localhost:PORT` or `http://localhost:PORT/`;
- `livenessProbe` / `readinessProbe` / `startupProbe` with `httpGet.path: /`, in plain manifests and
  in Helm chart templates (read as text, since they are not YAML until rendered);
- a Node health-check script (`healthcheck.js`) whose `http.request`/`http.get` options name no
  `path`, or whose URL ends at the port.

All the probes of one file are one finding.

## Why it matters in production
The index page says nothing about the service's health: it is often static HTML, a redirect or a
login page served while the database, cache or worker is down, so the orchestrator keeps routing
traffic to a broken instance and never restarts it. When the page is rendered per request, every
probe also pays for a full render (sessions, DB queries, outbound update checks) every few seconds.

## Example
```dockerfile
HEALTHCHECK --interval=30s --timeout=5s CMD wget -q --spider http://localhost:3000 || exit 1
```

## Use instead
```dockerfile
HEALTHCHECK --interval=30s --timeout=5s CMD wget -q --spider http://localhost:3000/healthz || exit 1
```
with a `/healthz` (liveness) that answers without touching dependencies and a `/readyz` (readiness)
that checks the database and the other services requests need.

## Known limitations
URLs assembled from variables are not resolved; a service whose `/` route really is its health
check (an API that answers `ok` there) is still reported.

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
- https://docs.docker.com/reference/dockerfile/#healthcheck
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prodready.engine.context import DockerfileContext, ProjectContext, TreeContext, YamlContext
from prodready.engine.safeio import read_head
from prodready.lang import javascript as js
from prodready.lang.treesitter import descendants, text
from prodready.lang.yamldoc import YList, YMap
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._k8s import containers
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import dependencies_only, services

RULE = RuleMeta(
    id="PR-HC-005",
    name="probe-hits-index-page",
    category=Category.HEALTH_CHECKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.DOCKERFILE, Language.COMPOSE, Language.KUBERNETES, Language.JAVASCRIPT,
                         Language.TYPESCRIPT}),
    fix="Point the probe at a health endpoint (/healthz for liveness, /readyz checking the database for readiness).",
    references=(
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
        "https://docs.docker.com/reference/dockerfile/#healthcheck",
    ),
)

# A local URL as a probe writes it: optional scheme, a loopback host, an optional port, then the path.
LOCAL_URL = lazy_compile(
    r"(?<![\w/.-])(?:https?://)?(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(?:\d+|\$\{\w+\}|\$\w+))?"
    r"(?P<path>/[^\s\"'|;&)\]`$]*)?(?=$|[\s\"'|;&)\]`])"
)
PROBE_TOOL = lazy_compile(r"(?<![\w-])(curl|wget|fetch|http\.get|requests\.get|urlopen|httpx\.get)\b")
PROBE_KEYS = ("livenessProbe", "readinessProbe", "startupProbe")


def index_target(command: str) -> str | None:
    """The URL of an HTTP probe command when it targets the site root, else None. Only URLs after
    a fetching tool count (`echo 'probing localhost:7777'` is not a request)."""
    tool = PROBE_TOOL.search(command)
    if tool is None:
        return None
    urls = list(LOCAL_URL.finditer(command, tool.end()))
    if not urls:
        return None
    # every URL the command fetches must be the root: `curl localhost/ && curl localhost/health` checks health
    if any((url.group("path") or "/").split("?")[0] not in ("/", "") for url in urls):
        return None
    return urls[0].group(0)


MESSAGE = "{what} probes the index page `{url}`, not a health endpoint: it passes while the database or workers are down"


def _line_with(lines: list[str], first: int, last: int, needle: str) -> int:
    """The line of the instruction that fetches the URL (the tool and the URL on one line), else the
    first line naming the URL."""
    candidates = [n for n in range(first, min(last, len(lines)) + 1) if needle in lines[n - 1]]
    fetching = [n for n in candidates if PROBE_TOOL.search(lines[n - 1])]
    if fetching:
        return fetching[-1]  # an `echo 'curl localhost...'` before the real call names it too
    return candidates[0] if candidates else first


@RULE.on_file(Language.DOCKERFILE)
def check_dockerfile(ctx: DockerfileContext) -> Iterator[Hit]:
    for instruction in ctx.dockerfile.final_stage():
        if instruction.keyword != "HEALTHCHECK" or instruction.args_text.upper().startswith("NONE"):
            continue
        ctx.examine(RULE)
        url = index_target(instruction.value)
        if url:
            line = _line_with(ctx.text.splitlines(), instruction.line, instruction.end_line, url)
            yield Hit(line=line, message=MESSAGE.format(what="HEALTHCHECK", url=url))


def _compose_command(test: Any) -> str:
    if isinstance(test, YList):
        return " ".join(str(part) for part in test if str(part) not in ("CMD", "CMD-SHELL"))
    return str(test or "")


@RULE.on_file(Language.COMPOSE)
def check_compose(ctx: YamlContext) -> Iterator[Hit]:
    if dependencies_only(ctx):
        return
    for _block, name, service in services(ctx):
        check = service.get("healthcheck")
        if isinstance(check, YMap) and not check.get("disable"):
            ctx.examine(RULE)
            url = index_target(_compose_command(check.get("test")))
            if url:
                line = check.line_of("test") if "test" in check else service.line_of("healthcheck")
                yield Hit(line=line, message=MESSAGE.format(what=f"service `{name}` healthcheck", url=url))


@RULE.on_file(Language.KUBERNETES)
def check_kubernetes(ctx: YamlContext) -> Iterator[Hit]:
    places: list[tuple[int, str]] = []
    for _workload, container in containers(ctx.documents, init=False):
        for key in PROBE_KEYS:
            probe = container.get(key)
            get = probe.get("httpGet") if isinstance(probe, YMap) else None
            if not isinstance(get, YMap):
                continue
            ctx.examine(RULE)
            if str(get.get("path", "/")).strip() in ("/", ""):
                places.append((container.line_of(key), key))
    yield from _grouped(places)


def _grouped(places: list[tuple[int, str]]) -> Iterator[Hit]:
    if not places:
        return
    kinds = sorted({key for _line, key in places})
    yield Hit(
        line=places[0][0],
        message=MESSAGE.format(what=" and ".join(kinds), url="/")
        + ("" if len(kinds) == 1 else "; liveness and readiness cannot tell a stuck process from a missing dependency"),
        related=tuple((line, key) for line, key in places[1:]),
    )


HELM_TEMPLATE = lazy_compile(r"(^|/)templates/[^/]+\.ya?ml$")
PROBE_LINE = lazy_compile(r"^(?P<indent>\s*)(?P<key>livenessProbe|readinessProbe|startupProbe):\s*$")
PATH_LINE = lazy_compile(r"^\s*path:\s*[\"']?(?P<path>[^\s\"'#]*)[\"']?\s*(#.*)?$")


def helm_index_probes(lines: list[str]) -> list[tuple[int, str]]:
    """(line, probe key) of each probe in a chart template whose httpGet path is the root."""
    found = []
    for number, line in enumerate(lines, start=1):
        match = PROBE_LINE.match(line)
        if not match:
            continue
        indent = len(match.group("indent"))
        for offset, inner in enumerate(lines[number:number + 8]):
            if inner.strip() and not inner.lstrip().startswith(("{{", "#")) and len(inner) - len(inner.lstrip()) <= indent:
                break  # the probe's block has ended
            path = PATH_LINE.match(inner)
            if path and "httpGet" in "".join(lines[number:number + offset]):
                if path.group("path") in ("/", ""):
                    found.append((number, match.group("key")))
                break
    return found


@RULE.on_project
def check_helm(ctx: ProjectContext) -> Iterator[Hit]:
    """Chart templates are skipped as YAML (they only parse once rendered); their probes are read as text."""
    model = ctx.model
    for path in model.all_paths:
        if not HELM_TEMPLATE.search(path) or "test" in path.rsplit("/", 1)[-1].lower():
            continue
        raw = read_head(str(Path(model.root) / path), 400_000).decode("utf-8", "replace")
        if "{{" not in raw or "Probe" not in raw:
            continue  # plain manifests are read by check_kubernetes
        ctx.examine(RULE)
        for hit in _grouped(helm_index_probes(raw.splitlines())):
            yield Hit(line=hit.line, path=path, message=hit.message, related=hit.related)


def _declared_object(root: Any, name: str) -> Any:
    for declarator in descendants(root, "variable_declarator"):
        value = declarator.child_by_field_name("value")
        if text(declarator.child_by_field_name("name")) == name and value is not None and value.type == "object":
            return value
    return None


HEALTHCHECK_SCRIPT = lazy_compile(r"(?i)(^|/)health-?check\.(js|cjs|mjs|ts)$")
NODE_HTTP_GET = lazy_compile(r"^(https?\.)?(request|get)$")


@RULE.on_tree("program", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check_node_script(root: Any, ctx: TreeContext) -> Iterator[Hit]:
    """A Node health-check script run by HEALTHCHECK: `http.request({host, port})` fetches `/`."""
    if not HEALTHCHECK_SCRIPT.search(ctx.path):
        return
    for call in descendants(root, "call_expression"):
        name = js.callee(call)
        arguments = js.args(call)
        if not NODE_HTTP_GET.match(name) and name != "fetch" or not arguments:
            continue
        target = arguments[0]
        if target.type == "identifier":
            target = _declared_object(root, text(target)) or target
        if target.type == "object" and (js.object_has_key(target, "port") or js.object_has_key(target, "host")):
            ctx.examine(RULE)
            path_value = js.object_value(target, "path")
            path_text = text(path_value).strip("'\"`") if path_value is not None else "/"
            if path_text in ("/", ""):
                # at the options that leave out the path (`const options = {host, port}`), and the request
                line = target.start_point[0] + 1
                yield Hit(line=line, message=MESSAGE.format(what="the health-check script", url="/"),
                          related=((call.start_point[0] + 1, "the request"),))
                return
        elif target.type in ("string", "template_string"):
            ctx.examine(RULE)
            url = index_target(f"fetch {text(target).strip(chr(39) + chr(34) + '`')}")
            if url:
                yield RULE.hit(call, MESSAGE.format(what="the health-check script", url=url))
                return

