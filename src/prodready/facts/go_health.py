"""Go health routes and whether their handler touches any dependency (read by the health rules)."""

from __future__ import annotations

import re
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import descendants, field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Language
from prodready.rules._repo import HEALTH_PATH
from prodready.rules.base import FactCollector

FACTS = FactCollector("go-health")

# A call that reaches a dependency: db.PingContext, pool.Ping, rdb.Ping(ctx).Err(), client.Do, a checker.
DEPENDENCY_CALL = lazy_compile(r"\.(Ping|PingContext|Query\w*|Exec\w*|Do|Stat|Health\w*|Check\w*)\(|\bcheck\w*\(|\bping\w*\(", re.I)
REGISTERS = {"GET", "Get", "HEAD", "Head", "Any", "Handle", "HandleFunc", "To", "Match"}


def _handler_body(handler: Any, root: Any) -> Any:
    """The function literal, or the same-file function a handler expression names or calls."""
    if handler.type == "func_literal":
        return handler
    name = text(handler.child_by_field_name("function")) if handler.type == "call_expression" else text(handler)
    name = name.rsplit(".", 1)[-1]
    for declaration in descendants(root, "function_declaration", "method_declaration"):
        if text(field(declaration, "name")) == name:
            return declaration
    return None


HEALTH_WORDS = ("health", "ready", "livez", "liveness", "/ping", "/status")


def _may_name_health(source: str) -> bool:
    """``re.search(r"(?i)health|ready|livez|liveness|/ping|/status", source)``: on ASCII text (most
    files) by plain substring tests of the lowered text, many times faster than that search."""
    if source.isascii():
        lowered = source.lower()
        return any(word in lowered for word in HEALTH_WORDS)
    return re.search(r"(?i)health|ready|livez|liveness|/ping|/status", source) is not None


@FACTS.on_tree("source_file", languages=(Language.GO,), skip_file=lambda ctx: ctx.is_test_file)
def collect(root: Any, ctx: TreeContext) -> None:
    if ctx.is_test_file or not _may_name_health(ctx.text):
        return
    for call in descendants(root, "call_expression"):
        if go.callee(call).rsplit(".", 1)[-1] not in REGISTERS:
            continue
        arguments = go.call_args(call)
        literals = [string_value(a) or "" for a in arguments]
        path = next((v for v in literals if v.startswith("/")), None)
        if not path or not HEALTH_PATH.search(path) or len(arguments) < 2:
            continue
        handler = arguments[-1]
        body = _handler_body(handler, root)
        if body is None:
            # `r.Get("/health/readiness", h.readiness)` with the method in another file of the package:
            # the project rule pairs it with that file's go_health_func record
            name = text(handler.child_by_field_name("function")) if handler.type == "call_expression" else text(handler)
            ctx.emit("go_health", line=call.start_point[0] + 1, handler_line=None, path=path, static=None,
                     handler=name.rsplit(".", 1)[-1])
            continue
        static, line = _judge(body)
        ctx.emit("go_health", line=call.start_point[0] + 1, handler_line=line, path=path, static=static,
                 never_fails=never_fails(body))
    for declaration in descendants(root, "function_declaration", "method_declaration"):
        name = text(field(declaration, "name"))
        if HEALTH_FUNC.search(name):
            static, line = _judge(declaration)
            ctx.emit("go_health_func", line=declaration.start_point[0] + 1, handler_line=line, name=name, static=static,
                     never_fails=never_fails(declaration))


HEALTH_FUNC = lazy_compile(r"(?i)health|ready|readiness|liveness|livez|^ping$")


# What a handler does to answer a failed check with an error: a 5xx status, http.Error, an abort,
# a status held in a variable (`w.WriteHeader(code)`), or an error returned to the framework
FAILS = lazy_compile(
    r"\b5\d\d\b|Status(ServiceUnavailable|InternalServerError|BadGateway|GatewayTimeout)|http\.Error\(|Abort|"
    r"WriteHeader\(\s*(?!http\.StatusOK\b)[A-Za-z_][\w.]*\s*\)|\.(Status|JSON|String|SendStatus)\(\s*(?!http\.StatusOK\b|200\b)[A-Za-z_][\w.]*\s*[,)]|"
    r"return\s+(\w*[eE]rr\w*|fmt\.Errorf|errors\.|echo\.NewHTTPError|fiber\.NewError)|panic\("
)


def never_fails(body: Any) -> int | None:
    """The handler calls a dependency but answers 200 whatever the call returned: the line of its
    last statement (the answer given after the check), else None."""
    source = text(body)
    if not DEPENDENCY_CALL.search(source) or FAILS.search(source):
        return None
    block = field(body, "body")
    children = block.named_children if block is not None else []
    if len(children) == 1 and children[0].type == "statement_list":
        children = children[0].named_children  # (newer grammars wrap a block's statements)
    statements = [c for c in children if c.type != "comment"]
    return (statements[-1] if statements else body).start_point[0] + 1


def _judge(body: Any) -> tuple[bool, int]:
    """Whether the handler answers without calling any dependency, and the line of its answer."""
    static = not DEPENDENCY_CALL.search(text(body))
    # the innermost answer: `return c.Write("OK")` inside the returned func literal, not the outer return
    statements = list(descendants(body, "return_statement")) or list(descendants(body, "expression_statement"))
    statement = statements[-1] if statements else None
    line = statement.start_point[0] + 1 if statement is not None else body.start_point[0] + 1
    return static, line
