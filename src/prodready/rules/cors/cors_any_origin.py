"""CORS allows any origin.

## What it does
Flags CORS set up to accept every origin: FastAPI/Starlette `CORSMiddleware(allow_origins=["*"])`
or a catch-all `allow_origin_regex`, flask-cors `CORS(app)` with no origins (its default is `*`) or
`origins="*"`, and `Access-Control-Allow-Origin: *` set by hand for every response (a response hook or
middleware; one view that opens its own endpoint, or its decorator, is left alone). When credentials are also allowed
the finding is PR-CO-002 instead.

## Why it matters in production
Any web page can call the API from a victim's browser and read the responses. For an API that
relies on network position, IP allow-lists or cookies this exposes user data to every site the
user visits; it also hides which front-ends really depend on the API.

## Example
```python
app.add_middleware(CORSMiddleware, allow_origins=["*"])
```

## Use instead
```python
app.add_middleware(CORSMiddleware, allow_origins=settings.ALLOWED_ORIGINS)  # explicit list per environment
```

## Known limitations
Origins read from settings are not resolved across files; a public API that is meant to be called
from any site can suppress this with a reason.

## References
- https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS
- https://fastapi.tiangolo.com/tutorial/cors/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import ProjectContext, PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta
from prodready.rules.cors._pycors import configs, note_setting_origins, wildcard_setting_defaults

RULE = RuleMeta(
    id="PR-CO-001",
    name="cors-any-origin",
    category=Category.CORS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="List the allowed origins explicitly per environment (e.g. from an ALLOWED_ORIGINS setting).",
    references=("https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS",),
)


@RULE.on_python(ast.Module, skip_file=in_test_file)
def check(tree: ast.Module, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    for config in configs(ctx):
        if not config.credentials:
            note_setting_origins(config, ctx)
        ctx.examine(RULE)
        if config.library == "header" and not _every_response(config.node):
            continue  # one view (a ping, a public API view, its decorator) opened on purpose
        if config.any_origin and not config.credentials:
            yield RULE.hit(config.node, f"{config.library} allows any origin (*)")


EVERY_RESPONSE_HOOKS = frozenset({"after_request", "after_app_request", "middleware", "process_response", "__call__", "dispatch"})


def _every_response(node: ast.AST) -> bool:
    """A header set by hand applies to every response only in a response hook or a middleware."""
    function = pyast.enclosing_function(node)
    while function is not None:
        decorators = {(pyast.dotted(d.func if isinstance(d, ast.Call) else d) or "").split(".")[-1] for d in function.decorator_list}
        if function.name in EVERY_RESPONSE_HOOKS or decorators & EVERY_RESPONSE_HOOKS:
            return True
        params = [a.arg for a in function.args.args if a.arg not in {"self", "cls"}]
        if params[:1] in (["response"], ["resp"]) and len(params) == 1:
            return True  # `def add_headers(response)`: a response hook registered with after_request(...)
        function = pyast.enclosing_function(function)
    return pyast.enclosing_function(node) is None


@RULE.on_project
def check_setting_default(ctx: ProjectContext) -> Iterator[Hit]:
    for hit in wildcard_setting_defaults(ctx.model, credentials=False):
        ctx.examine(RULE)
        yield hit
