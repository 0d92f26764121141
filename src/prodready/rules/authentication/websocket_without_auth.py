"""WebSocket accepted without authentication.

## What it does
Flags WebSocket handlers that accept the connection before any authentication: a FastAPI/Starlette
`@app.websocket(...)` handler that calls `websocket.accept()` without an auth dependency and without
first reading a token (query, header, cookie) or calling an auth function; and `websockets.serve`
handlers that never look at a token or header at all.

## Why it matters in production
WebSockets are not covered by the HTTP auth of the rest of the API, and browsers send them from any
origin with the user's cookies. An unauthenticated socket lets anyone read other users' streams or
drive expensive work (LLM calls) for free.

## Example
```python
@router.websocket("/ws/chat")
async def chat(websocket: WebSocket):
    await websocket.accept()
```

## Use instead
```python
@router.websocket("/ws/chat")
async def chat(websocket: WebSocket, token: str = Query(...)):
    if not verify_token(token):
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.accept()
```

## Known limitations
Authentication done by middleware on the ASGI scope is recognised only when the router or app has
an auth dependency.

## References
- https://fastapi.tiangolo.com/advanced/websockets/#using-depends-and-others
- https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/11-Client-side_Testing/10-Testing_WebSockets
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
    id="PR-AU-002",
    name="websocket-without-auth",
    category=Category.AUTHENTICATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Verify a token (query/header/cookie) or an auth dependency before accepting; close with 1008 otherwise.",
    references=("https://fastapi.tiangolo.com/advanced/websockets/#using-depends-and-others",),
)

AUTH_WORDS = lazy_compile(
    r"(?i)(token|auth|jwt|cookie|api_?key|credential|verify|current_user|login|origin|signature|password)"
)


HANDS_OVER = frozenset({"connect", "register", "add", "join", "subscribe", "attach"})


def _mentions_auth(nodes: list[ast.AST]) -> bool:
    for stmt in nodes:
        for sub in ast.walk(stmt):
            if isinstance(sub, ast.Name) and AUTH_WORDS.search(sub.id):
                return True
            if isinstance(sub, ast.Attribute) and (
                AUTH_WORDS.search(sub.attr)
                or sub.attr in {"headers", "query_params", "cookies", "request_headers"}
            ):
                return True
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and AUTH_WORDS.search(sub.value):
                return True
    return False


def _params_auth(func: ast.AST) -> bool:
    assert isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef)
    args = func.args.args + func.args.kwonlyargs
    defaults = func.args.defaults + [d for d in func.args.kw_defaults if d is not None]
    return any(AUTH_WORDS.search(a.arg) for a in args) or any(
        isinstance(d, ast.Call) and (pyast.dotted(d.func) or "").split(".")[-1] in {"Depends", "Security"}
        for d in defaults
    )


@RULE.on_python(ast.AsyncFunctionDef, skip_file=in_test_file)
def check_route(func: ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    decorators = [
        d
        for d in func.decorator_list
        if isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and d.func.attr in {"websocket", "websocket_route"}
    ]
    if not decorators or ctx.is_test_file:
        return
    ctx.examine(RULE)
    if _params_auth(func) or any(pyast.keyword(d, "dependencies") for d in decorators):
        return
    socket = next((a.arg for a in func.args.args if a.arg in {"websocket", "ws", "socket"}
                   or a.annotation is not None and "WebSocket" in ast.unparse(a.annotation)), "websocket")
    before: list[ast.AST] = []
    for stmt in func.body:
        accepts = [
            s
            for s in ast.walk(stmt)
            if isinstance(s, ast.Call) and isinstance(s.func, ast.Attribute) and (
                s.func.attr == "accept"
                # `await manager.connect(job_id, websocket)`: a connection manager that accepts for it
                or s.func.attr in HANDS_OVER and any(isinstance(a, ast.Name) and a.id == socket for a in s.args)
            )
        ]
        if accepts:
            if not _mentions_auth(before):
                yield RULE.hit(
                    accepts[0],
                    f"WebSocket {func.name}() accepts the connection before any authentication",
                    anchor=func.name,
                )
            return
        before.append(stmt)


@RULE.on_python(ast.Call, calls=["serve"])
def check_serve(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node) or ""
    if (
        name not in {"websockets.serve", "websockets.server.serve", "websockets.asyncio.server.serve"}
        or not node.args
    ):
        return
    handler = pyast.dotted(node.args[0])
    ctx.examine(RULE)
    for func in ctx.nodes_of(ast.AsyncFunctionDef, ast.FunctionDef):
        if func.name == handler:
            if not _mentions_auth(list(func.body)) and not any(
                k.arg in {"process_request", "create_protocol"} for k in node.keywords
            ):
                yield RULE.hit(
                    node,
                    f"websockets.serve({handler}) never checks a token or header before handling messages",
                )
            return
