"""Page size taken from the request with no upper bound (JS/TS)

## What it does
Flags query limits that come straight from the request: Prisma/Sequelize/TypeORM `take:` /
`limit:` / `first:` options and Mongoose/Knex `.limit(...)` whose value is read from `req.query`,
a `query.limit`-style parameter, or a local variable holding one, with no `Math.min(...)` or other
cap in the function.

## Why it matters in production
`?limit=1000000` makes one request load the whole table — with its relations — into memory and
serialize it: slow queries, memory spikes and an easy denial of service, and often a data-scraping
shortcut too.

## Example
```ts
const articles = await prisma.article.findMany({
  skip: Number(query.offset) || 0,
  take: Number(query.limit) || 10,
});
```

## Use instead
```ts
const take = Math.min(Number(query.limit) || 10, 100);
const articles = await prisma.article.findMany({ skip, take });
```

## Known limitations
A cap enforced by a validation schema in another module (Joi/zod `.max(100)`) is not seen, nor is
a limit passed in as a plain function parameter.

## References
- https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import descendants, field, text, walk
from prodready.lazyre import lazy_compile
from prodready.model import RELATED_NEAR, Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation._js_taint import tainted_names

RULE = RuleMeta(
    id="PR-IV-006",
    name="unbounded-request-number",
    aliases=("PR-IV-103", "js-unbounded-page-size"),
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Cap the page size (Math.min(requested, 100)) or validate it with a maximum before it reaches the query.",
    references=("https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",),
)

KEYS = {"take", "limit", "first"}
FROM_QUERY = lazy_compile(
    r"\b(req|request|ctx\.request|ctx)\.query\b|\bsearchParams\.get\(|\b(query|params|filters?|options|opts|pagination)\.(limit|take|size|per_?page|page_?size|count|first|top)\b",
    re.I,
)
CAPPED = lazy_compile(r"Math\.min\(|\bclamp\w*\(|\bmin\(|MAX_\w+|\bmax\w*(Limit|Size|PageSize|Take)\b|\.max\(\d", re.I)


def _request_derived(value: Any, func: Any) -> bool:
    value_text = text(value)
    if FROM_QUERY.search(value_text):
        return True
    if func is None:
        return False
    names = tainted_names(func)
    return any(re.search(rf"\b{re.escape(n)}\b", value_text) for n in names)


SCHEMA_NUMBER = lazy_compile(r"^(Joi|joi|z|yup|t)\.number\(\)")
PAGE_SIZE_PARAMETER = lazy_compile(r"^(limit|take|pageSize|page_size|perPage|per_page)$")


def _page_size_parameter(value: Any, func: Any) -> bool:
    """`take: limit || 10` where `limit` is the function's own parameter: the caller passes the query value."""
    if func is None:
        return False
    parameters = func.child_by_field_name("parameters") or func.child_by_field_name("parameter")
    names = {text(n) for n in walk(parameters, "identifier", "shorthand_property_identifier_pattern")} if parameters is not None else set()
    used = re.findall(r"\b\w+\b", text(value))
    return any(PAGE_SIZE_PARAMETER.match(n) and n in names for n in used)


RESPONSE_CALL = lazy_compile(r"(^|\.)(json|send|jsonp|render|end|write)$")
PARSED = lazy_compile(r"\.(safeParse|parse|validate|validateSync|parseAsync|safeParseAsync)\(")


def _in_response_body(pair: Any) -> bool:
    """`res.json({ items, limit: q.limit })`: the value is echoed to the client, not used to query."""
    obj = pair.parent
    arguments = obj.parent if obj is not None else None
    call = arguments.parent if arguments is not None and arguments.type == "arguments" else None
    return call is not None and call.type == "call_expression" and bool(RESPONSE_CALL.search(js.callee(call)))


def _schema_parsed(value: Any, func: Any) -> bool:
    """`limit: parsed.data.limit` after `Schema.safeParse(req.query)`: the schema decides the bounds."""
    return func is not None and ".data." in text(value) and bool(PARSED.search(text(func)))


def _capped(value: Any, func: Any) -> bool:
    return bool(CAPPED.search(text(value)) or func is not None and CAPPED.search(text(func)))


def _no_page_size_key(ctx: TreeContext) -> bool:
    """skip_file=: test code, or none of KEYS in the file (the key's text is a piece of it)."""
    return ctx.is_test_file or not any(key in ctx.text for key in KEYS)


