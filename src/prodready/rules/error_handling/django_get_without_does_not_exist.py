"""Django `.objects.get()` of a request-chosen row with no DoesNotExist handling

## What it does
In a Django view (a function or view method that takes `request`), flags `Model.objects.get(...)`
and related-manager `.get(...)` (`project.check_set.get(code=code)`) whose lookup value comes from
the request — a URL parameter of the view, `self.kwargs`, `request.GET`/`request.POST`/`request.data` —
when no enclosing `try` catches `DoesNotExist`, `ObjectDoesNotExist` or a broader exception.

## Why it matters in production
`.get()` raises `Model.DoesNotExist` when nothing matches: a stale link, a deleted row, a typo in an
id, or a client probing ids. Uncaught, that is a 500 with a traceback in the error tracker for what
is a 404, and monitoring that alerts on 5xx pages someone for every bad link.

## Example
```python
def timer_restart(request, pk):
    timer = Timer.objects.get(id=pk)
    timer.restart()
```

## Use instead
```python
from django.shortcuts import get_object_or_404

def timer_restart(request, pk):
    timer = get_object_or_404(Timer, id=pk)
    timer.restart()
```

## Known limitations
Only the view itself is read: a middleware or exception handler that turns DoesNotExist into a 404
for the whole site is not seen (suppress with where it is). Lookups with values that are not from
the request (`request.user`) are not flagged.

## References
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#get
- https://docs.djangoproject.com/en/stable/topics/http/shortcuts/#get-object-or-404
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-007",
    name="django-get-without-does-not-exist",
    category=Category.ERROR_HANDLING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Use get_object_or_404(Model, ...) (or catch Model.DoesNotExist and answer 404/400).",
    references=("https://docs.djangoproject.com/en/stable/topics/http/shortcuts/#get-object-or-404",),
)

REQUEST_DATA = lazy_compile(r"\b(request\.(GET|POST|data|query_params)\b|self\.kwargs\b|kwargs\[|kwargs\.get\(|cleaned_data\b)")
CATCHES = frozenset({"DoesNotExist", "ObjectDoesNotExist", "Exception", "BaseException"})
NOT_FROM_REQUEST = frozenset({"self", "request", "args", "kwargs", "format"})


def _view_parameters(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str] | None:
    """The URL parameters of a Django view (the arguments after `request`); None when not a view."""
    names = [a.arg for a in func.args.args + func.args.kwonlyargs]
    if "request" not in names:
        return None
    return {n for n in names[names.index("request") + 1 :] if n not in NOT_FROM_REQUEST}


def _request_names(func: ast.FunctionDef | ast.AsyncFunctionDef, params: set[str]) -> set[str]:
    names = set(params)
    for node in ast.walk(func):  # `child_id = request.POST.get("child")`: read straight from the request
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if REQUEST_DATA.search(ast.unparse(node.value)):
                names.add(node.targets[0].id)
    return names


def _from_request(value: ast.expr, names: set[str]) -> bool:
    """The lookup value is the request's own (`pk`, `child_id`, `kwargs["pk"]`), not a field of a
    row already fetched (`obj.id`) or of the signed-in user."""
    if isinstance(value, ast.Name):
        return value.id in names
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in {"int", "str", "UUID"} and value.args:
        return _from_request(value.args[0], names)
    return bool(REQUEST_DATA.search(ast.unparse(value)))


def _caught(node: ast.AST) -> bool:
    """Inside a `try` body whose handlers catch DoesNotExist (or anything broader)."""
    child, parent = node, pyast.parent(node)
    while parent is not None and not isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef):
        if isinstance(parent, ast.Try) and child in parent.body:
            for handler in parent.handlers:
                if handler.type is None:
                    return True
                types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
                if any((pyast.dotted(t) or "").rsplit(".", 1)[-1] in CATCHES for t in types):
                    return True
        child, parent = parent, pyast.parent(parent)
    return False


def _is_get(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr != "get" or call.args and not call.keywords:
        return False  # dict.get(key) / request.GET.get("x"): positional-only gets are not ORM lookups
    owner = pyast.dotted(func.value) or ""
    return owner.endswith(".objects") or owner.endswith("_set") or owner.endswith(".objects.all()")


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef,
                skip_file=lambda ctx: in_test_file(ctx) or ".get(" not in ctx.text or not ctx.imports_module("django"))
def check(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if in_test_file(ctx) or not ctx.imports_module("django"):
        return
    params = _view_parameters(func)
    if params is None:
        return
    names = _request_names(func, params)
    for node in ast.walk(func):
        if not isinstance(node, ast.Call) or not _is_get(node):
            continue
        values = [k.value for k in node.keywords if k.arg is not None]
        if not any(_from_request(v, names) for v in values):
            continue
        ctx.examine(RULE)
        if _caught(node):
            continue
        target = ast.unparse(node.func)[:-4]
        yield RULE.hit(node, f"{target}.get() looks up a row the request names and nothing catches DoesNotExist: an "
                             "unknown or deleted id answers 500 instead of 404")
