"""Production check that finds localhost in the CORS origins and only warns

## What it does
Flags start-up validation that detects `localhost` or `127.0.0.1` among the CORS origins of a
production configuration and answers with a warning (`warnings.append(...)`, `logger.warning`,
`console.warn`, `logger.Warn`) instead of an error that stops the start.

## Why it matters in production
The check exists because development origins in production are a known mistake, yet the service
starts anyway and the warning scrolls past in the deploy log. Any page served from `localhost` on a
visitor's machine (a dev server, a malicious local app) is then a trusted origin, with credentials
when the CORS policy allows them. A production misconfiguration the code already recognises should
fail the deploy.

## Example
```python
if settings.is_production and "localhost" in settings.CORS_ORIGINS:
    warnings.append("CORS_ORIGINS contains localhost in production")
```

## Use instead
```python
if settings.is_production and "localhost" in settings.CORS_ORIGINS:
    errors.append("CORS_ORIGINS contains localhost in production")   # refuse to start
```

## Known limitations
Read from the source text: the warning must follow the localhost test within a few lines, in a
file that mentions production.

## References
- https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS
- https://owasp.org/www-community/attacks/CORS_OriginHeaderScrutiny
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import FileContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CO-007",
    name="localhost-origin-only-warned",
    category=Category.CORS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Make localhost/127.0.0.1 in the production CORS origins a start-up error, not a warning.",
    references=("https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS",),
)

LOCAL = lazy_compile(r"localhost|127\.0\.0\.1")
# the line tests origins for localhost (not a default list that contains it)
TEST = lazy_compile(r"""(["'`]\s+in\b|\bin\s+\w|includes\(|Contains\(|startswith\(|HasPrefix\(|\.some\(|filter\(|\bany\(|\bif\b)""")
ORIGINS = lazy_compile(r"(?i)cors|origin")
WARN = lazy_compile(r"warnings?\.(append|push)\(|\.warn(ing)?\(|\bWarn[fw]?\(|console\.warn\(|\bwarn\(")
ERROR = lazy_compile(
    r"\braise\b|\bthrow\b|errors?\.(append|push)\(|errs\s*=\s*append|os\.Exit|\.Fatal|sys\.exit|process\.exit|"
    r"return\s+.*(err|Err|error|Error)|abort\(|panic\("
)
PRODUCTION = lazy_compile(r"(?i)production|is_?prod\b|isprod")
WINDOW = 4
COMMENT = lazy_compile(r"^\s*(#|//|/?\*)")


def _prose_lines(ctx: FileContext) -> set[int]:
    """Python docstrings and other multi-line strings: examples in prose, not code."""
    tree = getattr(ctx, "tree", None)
    if tree is None:
        return set()
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.end_lineno and node.end_lineno > node.lineno:
            lines.update(range(node.lineno, node.end_lineno + 1))
    return lines


def _candidate_file(ctx: FileContext) -> bool:
    text = ctx.text
    return not ctx.is_test_file and ("localhost" in text or "127.0.0.1" in text) and bool(PRODUCTION.search(text))


@RULE.on_file(Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO)
def check(ctx: FileContext) -> Iterator[Hit]:
    if not _candidate_file(ctx):
        return
    lines = ctx.lines
    prose = _prose_lines(ctx)
    for index, line in enumerate(lines):
        if not LOCAL.search(line) or not TEST.search(line) or index + 1 in prose or COMMENT.match(line):
            continue
        context = " ".join(lines[max(0, index - 3): index + 1])
        if not ORIGINS.search(context):
            continue
        ctx.examine(RULE)
        for offset in range(index, min(len(lines), index + WINDOW + 1)):
            candidate = lines[offset]
            if ERROR.search(candidate):
                break
            if WARN.search(candidate):
                yield Hit(
                    line=offset + 1,
                    message="localhost/127.0.0.1 among the production CORS origins only produces a warning: "
                    "the service starts with development origins trusted",
                )
                break
