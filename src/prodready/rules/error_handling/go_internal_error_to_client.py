"""Go handler sends the raw error text in a 5xx response.

## What it does
Flags `http.Error(w, err.Error(), 500)`, `c.JSON(http.StatusInternalServerError, gin.H{"error":
err.Error()})`, `c.Status(500).JSON(...)` and responses whose status comes from the error itself
(`c.JSON(getStatusCode(err), ResponseError{Message: err.Error()})`) when the body carries
`err.Error()` or hands `err` to a helper that renders it (`errorResponse(err)`). Any status counts
when the error comes from the database in that function (`err := repo.Save(...)`): constraint
names and duplicate values are not a message for clients. gRPC: `status.Errorf(codes.Internal,
"...: %v", err)`, and other codes with a database error. Bodies written straight to the
`http.ResponseWriter` (`json.NewEncoder(w).Encode`, `io.WriteString(w, ...)`, `rest.RenderJSON(w,
...)`) count after a `w.WriteHeader` of a 5xx or of a status the caller passes in, and so does the
project's generic error responder (`responseError(w, err)`) whatever status it writes; a body builder
such as `errorResponse(err) gin.H` that returns `err.Error()` is flagged where it is defined.

## Why it matters in production
Internal errors carry driver messages, SQL fragments, table names, file paths and upstream hosts:
handing them to any client maps the system for an attacker, and clients start parsing messages
that change with every library upgrade.

## Example
```go
if err != nil {
    c.JSON(http.StatusInternalServerError, gin.H{"error": err.Error()})
    return
}
```

## Use instead
```go
if err != nil {
    log.Error("list articles", "err", err)
    c.JSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
    return
}
```

## Known limitations
4xx responses with validation messages are accepted; wrapping the error in a custom type is not
followed.

## References
- https://owasp.org/www-community/Improper_Error_Handling
- https://cwe.mitre.org/data/definitions/209.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import SERVER_ERROR_STATUS, in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-103",
    name="error-detail-to-client",
    aliases=("PR-EH-204", "go-internal-error-to-client"),
    category=Category.ERROR_HANDLING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Log the error server-side and answer 5xx with a generic message (and a request id).",
    references=("https://cwe.mitre.org/data/definitions/209.html",),
)

RESPONDERS = {"JSON", "String", "XML", "IndentedJSON", "JSONP", "AbortWithStatusJSON", "PureJSON", "SecureJSON", "YAML"}
ERR_TEXT = lazy_compile(r"\b(err|e|er|error)\w*\.Error\(\)")
STATUS_FROM_ERR = lazy_compile(r"^\w+(\.\w+)?\((err|e)\w*\)$")


ERR_NAME = lazy_compile(r"^(err|e|er)\w*$")
# `err := SaveOne(&m)` / `user, err := store.UpdateUser(ctx, arg)`: an error that comes from the database
DB_ERROR = lazy_compile(
    r"err\s*:?=\s*(?:[\w.]+\.)?(Save|Create|Update|Delete|Insert|Upsert|Exec|Query|QueryRow|First|Find|Take|"
    r"Scan|Get\w*By\w*|Transfer|\w+Tx)\w*\("
)
GRPC_INTERNAL = lazy_compile(r"^codes\.(Internal|Unknown|DataLoss)$")


def _maybe_response(callee: str) -> bool:
    """Implied by check's tests: http.Error, or a method (the callee's last name) that responds, or
    gRPC's status.Errorf/status.Error, or a project helper that writes an error response."""
    return callee == "http.Error" or callee.endswith(_RESPONSE_METHODS) or callee in GRPC_STATUS or bool(
        RESPONSE_HELPER.match(callee.rsplit(".", 1)[-1]))


# `writeError(w, http.StatusBadGateway, err.Error())`, `respondJSON(w, 500, ...)`: the project's own responder
RESPONSE_HELPER = lazy_compile(r"(?i)^(write|respond|render|send|reply)\w*(error|err|json|problem|response)$")
STATUS_ARG = lazy_compile(r"^(http\.Status\w+|[1-5]\d\d)$")


