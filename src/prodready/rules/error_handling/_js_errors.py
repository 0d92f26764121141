"""Shared helpers for Express error handlers (JS/TS)."""

from __future__ import annotations

import re
from typing import Any

from prodready.lang.treesitter import descendants, field, text

ERR_NAMES = {"err", "error", "e", "ex", "exception", "er"}
FUNCTIONS = {"arrow_function", "function_expression", "function_declaration", "function"}


def param_names(func: Any) -> list[str]:
    params = field(func, "parameters")
    if params is None:
        single = field(func, "parameter")
        return [text(single)] if single is not None else []
    names = []
    for p in params.named_children:
        pattern = field(p, "pattern") if p.type in {"required_parameter", "optional_parameter"} else p
        names.append(text(pattern if pattern is not None else p).split(":")[0].strip())
    return names


def error_middleware_param(func: Any) -> str:
    """`err` for an Express error handler `(err, req, res, next) => ...`, else ''."""
    if func.type not in FUNCTIONS:
        return ""
    names = param_names(func)
    if len(names) == 4 and names[0] in ERR_NAMES and re.match(r"^_?(req|request)$", names[1]) and names[2] in {"res", "response"}:
        return names[0]
    return ""


def production_error_middleware(func: Any, ctx: Any) -> str:
    """`err` for an Express error handler in production server code, else ''."""
    from prodready.lang import javascript as js

    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return ""
    return error_middleware_param(func)


def response_calls(func: Any, res: str = "res") -> list[Any]:
    """res.json(...)/res.send(...)/res.status(..).json(...) calls in the function."""
    out = []
    for call in descendants(func, "call_expression"):
        callee = re.sub(r"\s+", "", text(field(call, "function")))
        if callee.startswith(f"{res}.") and callee.endswith((".json", ".send", ".end", ".render")):
            out.append(call)
    return out
