"""Internal error message sent to the client

## What it does
Flags Express error middleware (`(err, req, res, next) => ...`) and `catch (err)` blocks in request
handlers that answer a 500 — `res.status(500)` or a response with no status — with `err.message`
(or the whole error object). Responses whose status comes from the error itself
(`res.status(err.status)`, an application `HttpError`) and development-only branches are skipped.
In Python, an `except ... as e:` block of a route or view that returns `str(e)` (or the
traceback) in its response or in an `HTTPException` detail / `abort()` description, or hands the
exception to a template (`render_template("login.html", error=e)`) unless it is a validation error.
The finding points at the `err.message` that leaks (in the response, or in the object the response
sends).

## Why it matters in production
Unexpected errors carry internals: ORM query fragments and constraint names, file paths,
upstream URLs, `TypeError: Cannot read properties of undefined` — a map of the implementation
for an attacker, and confusing noise for real users. The details belong in the server log.

## Example
```ts
app.use((err, req, res, next) => {
  res.status(500).json(err.message);
});
```

## Use instead
```ts
app.use((err, req, res, next) => {
  logger.error({ err, path: req.path }, "unhandled error");
  res.status(500).json({ message: "Internal server error" });
});
```

## Known limitations
Only messages sent in the same function are seen; an error serializer in another module is not
followed.

## References
- https://owasp.org/Top10/A05_2021-Security_Misconfiguration/
- https://expressjs.com/en/guide/error-handling.html
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import ancestors, descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta
from prodready.rules.error_handling._js_errors import param_names, production_error_middleware, response_calls

RULE = RuleMeta(
    id="PR-EH-103",
    name="error-detail-to-client",
    aliases=("js-error-message-to-client",),
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT, Language.PYTHON}),
    fix="Log the error server-side and answer 500s with a generic message (keep err.message for errors you raised on purpose).",
    references=("https://expressjs.com/en/guide/error-handling.html",),
)

DEV = lazy_compile(r"(?i)NODE_ENV|development|isDev|isProd|production|\bdebug\b")


def _leaks(call: Any, err: str, scope: Any) -> Any | None:
    """The node that carries `err.message` (or `err` itself) into the response: inside the call's
    arguments, or in the object a local variable sent whole was built from (`const resp = {message:
    err.message}; res.json(resp)`). Reviewers point at that line."""
    leak = re.compile(rf"(^|[^\w.]){re.escape(err)}(\??\.message\b|\s*$|\s*[,}}])")
    for arg in js.args(call):
        if not leak.search(text(arg)):
            if arg.type == "identifier":
                for declarator in descendants(scope, "variable_declarator"):
                    value = field(declarator, "value")
                    if text(field(declarator, "name")) == text(arg) and value is not None and leak.search(text(value)):
                        return _leak_node(value, err)
            continue
        return _leak_node(arg, err)
    return None


def _leak_node(expr: Any, err: str) -> Any:
    """The `err.message` member (or the pair holding it) inside `expr`, else `expr`."""
    for member in descendants(expr, "member_expression"):
        if text(member) in (f"{err}.message", f"{err}?.message"):
            return member
    return expr


def _status(call: Any) -> str:
    """The argument of res.status(...) in `res.status(X).json(...)`, '' when no status is set."""
    match = re.search(r"\.status\(([^)]*)\)", re.sub(r"\s+", "", text(field(call, "function"))))
    return match.group(1) if match else ""


def _falls_back_to_500(name: str, scope: Any) -> bool:
    """`const status = err.status && ... ? err.status : 500`, or `res.status(err.status || 500)`: 500
    for the unexpected errors (a driver's, a bug's), whose message is then sent too."""
    if re.search(r"(\|\||\?\?|:)500$", name):
        return True
    if not re.fullmatch(r"\w+", name):
        return False
    declared = re.search(rf"\b(?:const|let|var)\s+{re.escape(name)}\s*=\s*([^;\n]+)", text(scope))
    return bool(declared and re.search(r"(:|\|\||\?\?)\s*500\b", declared.group(1)))


def _judge(calls: list[Any], err: str, stop: Any) -> Iterator[Any]:
    for call in calls:
        status = _status(call)
        if status and not re.fullmatch(r"5\d\d|HttpStatus\.INTERNAL_SERVER_ERROR|StatusCodes\.INTERNAL_SERVER_ERROR", status) \
                and not _falls_back_to_500(status, stop):
            continue  # 4xx, or a status carried by the error (err.status, err.errorCode)
        leak = _leaks(call, err, stop)
        if leak is None:
            continue
        guarded = False
        child = call
        for anc in ancestors(call):
            if anc == stop:
                break
            in_branch = anc.type == "ternary_expression" or field(anc, "consequence") == child  # not the else part
            child = anc
            if not in_branch:
                continue
            if anc.type in {"if_statement", "ternary_expression"} and DEV.search(text(field(anc, "condition"))):
                guarded = True
            if anc.type == "if_statement" and re.search(rf"{re.escape(err)}\.(status|statusCode|code|errorCode|name|isOperational|expose)|instanceof", text(field(anc, "condition"))):
                guarded = True  # a branch for the application's own errors
        if not guarded:
            yield leak


# skip_file=: production_error_middleware answers '' in test code and scripts
@RULE.on_tree("arrow_function", "function_expression", "function_declaration", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=js.test_or_script)
def check_middleware(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    err = production_error_middleware(node, ctx)
    if not err:
        return
    ctx.examine(RULE)
    res = param_names(node)[2]
    for call in _judge(response_calls(node, res), err, node):
        yield RULE.hit(call, f"error handler sends {err}.message to the client on a 500: internal details (queries, paths, stack text) leak")


@RULE.on_tree("catch_clause", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check_catch(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path) or not js.is_server_file(ctx):
        return
    param = field(node, "parameter")
    err = text(param) if param is not None and param.type == "identifier" else ""
    func = js.enclosing_function(node)
    if not err or func is None:
        return
    names = param_names(func)
    if len(names) < 2 or not re.match(r"^(req|request)$", names[0]) or names[1] not in {"res", "response"}:
        return  # only request handlers answer the client
    ctx.examine(RULE)
    for call in _judge(response_calls(field(node, "body") or node, names[1]), err, node):
        yield RULE.hit(call, f"catch sends {err}.message to the client on a 500: internal details (queries, paths, stack text) leak")


PY_ERROR_TEXT = lazy_compile(r"\b(str|repr)\(\s*(?P<name>\w+)\s*\)|\{(?P<fname>\w+)(![rs])?\}|traceback\.format_exc\(\)|(?P<aname>\w+)\.args\b")
# The project's own error that the app turns into a response (`raise ApiError(str(e), 500)`).
API_ERROR = lazy_compile(r"(^|\.)(Api|API|Http|HTTP|Rest|REST|Web|Service|Request)\w*(Error|Exception)$")
PY_RESPONDERS = lazy_compile(
    r"(^|\.)(HTTPException|abort|jsonify|JSONResponse|Response|make_response|PlainTextResponse|HTMLResponse)$"
    r"|(^|\.)(websocket|ws|socket|sock|connection|conn)\.(send_json|send_text|send)$"  # a WebSocket reply is a response too
)


def _sends_to_socket(call: ast.Call) -> bool:
    """`await _send(ws, {...})`, `reply(websocket, ...)`: the project's own helper writing to a client socket."""
    name = (pyast.dotted(call.func) or "").rsplit(".", 1)[-1].lower()
    first = call.args[0] if call.args else None
    return (("send" in name or "reply" in name or "respond" in name) and isinstance(first, ast.Name)
            and first.id in {"ws", "websocket", "socket", "sock", "conn", "connection"})


