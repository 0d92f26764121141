"""Shared questions for repo-wide (project) rules."""

from __future__ import annotations

import re
from typing import Any

from prodready.lazyre import lazy_compile

HEALTH_PATH = lazy_compile(
    r"(?i)(^|/)(health|healthz|healthcheck|health-check|health_check|livez|live|liveness|readyz|ready|readiness|ping|status|alive|_health|heartbeat)(/|$|\{)"
)
READY_PATH = lazy_compile(r"(?i)(ready|readiness|readyz)")

RATE_LIMIT_PACKAGES = (
    "slowapi",
    "flask-limiter",
    "fastapi-limiter",
    "django-ratelimit",
    "limits",
    "ratelimit",
    "aiolimiter",
    "starlette-ratelimit",
    "django-axes",
    "express-rate-limit",
    "rate-limiter-flexible",
    "@nestjs/throttler",
    "koa-ratelimit",
    "express-slow-down",
    "@fastify/rate-limit",
    # Go limiters are not listed: go.mod names indirect dependencies too (golang.org/x/time comes in
    # with half the ecosystem), and an import of one in the source is the "rate-limit" signal.
)
METRICS_PACKAGES = (
    "prometheus-client",
    "prometheus-fastapi-instrumentator",
    "starlette-exporter",
    "prometheus-flask-exporter",
    "django-prometheus",
    "aioprometheus",
    "statsd",
    "datadog",
    "prom-client",
    "express-prom-bundle",
    "github.com/prometheus/client_golang",
    "opentelemetry-sdk",
    "opentelemetry-api",
    "@opentelemetry/sdk-node",
    "@opentelemetry/api",
    "go.opentelemetry.io/otel",
    "go.opentelemetry.io/otel/sdk",
    "ddtrace",
    "dd-trace",
)
TRACING_PACKAGES = (
    "opentelemetry-sdk",
    "opentelemetry-api",
    "opentelemetry-instrumentation-fastapi",
    "ddtrace",
    "dd-trace",
    "@opentelemetry/sdk-node",
    "@opentelemetry/api",
    "go.opentelemetry.io/otel",
    "asgi-correlation-id",
    "elastic-apm",
    "newrelic",
    "jaeger-client",
)


def has_any_dependency(model: Any, names: tuple[str, ...]) -> bool:
    return model.has_dependency(*names)


def main_path(model: Any) -> str | None:
    path = model.main_app_file()
    return str(path) if path else None


def busiest_route_file(model: Any, besides: str | None) -> tuple[tuple[str, None, str], ...]:
    """The file that registers most of the service's HTTP routes, as a further place of a
    project-wide finding anchored elsewhere (where routes are is where a reviewer looks)."""
    tests = set(model.test_files)
    counts: dict[str, int] = {}
    for route in model.http_routes():
        path = str(route.file)
        if path not in tests and not NOT_SERVICE_CODE.search(path):
            counts[path] = counts.get(path, 0) + 1
    if not counts:
        return ()
    busiest = max(sorted(counts), key=lambda p: counts[p])
    if busiest == besides:
        return ()
    return ((busiest, None, f"{counts[busiest]} of the routes are registered here"),)


ENTRY_STEMS = frozenset({"app", "server", "main", "index", "application", "wsgi", "asgi", "api", "routes", "router"})


