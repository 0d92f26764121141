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

A middleware scoped to some paths (`path_regex=`) and one whose `allow_headers` list the header
the API authenticates with (`Authorization`, `X-Api-Key`) are left alone: without credentials,
other sites can then only send requests that carry no user's token.

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
from prodready.rules.cors._headers import is_token_header
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
        if config.any_origin and not config.credentials and not _public_by_design(config.call):
            yield RULE.hit(config.node, f"{config.library} allows any origin (*)")


def _public_by_design(node: ast.Call | None) -> bool:
    """A CORS middleware scoped to some paths (`path_regex=`, `paths=`), or one for an API that
    authenticates with a header it lists in allow_headers: other sites can send only requests
    that carry no user's credentials."""
    if node is None:
        return False
    if any(k.arg in {"path_regex", "paths"} for k in node.keywords):
        return True
    headers = next((k.value for k in node.keywords if k.arg in {"allow_headers", "expose_headers"}), None)
    if isinstance(headers, ast.List | ast.Tuple):
        return any(is_token_header(pyast.const_str(e) or "") for e in headers.elts)
    return False


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
