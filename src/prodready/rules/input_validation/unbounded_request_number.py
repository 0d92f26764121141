"""Page size, count or duration from the request with no upper bound

## What it does
Flags request parameters that size or pace the work of a request and have no maximum:
- marshmallow/webargs `fields.Int()` for `limit`, `per_page`, `page_size`, `size`, `count`...
  without `validate=` (e.g. `validate.Range(max=100)`);
- FastAPI route parameters `limit: int = 100` / `Query(100)` without `le=`/`lt=`;
- fields of pydantic request models (`epochs: int = Field(3, ge=1)`, `batch_size: int = 8`) without
  `le=`/`lt=` and without a validator of their own (settings and response models are left alone);
- values read from `request.args`/`request.form`/`request.GET` into `limit`/`per_page`/`count` or
  `duration`/`delay`/`timeout`/`interval` and converted with `int()`/`float()`, when the function
  never clamps them (`min(...)`) or compares them against a maximum;
- Django REST framework pagination: `LimitOffsetPagination` as the default paginator (its
  `max_limit` is None), and paginator subclasses that let the client choose the page size with no
  `max_page_size`/`max_limit`.

## Why it matters in production
`?limit=1000000` makes one request load a whole table into memory and serialise it; `?delay=3600`
holds a worker (or a connection) for an hour. A handful of such requests exhausts the worker pool
or the memory of the process: a denial of service that needs no credentials and no volume.

## Example
```python
@use_kwargs({"limit": fields.Int(), "offset": fields.Int()})
def get_articles(limit=20, offset=0): ...

delay = float(request.args.get("delay", 0))
time.sleep(delay)
```

## Use instead
```python
@use_kwargs({"limit": fields.Int(validate=validate.Range(min=1, max=100)), "offset": fields.Int()})

delay = min(float(request.args.get("delay", 0)), 10)

def list_items(limit: int = Query(20, ge=1, le=100)): ...
```

## Known limitations
Bounds enforced elsewhere (a shared pagination helper, a custom validator type) are not followed.

## References
- https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/
- https://marshmallow.readthedocs.io/en/stable/marshmallow.validate.html#marshmallow.validate.Range
- https://fastapi.tiangolo.com/tutorial/query-params-str-validations/
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation._taint import is_route_handler

RULE = RuleMeta(
    id="PR-IV-006",
    name="unbounded-request-number",
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Give the parameter a maximum (validate.Range(max=...), Query(le=...), min(value, MAX)) and reject or clamp larger values.",
    references=("https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",),
)

SIZE_NAME = lazy_compile(
    r"(?i)^(limit|per_page|perpage|page_size|pagesize|items_per_page|itemsperpage|size|count|take|top|max_results|"
    r"num_results|max_items|num_items|batch_size|page_limit|max_\w+|tail|lines|top_k|n_results|epochs|num_epochs)$"
)
DURATION_NAME = lazy_compile(r"(?i)^(duration|delay|timeout|sleep|wait|wait_time|seconds|interval|pause|ttl)$")
REQUEST_SOURCE = lazy_compile(r"\brequest\.(args|form|values|GET|POST|query_params|params)\b")
MARSHMALLOW_NUMBERS = frozenset({"Int", "Integer", "Float", "Number", "Decimal"})


def _what(name: str) -> str | None:
    if SIZE_NAME.match(name):
        return "size"
    if DURATION_NAME.match(name):
        return "duration"
    return None


def _consequence(kind: str) -> str:
    if kind == "size":
        return "a client can ask for any number of rows or items in one request"
    return "a client can hold a worker or connection for as long as it likes"


@RULE.on_python(ast.Call, calls=sorted(MARSHMALLOW_NUMBERS))
def check_marshmallow(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node) or ""
    if not name.startswith(("marshmallow.fields.", "webargs.fields.", "marshmallow.", "webargs.")):
        return
    field = _field_name(node)
    kind = _what(field) if field else None
    if not field or not kind:
        return
    ctx.examine(RULE)
    if pyast.keyword(node, "validate") or pyast.keyword(node, "validator") or pyast.has_splat(node):
        return
    yield RULE.hit(
        node,
        f"request field `{field}` is {node.func.attr if isinstance(node.func, ast.Attribute) else name}() "
        f"with no validate=Range(max=...): {_consequence(kind)}",
        anchor=pyast.anchor_of(node),
    )


def _field_name(node: ast.Call) -> str | None:
    parent = pyast.parent(node)
    if isinstance(parent, ast.Dict):
        for key, value in zip(parent.keys, parent.values, strict=True):
            if value is node:
                return pyast.const_str(key)
    if isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name):
        return parent.targets[0].id
    if isinstance(parent, ast.AnnAssign) and isinstance(parent.target, ast.Name):
        return parent.target.id
    return None


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=in_test_file)
def check_route_params(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not is_route_handler(func) or not ctx.imports_module("fastapi"):
        return
    args = [*func.args.posonlyargs, *func.args.args]
    defaults: list[ast.expr | None] = [None] * (len(args) - len(func.args.defaults))
    defaults += list(func.args.defaults)
    pairs = list(zip(args, defaults, strict=True))
    pairs += list(zip(func.args.kwonlyargs, func.args.kw_defaults, strict=True))
    for arg, default in pairs:
        kind = _what(arg.arg)
        if kind is None or arg.annotation is None:
            continue
        annotation = ast.unparse(arg.annotation)
        if not re.search(r"\b(int|float)\b", annotation):
            continue
        ctx.examine(RULE)
        if re.search(r"\b(le|lt)\s*=|\bconint\b|\bconfloat\b|Literal", annotation):
            continue
        if isinstance(default, ast.Call) and (pyast.keyword(default, "le") or pyast.keyword(default, "lt")):
            continue
        if isinstance(default, ast.Call) and (pyast.dotted(default.func) or "").rsplit(".", 1)[-1] not in {
            "Query", "Form", "Body"
        }:
            continue  # Depends(...) and friends: not a bare number
        if _bounded_in(func, arg.arg, after=0):
            continue
        yield RULE.hit(
            arg,
            f"query parameter `{arg.arg}: {annotation}` of {func.name}() has no le= maximum: {_consequence(kind)}",
            anchor=func.name,
        )


# Models that describe what the service sends or reads from its own configuration, not client input.
NOT_REQUEST_MODEL = lazy_compile(r"(?i)(response|out|read|public|indb|db|row|record|settings|event|message|stats?|summary|result)s?$")
PYDANTIC_BASES = {"BaseModel", "pydantic.BaseModel"}
REQUEST_MODEL = lazy_compile(r"(Request|Create|Input|Params|Body|Payload|Query|Command|In)$")
CONSTRAINTS = {"ge", "gt", "le", "lt", "min_length", "max_length", "pattern", "regex"}


@RULE.on_python(ast.ClassDef, skip_file=in_test_file)
def check_pydantic_fields(node: ast.ClassDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not ctx.imports_module("pydantic") or not ctx.imports_module("fastapi", "flask", "pydantic"):
        return
    bases = {pyast.dotted(base) or "" for base in node.bases}
    if not bases & PYDANTIC_BASES or NOT_REQUEST_MODEL.search(node.name):
        return
    validated = {
        pyast.const_str(arg)
        for stmt in node.body
        if isinstance(stmt, ast.FunctionDef)
        for decorator in stmt.decorator_list
        if isinstance(decorator, ast.Call) and (pyast.dotted(decorator.func) or "").endswith(("validator", "field_validator"))
        for arg in decorator.args
    }
    # A model whose other fields carry constraints, or named like input, validates client data.
    validating = bool(REQUEST_MODEL.search(node.name)) or any(
        isinstance(stmt, ast.AnnAssign) and isinstance(stmt.value, ast.Call)
        and any(k.arg in CONSTRAINTS for k in stmt.value.keywords)
        for stmt in node.body
    )
    for stmt in node.body:
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        name = stmt.target.id
        kind = _what(name)
        annotation = ast.unparse(stmt.annotation)
        if kind is None or (stmt.value is None and not validating) or not re.fullmatch(r"(int|float)( \| None)?|Optional\[(int|float)\]", annotation):
            continue  # a field with no default is usually output (`count: int`), not a client's knob
        ctx.examine(RULE)
        if name in validated:
            continue
        if isinstance(stmt.value, ast.Call) and (pyast.keyword(stmt.value, "le") or pyast.keyword(stmt.value, "lt") or pyast.has_splat(stmt.value)):
            continue
        yield RULE.hit(
            stmt,
            f"request model field `{node.name}.{name}: {annotation}` has no le= maximum: {_consequence(kind)}",
            anchor=node.name,
        )


@RULE.on_python(ast.Assign, skip_file=in_test_file)
def check_request_value(node: ast.Assign, ctx: PyContext) -> Iterator[Hit]:
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
        return
    target = node.targets[0].id
    kind = _what(target)
    if kind is None or not _is_conversion(node.value):
        return
    func = pyast.enclosing_function(node)
    if func is None or ctx.is_test_file:
        return
    if not _from_request(node.value, func):
        return
    ctx.examine(RULE)
    if _bounded_in(func, target, after=node.lineno):
        return
    yield RULE.hit(
        node,
        f"`{target}` comes from the request with no upper bound: {_consequence(kind)}",
        anchor=pyast.anchor_of(node),
    )


def _is_conversion(value: ast.expr) -> bool:
    if isinstance(value, ast.Call):
        callee = pyast.dotted(value.func) or ""
        if callee in {"int", "float"}:
            return True
        if callee.endswith(".get") and any(
            k.arg == "type" and pyast.dotted(k.value) in {"int", "float"} for k in value.keywords
        ):
            return True
    return False


def _from_request(value: ast.expr, func: ast.AST) -> bool:
    text = ast.unparse(value)
    if REQUEST_SOURCE.search(text):
        return True
    derived = {
        t.id
        for n in pyast.walk_shallow(func)
        if isinstance(n, ast.Assign) and REQUEST_SOURCE.search(ast.unparse(n.value))
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    return any(isinstance(n, ast.Name) and n.id in derived for n in ast.walk(value))


def _bounded_in(func: ast.AST, name: str, after: int) -> bool:
    """`name` is clamped with min() or compared against something other than 0/1 in `func`."""
    for node in pyast.walk_shallow(func):
        if getattr(node, "lineno", 0) < after:
            continue
        if isinstance(node, ast.Call) and pyast.dotted(node.func) in {"min", "clamp", "max_value"}:
            if any(isinstance(n, ast.Name) and n.id == name for a in node.args for n in ast.walk(a)):
                return True
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if not any(isinstance(o, ast.Name) and o.id == name for o in operands):
                continue
            others = [o for o in operands if not (isinstance(o, ast.Name) and o.id == name)]
            for other in others:
                if isinstance(other, ast.Constant) and isinstance(other.value, int | float) and other.value <= 1:
                    continue
                if isinstance(other, ast.UnaryOp):
                    continue
                return True
    return False


# Django REST framework: LimitOffsetPagination's max_limit and PageNumberPagination's max_page_size
# default to None, so a client-chosen ?limit= / ?page_size= has no ceiling.
DRF_LIMIT_OFFSET = "rest_framework.pagination.LimitOffsetPagination"


def _no_drf(ctx: PyContext) -> bool:
    return in_test_file(ctx) or "Pagination" not in ctx.text


@RULE.on_python(ast.Dict, skip_file=_no_drf)
def check_drf_settings(node: ast.Dict, ctx: PyContext) -> Iterator[Hit]:
    """REST_FRAMEWORK = {"DEFAULT_PAGINATION_CLASS": "...LimitOffsetPagination"}: ?limit= has no maximum."""
    if _no_drf(ctx):
        return
    for key, value in zip(node.keys, node.values, strict=False):
        if isinstance(key, ast.Constant) and key.value == "DEFAULT_PAGINATION_CLASS":
            ctx.examine(RULE)
            if pyast.const_str(value) == DRF_LIMIT_OFFSET:
                yield RULE.hit(key, "DRF LimitOffsetPagination has max_limit=None: ?limit=1000000 returns the whole table in one "
                               "response (subclass it with a max_limit)")


@RULE.on_python(ast.ClassDef, skip_file=_no_drf)
def check_drf_pagination_class(node: ast.ClassDef, ctx: PyContext) -> Iterator[Hit]:
    """A DRF paginator subclass that lets the client pick the page size and sets no ceiling."""
    if _no_drf(ctx):
        return
    bases = {pyast.dotted(base) or "" for base in node.bases}
    names = {target.id for statement in node.body if isinstance(statement, ast.Assign)
             for target in statement.targets if isinstance(target, ast.Name)}
    if any(base.endswith("PageNumberPagination") for base in bases):
        ctx.examine(RULE)
        if "page_size_query_param" in names and "max_page_size" not in names:
            yield RULE.hit(node, f"{node.name} lets the client choose page_size_query_param with no max_page_size: one request "
                           "can ask for every row")
    elif any(base.endswith("LimitOffsetPagination") for base in bases):
        ctx.examine(RULE)
        if "max_limit" not in names:
            yield RULE.hit(node, f"{node.name} (LimitOffsetPagination) sets no max_limit: ?limit= has no ceiling")
