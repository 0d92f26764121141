"""Which JS/TS functions and methods are async, and which calls drop the promise they return.

PR-EH-108 joins the two across files: `storage.flag(id);` in a route is a floating promise when
`async flag(id)` is declared in the storage module, which a per-file rule cannot see.
"""

from __future__ import annotations

import re
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Language
from prodready.rules.base import FactCollector

FACTS = FactCollector("js-async")

FUNCTIONS = ("function_declaration", "method_definition", "function_expression", "arrow_function")
# Receivers whose methods belong to Node, Express or a client library, never to the project's own async API.
FOREIGN_RECEIVER = lazy_compile(
    r"^(res|response|reply|req|request|socket|io|ws|console|logger|log|process|app|router|server|emitter|"
    r"stream|Promise|Object|Array|JSON|Math|Date|Reflect|window|document|cache|map|set|\w*Map|\w*Set)$"
)


def _declared_name(func: Any) -> str:
    if func.type in {"function_declaration", "method_definition"}:
        return text(field(func, "name"))
    parent = func.parent
    if parent is not None and parent.type == "variable_declarator":
        return text(field(parent, "name"))
    if parent is not None and parent.type in {"pair", "assignment_expression"}:
        key = field(parent, "key") if parent.type == "pair" else field(parent, "left")
        return text(key).rsplit(".", 1)[-1].strip("'\"") if key is not None else ""
    return ""


def _is_async(func: Any) -> bool:
    return any(child.type == "async" for child in func.children)


@FACTS.on_tree("program", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def collect(root: Any, ctx: TreeContext) -> None:
    if ctx.is_test_file or js.test_or_script(ctx) or not js.is_server_file(ctx):
        return
    if "async" not in ctx.text and "Promise" not in ctx.text:
        return
    for func in descendants(root, *FUNCTIONS):
        name = _declared_name(func)
        if not name or not re.fullmatch(r"[A-Za-z_$][\w$]*", name):
            continue
        ctx.emit("js-async-def" if _is_async(func) else "js-sync-def", line=func.start_point[0] + 1, name=name)
    for statement in descendants(root, "expression_statement"):
        call = statement.named_children[0] if statement.named_children else None
        if call is None or call.type != "call_expression":
            continue
        function = field(call, "function")
        if function is None or function.type not in {"identifier", "member_expression"}:
            continue
        callee = text(function)
        receiver, _, name = callee.rpartition(".")
        receiver = receiver.removeprefix("this.")
        if receiver and ("(" in receiver or FOREIGN_RECEIVER.match(receiver.rsplit(".", 1)[-1])):
            continue
        module = ctx.imports.get(receiver.split(".")[0]) if receiver else None
        if module and not module.startswith((".", "/", "@/", "~/")):
            continue  # `JWT.verify(...)`: a package's API, whatever the project names its own methods
        enclosing = js.enclosing_function(statement)
        if enclosing is None:
            continue  # module level: start-up wiring, PR-EH-108's per-file check and PR-DB-006 read it
        ctx.emit("js-bare-call", line=statement.start_point[0] + 1, name=name, callee=callee,
                 member=bool(receiver), in_async=_is_async(enclosing))