GRPC_STATUS = frozenset({"status.Errorf", "status.Error", "status.Newf", "status.New"})


def _carries_error(body: Any) -> bool:
    """`err.Error()` in the body, or the error handed to a helper that renders it
    (`errorResponse(err)`, `common.NewError("database", err)`)."""
    if ERR_TEXT.search(text(body)):
        return True
    if body.type == "call_expression":
        return any(a.type == "identifier" and ERR_NAME.match(text(a)) for a in go.call_args(body))
    return False


LAST_ERR = lazy_compile(r"\berr\s*:?=\s*[^\n]*")


def _database_error(node: Any, lines: list[str]) -> bool:
    """The last assignment to `err` before this call (in its function) is a database call's."""
    func = go.enclosing_function(node)
    if func is None:
        return False
    before = "\n".join(lines[func.start_point[0] : node.start_point[0]])
    assignments = LAST_ERR.findall(before)
    return bool(assignments) and bool(DB_ERROR.match(assignments[-1]))


def _grpc(node: Any, name: str, ctx: TreeContext) -> Iterator[Hit]:
    args = go.call_args(node)
    if len(args) < 2:
        return
    code = text(args[0])
    rest = args[1:]
    if not any(ERR_TEXT.search(text(a)) or (a.type == "identifier" and ERR_NAME.match(text(a))) for a in rest):
        return
    if GRPC_INTERNAL.match(code):
        yield RULE.hit(node, f"{name}({code}, ...) sends the error text to the client: internal details leak")
    elif _database_error(node, ctx.lines):
        yield RULE.hit(node, f"{name}({code}, ...) sends the database error text to the client "
                             "(constraint names, values, SQL details)")


_RESPONSE_METHODS = tuple(sorted(RESPONDERS | {"JSON", "SendString", "Send"}))


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=_maybe_response, skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file):
        return
    name = go.callee(node)
    if name in GRPC_STATUS:
        ctx.examine(RULE)
        yield from _grpc(node, name, ctx)
        return
    args = go.call_args(node)
    status: str | None = None
    body: list[Any] = []
    if name == "http.Error" and len(args) == 3:
        status, body = text(args[2]), [args[1]]
    else:
        parts = go.selector_parts(field(node, "function"))
        helper = RESPONSE_HELPER.match(name.rsplit(".", 1)[-1]) and (parts is None or parts[1] not in RESPONDERS)
        statuses = [i for i, a in enumerate(args) if STATUS_ARG.match(text(a))] if helper else []
        if helper and statuses:
            status, body = text(args[statuses[0]]), args[statuses[0] + 1:]
        elif parts is None or parts[1] not in RESPONDERS or not args:
            if parts is not None and parts[1] in {"JSON", "SendString", "Send"}:
                chained = re.match(r"^\w+\.Status\((.+)\)$", parts[0])  # fiber: c.Status(500).JSON(...)
                if chained:
                    status, body = chained.group(1), args
            if status is None:
                return
        else:
            if parts[0] in ctx.imports or args[0].type in {"interpreted_string_literal", "raw_string_literal"}:
                return  # `slog.String("error", err.Error())`: a log attribute, no response
            status, body = text(args[0]), args[1:]
    ctx.examine(RULE)
    if not any(_carries_error(b) for b in body):
        return
    if SERVER_ERROR_STATUS.search(status) or STATUS_FROM_ERR.match(status):
        yield RULE.hit(node, f"{name}({status}, ...) sends the error text to the client: internal details leak")
    elif _database_error(node, ctx.lines) and not any(re.search(r"(?i)valid", text(b)) for b in body):
        yield RULE.hit(node, f"{name}({status}, ...) sends the database error text to the client "
                             "(constraint names, values, SQL details)")


# -- bodies written straight to the ResponseWriter, and the project's own error responders ------------

