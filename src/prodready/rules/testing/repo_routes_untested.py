"""Most routes never called by any test

## What it does
Reads the project's test files and reports a web service whose tests mention the URL of fewer than
half of its routes (at least six routes): for each route, the last fixed segment of its path
(`/users/{id}/posts` → `posts`) must appear as a URL segment in some test, or its handler's name
in tests that build URLs with `url_for('articles.get_articles')` / `reverse(...)`. The finding lists the
routes no test calls and points at the test file that has most of the tests.

## Why it matters in production
A suite that covers sign-up and one CRUD resource says nothing about the login, ownership checks,
uploads and admin routes where production incidents come from. The routes nobody tests are the
ones whose authentication, validation and error handling regress unnoticed.

## Example
```
routes: POST /login, POST /users, GET /users, PATCH /users/{id}, DELETE /posts/{id}, POST /tasks …
tests:  tests/test_user.py → client.post("/api/v1/user", ...)
```

## Use instead
Add API tests (test client, supertest, httptest) for every route that authenticates, changes data
or accepts uploads: at least the happy path and the refusal (401/403/404/422).

## Known limitations
A test that builds its URLs from constants defined elsewhere, or exercises routes through a
generated client, is not recognised. Only the route paths are compared, not the methods.

## References
- https://martinfowler.com/articles/practical-test-pyramid.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prodready.engine.context import ProjectContext
from prodready.facts.manifests import MAX_TEST_BYTES, test_summary
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TS-304",
    name="routes-untested",
    category=Category.TESTING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO}),
    fix="Add API tests for the routes listed, starting with those that authenticate, change data or take uploads.",
    references=("https://martinfowler.com/articles/practical-test-pyramid.html",),
)

MIN_ROUTES = 6
PUBLIC = lazy_compile(r"(?i)^(health\w*|healthz|livez|readyz|ready|ping|metrics|docs|openapi\w*|redoc|favicon\w*|robots\w*|static|assets|version)$")


def _segment(path: str) -> str | None:
    """The last fixed segment of a route path: `/users/{id}/posts` -> `posts`."""
    parts = [p for p in re.split(r"/", path) if p and not re.match(r"^[:{<*]|^\(", p)]
    return parts[-1].lower() if parts else None


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    tests = set(model.test_files)
    routes = [r for r in model.http_routes() if r.file not in tests and not r.configured_path and (seg := _segment(r.path)) and not PUBLIC.match(seg)]
    if len(routes) < MIN_ROUTES or not model.test_files or not model.facts.get("http_test"):
        return  # no tests at all, or none through HTTP, are other rules' findings
    # One test file in memory at a time: a large suite is tens of megabytes of text.
    segments = [_segment(r.path) or "" for r in routes]
    handlers = [r.handler.rsplit(".", 1)[-1].lower() if r.handler and len(r.handler) > 3 else "" for r in routes]
    wanted_segments = {s for s in segments if s}
    wanted_handlers = {h for h in handlers if h}
    seen_segments: set[str] = set()
    seen_handlers: set[str] = set()
    busiest, most_tests = "", -1
    root = Path(model.root)
    # Each test file is reduced to the sets of URL segments and names it mentions (simple scans,
    # no per-route search and no alternation of hundreds of names): by the worker that read the
    # file (the test facts' "reading"), or here when it could not (template, BOM, older cache).
    readings: dict[str, dict[str, Any]] = {}
    for record in model.facts.get("test", []):
        if isinstance(record.get("reading"), dict):
            readings.setdefault(str(record["file"]), record["reading"])
    for path in model.test_files:
        reading = readings.get(path)
        if reading is None:
            try:
                text = (root / path).read_bytes()[:MAX_TEST_BYTES].decode("utf-8", "replace").lower()
            except OSError:
                continue
            reading = test_summary(text)
        if wanted_segments - seen_segments:
            seen_segments |= wanted_segments.intersection(reading["url_parts"])
        if wanted_handlers - seen_handlers and reading["names"] is not None:
            seen_handlers |= wanted_handlers.intersection(reading["names"])
        count = reading["tests"]
        if count > most_tests:
            busiest, most_tests = path, count
    if not busiest:
        return
    ctx.examine(RULE)
    # A route counts as called when its URL segment or (for `url_for('bp.view')`-style tests) its
    # handler's name appears in a test.
    untested = [
        route for route, segment, handler in zip(routes, segments, handlers, strict=True)
        if segment not in seen_segments and not (handler and handler in seen_handlers)
    ]
    if len(untested) * 2 <= len(routes):
        return
    shown = ", ".join(f"{r.method} {r.path}" for r in untested[:6]) + (" …" if len(untested) > 6 else "")
    yield Hit(
        line=None,
        path=busiest,
        message=f"tests call {len(routes) - len(untested)} of {len(routes)} routes; never: {shown}",
    )