@RULE.on_tree("pair", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_page_size_key)
def check_option(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    key = field(node, "key")
    value = field(node, "value")
    if key is None or value is None or text(key).strip("'\"") not in KEYS or ctx.is_test_file:
        return
    if value.type in {"number", "string"} or js.SCRIPT_PATH.search(ctx.path):
        return
    if SCHEMA_NUMBER.match(text(value)):
        # `limit: Joi.number().integer()` in a request schema: validated, but never bounded
        ctx.examine(RULE)
        if not re.search(r"\.(max|lte?|lessThan)\(", text(value)):
            yield RULE.hit(node, f"`{text(node)[:60]}` validates the page size without a maximum: ?{text(key)}=1000000 passes validation")
        return
    func = js.enclosing_function(node)
    if not _request_derived(value, func) and not _page_size_parameter(value, func):
        return
    if _in_response_body(node) or _schema_parsed(value, func):
        return
    ctx.examine(RULE)
    if not _capped(value, func):
        param = re.search(r"(?i)(limit|take|per_?page|page_?size|size|count|first|top)", text(value))
        message = f"`{text(node)[:60]}` takes the page size from the request with no upper bound: ?{param.group(1) if param else text(key)}=1000000 loads the whole table"
        yield _at_declaration(RULE.hit(node, message), _declared_at(value, func), node, close="use")


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda name: name.endswith(("limit", "range", "take")))
def check_limit_call(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    function = field(node, "function")
    method = text(field(function, "property")) if function is not None and function.type == "member_expression" else ""
    arguments = js.args(node)
    # .limit(n) (Mongoose, Knex, Supabase), TypeORM's query builder .take(n), or Supabase/PostgREST
    # .range(from, to): the last row asked for
    if (method, len(arguments)) not in {("limit", 1), ("take", 1), ("range", 2)}:
        return
    size = arguments[-1]
    if size.type in {"number", "string"} or ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    func = js.enclosing_function(node)
    if not _request_derived(size, func):
        return
    ctx.examine(RULE)
    if not _capped(size, func):
        where = (field(function, "property") if function is not None else None) or node
        message = f".{method}({text(size)[:40]}) takes the page size from the request with no upper bound"
        yield _at_declaration(RULE.hit(where, message), _declared_at(size, func), where, close="declaration")


def _at_declaration(hit: Hit, declaration: Any, use: Any, *, close: str) -> Hit:
    """Where the unbounded number is read is the line a reviewer points at; the query that uses it
    is listed beside it."""
    if declaration is None:
        return hit
    line = declaration.start_point[0] + 1
    at_declaration = replace(hit, line=line, end_line=declaration.end_point[0] + 1)
    if abs((use.start_point[0] + 1) - line) <= RELATED_NEAR:
        # a few lines apart the two are one place to a reader (the related place would be folded away):
        # `take: limit` options keep their line, `.limit(n)` chains point at the read
        return hit if close == "use" else at_declaration
    return replace(at_declaration, related=((use.start_point[0] + 1, "the unbounded number is used here"),))


def _declared_at(size: Any, func: Any) -> Any:
    """`const limit = Number(url.searchParams.get("limit"))` in the same function: where the
    unbounded number is read, the line a reviewer points at."""
    if func is None:
        return None
    used = set(re.findall(r"\b[A-Za-z_]\w*\b", text(size)))
    for declarator in descendants(func, "variable_declarator"):
        name = field(declarator, "name")
        value = field(declarator, "value")
        if name is not None and value is not None and text(name) in used and FROM_QUERY.search(text(value)):
            return declarator
    return None


PAGE_NAME = lazy_compile(r"(?i)^(limit|take|page_?size|per_?page|max_?results|count)$")
QUERY_PAGE_READ = lazy_compile(
    r"\b(req|request|ctx\.request|ctx)\.query(\.|\[['\"])(limit|take|size|per_?page|page_?size|pageSize|perPage|count|max_?results)\b"
    r"|\bsearchParams\.get\(\s*['\"](limit|take|size|per_?page|page_?size|pageSize|perPage|count)['\"]",
    re.I,
)


@RULE.on_tree("variable_declarator", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_page_size_key)
def check_declaration(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`const limit = Number(req.query.limit) || 1000` in a handler that never caps it, whatever it
    is handed to (a service, a cache key, a query built elsewhere)."""
    name, value = field(node, "name"), field(node, "value")
    if name is None or value is None or name.type != "identifier" or not PAGE_NAME.match(text(name)):
        return
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path) or not js.is_server_file(ctx):
        return
    if not QUERY_PAGE_READ.search(text(value)) or SCHEMA_NUMBER.match(text(value)):
        return
    func = js.enclosing_function(node)
    if func is None:
        return
    ctx.examine(RULE)
    body = text(func)
    variable = re.escape(text(name))
    if _capped(value, func) or re.search(rf"\b{variable}\s*>=?\s*(?!0\b|1\b)[\w(]", body) or PARSED.search(body):
        return
    # used as an ORM option or .limit()/.take() here: those handlers report it at this line already
    if re.search(rf"\b(take|limit|first)\s*:\s*{variable}\b|\.(limit|take|range)\([^)]*\b{variable}\b", body):
        return
    yield RULE.hit(node, f"`{text(node)[:60]}` takes the page size from the request with no upper bound: ?{text(name)}=1000000 asks for everything")
