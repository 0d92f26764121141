"""Shared helpers for Go rules about HTTP handlers and statement blocks."""

from __future__ import annotations

import re
from typing import Any

from prodready.lang import golang as go
from prodready.lang.treesitter import ancestors, field, text

HANDLER_PARAMS = re.compile(
    r"(http\.ResponseWriter|\*gin\.Context|echo\.Context|\*fiber\.Ctx|fiber\.Ctx|\*fasthttp\.RequestCtx)"
)
ERROR_STATUS = re.compile(
    r"(http\.Status(BadRequest|Unauthorized|PaymentRequired|Forbidden|NotFound|MethodNotAllowed|NotAcceptable|"
    r"Conflict|Gone|PreconditionFailed|RequestEntityTooLarge|UnsupportedMediaType|UnprocessableEntity|TooManyRequests|"
    r"InternalServerError|NotImplemented|BadGateway|ServiceUnavailable|GatewayTimeout)|fiber\.Status\w+|\b[45]\d\d\b)"
)
SERVER_ERROR_STATUS = re.compile(
    r"(http\.Status(InternalServerError|NotImplemented|BadGateway|ServiceUnavailable|GatewayTimeout)|"
    r"fiber\.Status(InternalServerError|BadGateway|ServiceUnavailable)|\b5\d\d\b)"
)


def is_handler(func: Any) -> bool:
    """A function or func literal whose parameters make it an HTTP handler."""
    if func is None:
        return False
    params = field(func, "parameters")
    return params is not None and bool(HANDLER_PARAMS.search(text(params)))


def enclosing_handler(node: Any) -> Any | None:
    for anc in ancestors(node):
        if anc.type in {"function_declaration", "method_declaration", "func_literal"}:
            if is_handler(anc):
                return anc
    return None


def statements(block: Any) -> list[Any]:
    """The statements of a `block` (tree-sitter-go wraps them in a statement_list in newer grammars)."""
    if block is None:
        return []
    out: list[Any] = []
    for child in block.named_children:
        if child.type == "statement_list":
            out.extend(c for c in child.named_children if c.type != "comment")
        elif child.type != "comment":
            out.append(child)
    return out


def following_statements(stmt: Any) -> list[Any]:
    """Statements after `stmt` in its enclosing block."""
    parent = stmt.parent
    if parent is None:
        return []
    siblings = [c for c in parent.named_children if c.type != "comment"]
    for index, sibling in enumerate(siblings):
        if sibling.id == stmt.id:
            return siblings[index + 1 :]
    return []


def func_params_text(func: Any) -> str:
    params = field(func, "parameters")
    return text(params) if params is not None else ""


def callee(call: Any) -> str:
    return go.callee(call)


def non_production(path: str, is_test_file: bool) -> bool:
    """Test files and test helpers (`internal/testutil/`, `mocks/`) are not production code."""
    if is_test_file or path.endswith("_test.go"):
        return True
    return any(re.search(r"(?i)(test|mock|fake)", part) for part in path.split("/")[:-1])