PY_TEMPLATES = lazy_compile(r"(^|\.)(render_template|render_to_response|TemplateResponse)$|^render$")


def _renders_error(call: ast.Call, error: str) -> bool:
    """`render_template("login.html", error=e)`, `render(request, t, {"error": e})`: the exception object
    itself (or its text) handed to the template, which prints str(e)."""
    values: list[ast.AST] = [k.value for k in call.keywords]
    values += [v for arg in call.args if isinstance(arg, ast.Dict) for v in arg.values if v is not None]
    return any((isinstance(v, ast.Name) and v.id == error) or _py_leaks(v, error) for v in values)


def _py_leaks(expr: ast.AST, error: str) -> bool:
    source = ast.unparse(expr)
    for match in PY_ERROR_TEXT.finditer(source):
        name = match.group("name") or match.group("fname") or match.group("aname")
        if name == error or "traceback" in match.group(0):
            return True
    return False


# Errors whose text describes the server's internals (SQL, hosts, schema), whatever status they get.
INTERNAL_ERRORS = lazy_compile(
    r"SQLAlchemyError|DBAPIError|IntegrityError|OperationalError|ProgrammingError|DatabaseError|psycopg|asyncpg|"
    r"PyMongoError|RedisError|ConnectionError|^Exception$|^BaseException$"
)
# Exceptions raised to tell the caller what it did wrong: their text is meant for the client.
CLIENT_ERRORS = lazy_compile(
    r"(?i)^(\w+\.)*(ValidationError|ToolError|UserError|ClientError|BadRequest\w*|Invalid\w*|NotFound\w*|"
    r"PermissionDenied|Forbidden\w*|Unauthorized\w*|RequestValidationError)$"
)
ROUTE_DECORATOR = lazy_compile(r"\.(route|get|post|put|patch|delete|api_route|websocket)\(|api_view|view_config")


def _is_view(handler: ast.ExceptHandler) -> bool:
    """A return from a route/view function is the response; from a helper it is just a value."""
    function = pyast.enclosing_function(handler)
    if function is None:
        return False
    decorators = " ".join(ast.unparse(d) for d in function.decorator_list)
    names = [a.arg for a in function.args.args[:2]]
    # (a view function takes the request first; a class-based or DRF view method takes it after self)
    return bool(ROUTE_DECORATOR.search(decorators)) or "request" in names and names[0] in ("request", "self")


