"""Tests never exercise the HTTP layer.

## What it does
Reports a web service whose tests exist but none of them call the API through a test client
(`TestClient`, `httpx.AsyncClient`, Flask `test_client()`, `supertest`, `httptest`).

## Why it matters in production
Routing, authentication dependencies, validation, serialisation and error handlers are where
production requests fail — and unit tests of inner functions never run them.

## Example
```python
def test_price_calculation(): ...   # the only kind of test
```

## Use instead
```python
def test_create_order_requires_auth(client):
    assert client.post("/orders", json={}).status_code == 401
```

## Known limitations
End-to-end suites in another repository are not seen.

## References
- https://fastapi.tiangolo.com/tutorial/testing/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._repo import ci_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TS-302",
    name="no-http-tests",
    category=Category.TESTING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO}),
    fix="Add API tests through the framework's test client for the main routes.",
    references=("https://fastapi.tiangolo.com/tutorial/testing/",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    if not model.test_files or not model.http_routes():
        return
    ctx.examine(RULE)
    if model.facts.get("http_test"):
        return
    # the tests themselves when there are only a few, else the CI configuration that runs them
    tests = sorted(model.test_files)
    ci = ci_file(model)
    elsewhere: tuple[tuple[str, int | None, str], ...] = (
        tuple((t, None, "this test file calls no route") for t in tests) if len(tests) <= 3
        else ((ci, None, "the CI configuration that runs the tests"),) if ci else ()
    )
    yield Hit(line=None, path=None, message=f"{len(model.test_files)} test files, none calls the HTTP API", elsewhere=elsewhere)
