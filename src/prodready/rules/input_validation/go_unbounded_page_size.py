"""Go page size from the query string with no upper bound.

## What it does
Flags `strconv.Atoi` / `ParseInt` / `ParseUint` of a query parameter named like a page size (`limit`,
`size`, `page_size`, `per_page`, `num`, `count`, `take`) — read with `r.URL.Query().Get`,
`r.FormValue`, gin `c.Query`/`c.DefaultQuery`, echo `c.QueryParam`, fiber `c.Query`, or passed in as
a `string` parameter of that name (a model function called with the query value) — when the
handler never compares the number against a maximum (`if limit > 100`, `min(limit, max)`).

## Why it matters in production
`?limit=1000000` makes one request load a whole table into memory, hold a connection for seconds
and serialise megabytes of JSON. It is the cheapest denial of service there is, and scrapers find
it by accident.

## Example
```go
limit, err := strconv.Atoi(c.DefaultQuery("limit", "10"))
rows, err := repo.List(ctx, limit)
```

## Use instead
```go
limit, err := strconv.Atoi(c.DefaultQuery("limit", "10"))
if err != nil || limit < 1 || limit > 100 {
    limit = 20
}
```

## Known limitations
Bounds enforced later in a service or repository function are not followed; parameters bound into
structs (`ShouldBindQuery`) are judged only through their `binding:"max=..."` tags, which are not read.

## References
- https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-006",
    name="unbounded-request-number",
    aliases=("PR-IV-203", "go-unbounded-page-size"),
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Clamp the value: reject or cap anything above a maximum page size (and below 1).",
    references=("https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",),
)

PARSERS = {"strconv.Atoi", "strconv.ParseInt", "strconv.ParseUint"}
PAGE_KEY = lazy_compile(r"(?i)^(limit|size|page_?size|pagesize|per_?page|perpage|num|count|take|max_?results|rows)$")
QUERY_READ = lazy_compile(
    r"(Query\(\)\.Get|FormValue|PostFormValue|\.Query|DefaultQuery|QueryParam|GetQuery|Params|Param)\(\s*\"([^\"]+)\""
)


def _query_key(arg: Any, func_text: str) -> str | None:
    source = text(arg)
    if arg.type == "identifier" and PAGE_KEY.match(source):
        # A string parameter named like a page size (`FindManyArticle(tag, limit, offset string)`):
        # the handler passes the query value through unchanged.
        signature = func_text.split("{", 1)[0]
        if re.search(rf"\b{re.escape(source)}\b[\w\s,]*\bstring\b", signature):
            return source
    if arg.type == "identifier":
        assigned = re.search(rf"\b{re.escape(source)}\s*:?=\s*([^\n]+)", func_text)
        source = assigned.group(1) if assigned else ""
    match = QUERY_READ.search(source)
    return match.group(2) if match and PAGE_KEY.match(match.group(2)) else None


def _no_parser(ctx: TreeContext) -> bool:
    """skip_file=: test code (check returns there before it examines anything), or no PARSERS
    call in the file (the callee's text is a piece of it)."""
    return non_production(ctx.path, ctx.is_test_file) or not any(parser in ctx.text for parser in PARSERS)


@RULE.on_tree("short_var_declaration", "assignment_statement", languages=(Language.GO,), callee=PARSERS.__contains__,
              skip_file=_no_parser)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    yield from _judge(node, ctx, PARSERS.__contains__)


# The project's own integer helpers: `intParam(r.URL.Query().Get("limit"), 500)`, `QueryInt(c, "limit")`.
HELPER = lazy_compile(r"(?i)(int|atoi|parse|number|num)")


def _helper(callee: str) -> bool:
    name = callee.rsplit(".", 1)[-1]
    return callee not in PARSERS and not callee.startswith(("strconv.", "fmt.", "json.", "time.")) and bool(HELPER.search(name))


def _no_query(ctx: TreeContext) -> bool:
    return non_production(ctx.path, ctx.is_test_file) or not ("Query" in ctx.text or "FormValue" in ctx.text)


@RULE.on_tree("short_var_declaration", "assignment_statement", languages=(Language.GO,), callee=_helper, skip_file=_no_query)
def check_helper(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """A project helper handed the query value itself (its bound, if any, is not read: only a
    direct query read as the argument is judged)."""
    right = node.child_by_field_name("right")
    call = right.named_children[0] if right is not None and right.named_children else None
    if call is None or call.type != "call_expression" or not go.call_args(call):
        return
    if not QUERY_READ.search(text(go.call_args(call)[0])):
        return
    name = go.callee(call).rsplit(".", 1)[-1]
    declared = re.search(rf"\nfunc (\([^)]*\)\s*)?{re.escape(name)}\(.*?(?=\nfunc |\Z)", ctx.text, re.S)
    if declared and re.search(r"\b\w+\s*>=?\s*(?!0\b|1\b)[\w(]|\b(min|Min|clamp\w*|Clamp\w*)\(", declared.group(0)):
        return  # the helper of this file caps the value itself
    yield from _judge(node, ctx, _helper)


def _judge(node: Any, ctx: TreeContext, parser: Any) -> Iterator[Hit]:
    right, left = node.child_by_field_name("right"), node.child_by_field_name("left")
    if right is None or left is None or not right.named_children or not left.named_children:
        return
    call = right.named_children[0]
    if call.type != "call_expression" or not parser(go.callee(call)) or not go.call_args(call):
        return
    if non_production(ctx.path, ctx.is_test_file):
        return
    func = go.enclosing_function(node)
    func_text = text(func) if func is not None else ""
    key = _query_key(go.call_args(call)[0], func_text)
    if key is None:
        return
    variable = text(left.named_children[0])
    if variable == "_":
        return
    ctx.examine(RULE)
    name = re.escape(variable)
    upper = (
        rf"\b{name}\s*>=?\s*(?!0\b|1\b)[\w(]",  # if limit > 100 / limit > maxPage
        rf"\b(min|Min|clamp\w*|Clamp\w*)\([^)]*\b{name}\b",
        rf"\b{name}\s*=\s*(min|Min|max\w*|Max\w*|clamp\w*|Clamp\w*)",
    )
    if any(re.search(pattern, func_text) for pattern in upper):
        return
    yield RULE.hit(call, f"page size `{key}` from the query has no upper bound: ?{key}=1000000 loads everything")