def service_places(model: Any, primary: str | None, limit: int = 3) -> tuple[tuple[str, None, str], ...]:
    """Further places of a project-wide finding (no metrics, no rate limiting, no health route):
    the files a reviewer opens to add the missing piece. The service's app objects (where it is
    created and where it listens), the file that mounts the router's middleware, and the file that
    registers most routes, in that order, without the primary place and files outside the service."""
    from prodready.project import NOT_MAIN, SIDE_APP

    found: list[tuple[str, None, str]] = []
    seen = {primary}

    def add(path: str | None, why: str) -> None:
        if path and path not in seen and not NOT_MAIN.search(path) and not NOT_SERVICE_CODE.search(path):
            seen.add(path)
            found.append((path, None, why))

    def rank(app: dict[str, Any]) -> tuple[bool, bool, int, str]:
        path = str(app.get("file") or "")
        stem = path.rsplit("/", 1)[-1].split(".", 1)[0].lower()
        # where it listens (the entry) before sub-apps; app/server/main/index modules before others
        return (not str(app.get("name") or "").endswith(".listen"), stem not in ENTRY_STEMS, path.count("/"), path)

    for app in sorted(model.facts.get("app", []), key=rank):
        path = str(app.get("file") or "")
        if not SIDE_APP.search(path):
            add(path, f"the service's app ({app.get('name') or app.get('framework')}) is set up here")
    add(model.router_setup_file(), "the router's middleware is mounted here")
    for path, _, why in busiest_route_file(model, None):
        add(path, why)
    return tuple(found[:limit])


# The project's own logging module: where a reviewer writes up how the service logs
# (server/Logger.js, pkg/logging/log.go).
LOGGER_MODULE = lazy_compile(r"(?i)(^|/)(log|logs|logger|logging)(\.(py|js|mjs|cjs|ts|go)$|/[^/]+\.(py|js|mjs|cjs|ts|go)$)")
NOT_SERVICE_CODE = lazy_compile(r"(?i)(^|/)(tests?|examples?|_examples?|demos?|docs?|scripts|vendor|node_modules|client|frontend|web/src|public|static)/")


def own_module(model: Any, pattern: Any) -> str | None:
    """The service's own module for a concern (its logger, its metrics), when it has one: the file
    nearest the root, a file named after the concern before a file in a directory named so."""
    tests = set(model.test_files)
    found = [p for p in model.source_files if pattern.search(p) and p not in tests and not NOT_SERVICE_CODE.search(p)]
    if not found:
        return None
    return min(found, key=lambda p: (p.count("/"), len(p), p))


# A route that load balancers and orchestrators probe (not `/items/:id/status` or a health badge).
PROBE_PATH = lazy_compile(
    r"(?i)^/?(api/)?(v\d+/)?(_|__)?(health|healthz|healthcheck|health-check|status|ping|ready|readyz|readiness|live|livez|liveness|heartbeat|lbheartbeat)(__)?(/[\w-]*)?/?$"
)


CI_FILE = lazy_compile(r"^(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.yml|\.circleci/config\.yml|\.travis\.yml|azure-pipelines\.yml|Jenkinsfile)$")
CI_TEST_NAME = lazy_compile(r"(?i)test|ci|check|build|lint")


def ci_file(model: Any) -> str | None:
    """The CI configuration where tests would run: a workflow named for tests or CI first."""
    found = sorted(p for p in model.all_paths if CI_FILE.match(p))
    if not found:
        return None
    return min(found, key=lambda p: (not CI_TEST_NAME.search(p.rsplit("/", 1)[-1]), p))


def test_script_place(model: Any) -> tuple[str, int | None] | None:
    """The root package.json and the line of its `"test"` script, for a JavaScript service."""
    if "package.json" not in model.all_paths:
        return None
    from pathlib import Path

    from prodready.engine.safeio import read_head

    text = read_head(str(Path(model.root) / "package.json"), 200_000).decode("utf-8", "replace")
    line = next((n for n, row in enumerate(text.splitlines(), start=1) if re.match(r'^\s*"test"\s*:', row)), None)
    return "package.json", line


def testing_places(model: Any) -> tuple[tuple[str, int | None, str], ...]:
    """The places a project-wide testing finding names: the test script of a JavaScript service,
    and the CI configuration that would run the tests."""
    script = test_script_place(model)
    ci = ci_file(model)
    places: list[tuple[str, int | None, str]] = []
    if script is not None:
        places.append((script[0], script[1], "the test script"))
    if ci is not None:
        places.append((ci, None, "the CI configuration, where tests would run"))
    return tuple(places)