@RULE.on_python(ast.ExceptHandler, skip_file=is_script_like)
def check_python(node: ast.ExceptHandler, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not node.name or is_script_like(ctx):
        return
    error = node.name
    for child in ast.walk(ast.Module(body=node.body, type_ignores=[])):
        value: ast.AST | None = None
        if isinstance(child, ast.Return) and child.value is not None and _is_view(node):
            value = child.value
        elif isinstance(child, ast.Raise) and isinstance(child.exc, ast.Call) and (
            PY_RESPONDERS.search(ctx.call_name(child.exc) or "") or API_ERROR.search(pyast.dotted(child.exc.func) or "")
        ):
            value = child.exc
        elif isinstance(child, ast.Call) and (PY_RESPONDERS.search(ctx.call_name(child) or "") or _sends_to_socket(child)):
            value = child
        elif isinstance(child, ast.Call) and PY_TEMPLATES.search(ctx.call_name(child) or "") and _renders_error(child, error) \
                and not (node.type is not None and CLIENT_ERRORS.search(ast.unparse(node.type))):
            ctx.examine(RULE)
            yield RULE.hit(child, f"the exception `{error}` is rendered into the page: its text (queries, hosts, "
                                  "library internals) reaches the client")
            return
        if value is None or not (_py_leaks(value, error) or _leaks_through_local(value, node, error)):
            continue
        status = re.search(r"status_code\s*=\s*(\d{3})|\b(4\d\d)\b|abort\((\d{3})|HTTP_(\d{3})_", ast.unparse(value))
        code = next((g for g in status.groups() if g), "") if status else ""
        caught = ast.unparse(node.type) if node.type is not None else "BaseException"
        if code.startswith("4") and not INTERNAL_ERRORS.search(caught) or CLIENT_ERRORS.search(caught):
            continue  # a validation error the caller caused: telling them why is the point
        project_error = isinstance(child, ast.Raise) and isinstance(child.exc, ast.Call) \
            and API_ERROR.search(pyast.dotted(child.exc.func) or "") and not PY_RESPONDERS.search(ctx.call_name(child.exc) or "")
        if project_error and code.startswith("4"):
            continue  # `raise ApiError(str(e), 400)` around parsing the request: the caller's mistake, told back
        ctx.examine(RULE)
        yield RULE.hit(child, f"the exception text of `{error}` is sent to the client: internals (queries, paths, hosts) leak in error responses")
        return


def _leaks_through_local(value: ast.AST, handler: ast.ExceptHandler, error: str) -> bool:
    """`response = {"msg": str(err)}; return Response(response, status=500)`: a name the response uses,
    assigned in the same except block from the exception's text."""
    used = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
    for statement in ast.walk(ast.Module(body=handler.body, type_ignores=[])):
        if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id in used for t in statement.targets) \
                and _py_leaks(statement.value, error):
            return True
    return False


def _registered_handler_for(name: str, ctx: PyContext) -> str | None:
    """`app.register_error_handler(Exception, name)` / `app.add_exception_handler(Exception, name)` in
    this file: what the handler is registered for, else None."""
    if name not in ctx.text or "_handler(" not in ctx.text:
        return None
    match = re.search(rf"\.(?:register_error_handler|add_exception_handler)\(\s*([\w.]+)\s*,\s*{re.escape(name)}\s*\)", ctx.text)
    return match.group(1) if match else None


EXCEPTION_HANDLER = lazy_compile(r"(^|\.)(exception_handler|errorhandler|app_errorhandler|register_error_handler)$")


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=is_script_like)
def check_python_error_handler(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    """`@app.exception_handler(Exception)` / `@app.errorhandler(500)`: the app-wide answer to every
    unhandled error, so its body is what clients see for bugs and outages."""
    if ctx.is_test_file or is_script_like(ctx):
        return
    decorators = [d for d in node.decorator_list if isinstance(d, ast.Call) and EXCEPTION_HANDLER.search(pyast.dotted(d.func) or "")]
    registered = _registered_handler_for(node.name, ctx)
    if not decorators and registered is None:
        return
    caught = " ".join(ast.unparse(a) for d in decorators for a in d.args) or (registered or "")
    if caught and not re.search(r"\bException\b|\bBaseException\b|\b500\b|InternalServerError", caught):
        return  # a handler for one client error (RequestValidationError, 404): telling them why is the point
    params = [a.arg for a in node.args.args]
    error = params[-1] if params else ""
    if not error:
        return
    ctx.examine(RULE)
    for child in ast.walk(node):
        if isinstance(child, ast.Return) and child.value is not None and _py_leaks(child.value, error):
            yield RULE.hit(child, f"the app-wide error handler sends `{error}`'s text (or its traceback) to the client: internals leak on every unhandled error")
            return