# `json.NewEncoder(w).Encode(x)`, `w.Write(b)`, `io.WriteString(w, s)`, `fmt.Fprintf(w, ...)`,
# `rest.RenderJSON(w, x)`, `render.JSON(w, r, x)`: the body goes to the client as is.
WRITE_CALL = lazy_compile(r"(\.Encode|\.Write|^io\.WriteString|^fmt\.Fprint(f|ln)?|RenderJSON|^render\.(JSON|PlainText|HTML))$")
# The generic error responder of a project (`responseError(w, err)`, `writeErr(w, err)`): every
# failure goes through it, the database's and the disk's included, whatever status it picks.
GENERIC_RESPONDER = lazy_compile(
    r"(?i)^(response|respond|write|send|render|reply|return|handle|serve)_?(error|err)s?(json)?$"
    r"|^(error|err)_?(response|respond|reply|json)$"
)
# `func errorResponse(err error) gin.H { return gin.H{"error": err.Error()} }`: the body every caller sends.
BODY_BUILDER = lazy_compile(r"(?i)^(new)?(error|err)_?(response|resp|body|json|payload)$|^(new)?(response|resp)_?(error|err)$")


def _typed_params(func: Any, type_text: str) -> set[str]:
    params = field(func, "parameters")
    names: set[str] = set()
    if params is None:
        return names
    for param in params.named_children:
        if param.type == "parameter_declaration" and text(field(param, "type")) == type_text:
            names.update(text(c) for c in param.named_children if c.type == "identifier")
    return names


def _writer_of(node: Any, name: str) -> Any | None:
    """The ResponseWriter argument of a body-writing call."""
    function = field(node, "function")
    if name.endswith((".Encode", ".Write")) and function is not None and function.type == "selector_expression":
        operand = field(function, "operand")
        if operand is not None and operand.type == "call_expression" and go.callee(operand).endswith("NewEncoder"):
            inner = go.call_args(operand)
            return inner[0] if inner else None
        return operand if name.endswith(".Write") else None
    args = go.call_args(node)
    return args[0] if args else None


def _status_before(func: Any, writer: str, node: Any) -> str | None:
    """The status of the last `w.WriteHeader(S)` before this call in the function, if any."""
    status = None
    for call in go.calls_in(func):
        if call.start_byte >= node.start_byte:
            break
        if go.callee(call) == f"{writer}.WriteHeader":
            args = go.call_args(call)
            status = text(args[0]) if args else None
    return status


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=WRITE_CALL.search, skip_file=in_test_code)
def check_written_body(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file):
        return
    name = go.callee(node)
    if not WRITE_CALL.search(name):
        return
    writer = _writer_of(node, name)
    func = go.enclosing_function(node)
    if writer is None or writer.type != "identifier" or func is None:
        return
    if text(writer) not in _typed_params(func, "http.ResponseWriter"):
        return
    ctx.examine(RULE)
    leaking = [b for b in go.call_args(node) if b.id != writer.id and ERR_TEXT.search(text(b))]
    if not leaking:
        return
    status = _status_before(func, text(writer), node)
    if status is None:
        return  # an implicit 200: a different defect
    helper = GENERIC_RESPONDER.match(go.function_name(func)) and _typed_params(func, "error")
    from_caller = re.fullmatch(r"\w+", status) is not None and status in _params_of(func)
    if SERVER_ERROR_STATUS.search(status) or from_caller or helper:
        yield RULE.hit(leaking[0], f"{name}(...) writes the error text into the response (status {status}): "
                                   "internal details leak to the client")


def _params_of(func: Any) -> set[str]:
    params = field(func, "parameters")
    if params is None:
        return set()
    return {text(c) for p in params.named_children for c in p.named_children if c.type == "identifier"}


@RULE.on_tree("function_declaration", languages=(Language.GO,), skip_file=in_test_code)
def check_body_builder(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file) or not BODY_BUILDER.match(go.function_name(node)):
        return
    errors = _typed_params(node, "error")
    if not errors:
        return
    ctx.examine(RULE)
    for ret in descendants(node, "return_statement"):
        for literal in descendants(ret, "composite_literal"):
            for name in sorted(errors):
                if f"{name}.Error()" in text(literal):
                    yield RULE.hit(literal, f"{go.function_name(node)} puts {name}.Error() in the response body "
                                            "its callers send: internal details leak to the client")
                    return
