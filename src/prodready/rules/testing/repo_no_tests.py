"""No tests.

## What it does
Reports a repository with application code and no test that defines a test case (pytest/unittest
functions, `it()`/`test()` blocks, Go `TestXxx` functions). An empty `tests/` directory counts as
no tests.

## Why it matters in production
Every fix and dependency upgrade ships unverified; regressions are found by users. Production
readiness reviews (and the fixes they ask for) cannot be checked without tests.

## Example
```text
tests/__init__.py      # and nothing else
```

## Use instead
```python
def test_orders_require_auth(client):
    assert client.get("/orders").status_code == 401
```

## Known limitations
Tests kept in another repository are not seen.

## References
- https://docs.pytest.org/en/stable/getting-started.html
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._repo import testing_places
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TS-301",
    name="no-tests",
    category=Category.TESTING,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.REPO}),
    fix="Add a test suite that exercises the critical paths (start with the HTTP API: auth, validation, errors).",
    references=("https://docs.pytest.org/en/stable/getting-started.html",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    sources = [p for p in model.source_files if p.split("/")[0] not in {"scripts", "docs", "examples"}]
    if len(sources) < 2:
        return
    ctx.examine(RULE)
    if model.test_files:
        return
    empty_dirs = sorted(
        {p.split("/")[0] for p in model.all_paths if p.split("/")[0] in {"tests", "test", "__tests__"}}
    )
    detail = f"{empty_dirs[0]}/ exists but defines no tests" if empty_dirs else "no test files"
    yield Hit(line=None, path=None, message=f"{len(sources)} source files and {detail}", elsewhere=testing_places(model))
