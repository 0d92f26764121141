"""Where a service writes its logs: files on local disk (read by the container logging rule)."""

from __future__ import annotations

import ast
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, descendants, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Language
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import FactCollector

FACTS = FactCollector("log-destinations")

PY_FILE_HANDLERS = {
    "logging.FileHandler", "logging.handlers.RotatingFileHandler", "logging.handlers.TimedRotatingFileHandler",
    "logging.handlers.WatchedFileHandler", "RotatingFileHandler", "TimedRotatingFileHandler", "FileHandler",
}
LOG_PATH = lazy_compile(r"(?i)\.log\b|(^|/)logs?/|log_?file|logfile")


@FACTS.on_python(ast.Module)
def collect_python(tree: ast.Module, ctx: PyContext) -> None:
    if ctx.is_test_file or is_script_like(ctx) or "Handler" not in ctx.text and "filename" not in ctx.text:
        return
    for call in ctx.nodes_of(ast.Call):
        name = ctx.qualified(call.func) or ctx.call_name(call) or ""
        if name in PY_FILE_HANDLERS:
            target = ast.unparse(call.args[0]) if call.args else "a file"
            ctx.emit("signal", line=call.lineno, name="log-file", detail=f"{name.rsplit('.', 1)[-1]}({target[:50]})")
        elif name == "logging.basicConfig" and any(k.arg == "filename" for k in call.keywords):
            ctx.emit("signal", line=call.lineno, name="log-file", detail="logging.basicConfig(filename=...)")


def _in_startup_callback(node: Any) -> bool:
    """`app.listen(port, () => console.log(...))` and signal handlers: one startup/shutdown line."""
    return any(
        a.type == "call_expression" and js.callee(a).endswith((".listen", "process.on", "process.once")) for a in ancestors(node)
    )


@FACTS.on_tree("program", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def collect_js(root: Any, ctx: TreeContext) -> None:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    if js.is_server_file(ctx) and "no-console" not in ctx.text[:300]:
        for call in descendants(root, "call_expression"):
            name = js.callee(call)
            if name not in {"console.log", "console.debug", "console.info"} or _in_startup_callback(call):
                continue
            line = call.start_point[0]
            if "no-console" in " ".join(ctx.lines[max(0, line - 2): line]):
                continue  # the team allowed console output here on purpose (eslint-disable no-console)
            ctx.emit("signal", line=line + 1, end_line=call.end_point[0] + 1, name="console-output", detail=name)
    for node in descendants(root, "new_expression"):
        constructor = text(node.child_by_field_name("constructor"))
        if constructor.endswith(("transports.File", "DailyRotateFile")):
            ctx.emit("signal", line=node.start_point[0] + 1, name="log-file", detail=f"new {constructor}(...)")
    for call in descendants(root, "call_expression"):
        name = js.callee(call)
        arguments = js.args(call)
        first = string_value(arguments[0]) if arguments else None
        if name.endswith("createWriteStream") and first and LOG_PATH.search(first):
            ctx.emit("signal", line=call.start_point[0] + 1, name="log-file", detail=f"{name}('{first[:40]}')")
        elif name == "pino.destination" and first:
            ctx.emit("signal", line=call.start_point[0] + 1, name="log-file", detail=f"pino.destination('{first[:40]}')")


@FACTS.on_tree("source_file", languages=(Language.GO,), skip_file=lambda ctx: ctx.is_test_file)
def collect_go(root: Any, ctx: TreeContext) -> None:
    # (plain substring tests: as a search for their alternation, several times faster)
    if ctx.is_test_file or not any(w in ctx.text for w in ("SetOutput(", "log.New(", "MultiWriter(", "zapcore.AddSync(", "lumberjack")):
        return
    for call in descendants(root, "call_expression"):
        name = go.callee(call)
        arguments = go.call_args(call)
        appending = len(arguments) > 1 and "O_APPEND" in text(arguments[1])
        if name in {"os.OpenFile", "os.Create"} and arguments and (LOG_PATH.search(text(arguments[0])) or appending):
            ctx.emit("signal", line=call.start_point[0] + 1, name="log-file", detail=f"{name}({text(arguments[0])[:40]})")
    if "lumberjack.Logger" in ctx.text:
        line = next(n for n, source in enumerate(ctx.lines, start=1) if "lumberjack.Logger" in source)
        ctx.emit("signal", line=line, name="log-file", detail="lumberjack.Logger")
