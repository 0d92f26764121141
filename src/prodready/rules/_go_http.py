"""Shared helpers for Go rules about HTTP handlers and statement blocks."""

from __future__ import annotations

import functools
import re
from typing import Any

from prodready.lang import golang as go
from prodready.lang.treesitter import ancestors, descendants, field, line_of, text
from prodready.lazyre import lazy_compile

HANDLER_PARAMS = lazy_compile(
    r"(http\.ResponseWriter|\*gin\.Context|echo\.Context|\*fiber\.Ctx|fiber\.Ctx|\*fasthttp\.RequestCtx)"
)
ERROR_STATUS = lazy_compile(
    r"(http\.Status(BadRequest|Unauthorized|PaymentRequired|Forbidden|NotFound|MethodNotAllowed|NotAcceptable|"
    r"Conflict|Gone|PreconditionFailed|RequestEntityTooLarge|UnsupportedMediaType|UnprocessableEntity|TooManyRequests|"
    r"InternalServerError|NotImplemented|BadGateway|ServiceUnavailable|GatewayTimeout)|fiber\.Status\w+|\b[45]\d\d\b)"
)
SERVER_ERROR_STATUS = lazy_compile(
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


# Blocks that control falls out of into the statement after their owner (a loop's body goes
# round again instead, and a function's ends the call).
_FALLS_THROUGH = frozenset({"if_statement", "expression_switch_statement", "type_switch_statement", "select_statement"})
_BRANCH_BODIES = frozenset({"block", "statement_list", "expression_case", "type_case", "default_case", "communication_case"})


def continuation_statements(stmt: Any) -> list[Any]:
    """What runs after `stmt`: the rest of its block, or, when it ends a branch of an `if` or a
    `switch` case, the statements after that `if`/`switch` (climbing out as far as needed)."""
    current = stmt
    while True:
        after = following_statements(current)
        if after:
            return after
        owner = current.parent
        while owner is not None and owner.type in _BRANCH_BODIES:
            owner = owner.parent
        if owner is None or owner.type not in _FALLS_THROUGH:
            return []
        current = owner


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


_TEST_DIR = lazy_compile(r"(?i)(test|mock|fake)")
# Example, sample and UI-preview programs shipped beside the service: not what is deployed.
_EXAMPLE_DIR = lazy_compile(r"(?i)^_?(examples?|samples?|demos?|playground|[\w-]*storybook)$")


@functools.lru_cache(maxsize=4096)
def _test_dir(path: str) -> bool:
    return any(_TEST_DIR.search(part) or _EXAMPLE_DIR.match(part) for part in path.split("/")[:-1])


def non_production(path: str, is_test_file: bool) -> bool:
    """Test files, test helpers (`internal/testutil/`, `mocks/`) and example programs (`examples/`) are not production code."""
    if is_test_file or path.endswith("_test.go"):
        return True
    return _test_dir(path)


# skip_file= tests (see HandlerSet.on_tree) for handlers that return at once in test code:
# the engine then leaves them out of such files instead of calling them on every node.
def in_test_code(ctx: Any) -> bool:
    """The handler's first checks return on ``non_production(ctx.path, ctx.is_test_file)``."""
    return non_production(ctx.path, ctx.is_test_file)


def in_test_file(ctx: Any) -> bool:
    """The handler's first checks return on ``ctx.path.endswith("_test.go")``."""
    return ctx.path.endswith("_test.go")


def in_test_path(ctx: Any) -> bool:
    """The handler's first checks return on ``ctx.is_test_file``."""
    return bool(ctx.is_test_file)


PLAIN_TYPE = lazy_compile(r"^(error|string|bool|u?int(8|16|32|64)?|float(32|64)|byte|rune)$")


LITERAL_TYPES = {"true": "bool", "false": "bool", "int_literal": "int", "float_literal": "float64",
                 "interpreted_string_literal": "string", "raw_string_literal": "string"}


def _literal_type(value: Any) -> str | None:
    """The type Go infers for `var x = <literal>`: `false` -> bool, `0` -> int; None for anything else."""
    items = value.named_children if value is not None else []
    if len(items) != 1:
        return None
    return LITERAL_TYPES.get(items[0].type) or LITERAL_TYPES.get(text(items[0]))


def package_vars(root: Any) -> dict[str, tuple[int, str]]:
    """Top-level `var x T` of plain types without initialiser, and `var x = <literal>` (the type Go
    infers for it): name -> (line, type)."""
    found: dict[str, tuple[int, str]] = {}
    for decl in root.named_children:
        if decl.type != "var_declaration":
            continue
        for spec in descendants(decl, "var_spec"):
            typ = field(spec, "type")
            value = field(spec, "value")
            inferred = _literal_type(value) if typ is None else None
            if inferred is not None:
                for name in spec.named_children:
                    if name.type == "identifier":
                        found[text(name)] = (line_of(spec), inferred)
                continue
            if typ is None or value is not None or not PLAIN_TYPE.match(text(typ)):
                continue
            for name in spec.named_children:
                if name.type == "identifier":
                    found[text(name)] = (line_of(spec), text(typ))
    return found


def declares_locally(func: Any, name: str) -> bool:
    body = text(func)
    params = text(field(func, "parameters")) + text(field(func, "result"))
    return bool(
        re.search(rf"\b{name}\b[\w\s,]*:=|\bvar\s+{name}\b|,\s*{name}\b[^\n]*:=", body)
        or re.search(rf"\b{name}\b", params)
    )


def _in_goroutine(func: Any) -> bool:
    """`go func() { ... }()`: the function literal a go statement starts."""
    parent = func.parent if func is not None and func.type == "func_literal" else None
    return parent is not None and parent.type == "call_expression" and parent.parent is not None and parent.parent.type == "go_statement"


def package_var_writes(root: Any) -> list[tuple[str, int, str, bool, bool]]:
    """Assignments to identifiers not declared in the enclosing function: (name, line, func,
    in_handler, in_goroutine); a goroutine's write is kept only when the file also assigns the
    name outside that goroutine (the flag it resets is set by its caller)."""
    out: list[tuple[str, int, str, bool, bool]] = []
    # Per function (node id): is it a handler, and which names it declares. A file assigns `err`
    # in most of its functions; asking each function once keeps this linear in the file.
    handlers: dict[int, bool] = {}
    declared: dict[tuple[int, str], bool] = {}
    source: bytes | None = None  # the file's bytes, read once when a goroutine write needs them

    def handler_of(func: Any) -> bool:
        found = handlers.get(func.id)
        if found is None:
            found = handlers[func.id] = is_handler(func)
        return found

    def declares(func: Any, name: str) -> bool:
        key = (func.id, name)
        found = declared.get(key)
        if found is None:
            found = declared[key] = declares_locally(func, name)
        return found

    for node in descendants(root, "assignment_statement", "inc_statement", "dec_statement"):
        if node.type == "assignment_statement":
            left = field(node, "left")
            targets = [text(c) for c in left.named_children if c.type == "identifier"] if left is not None else []
        else:
            targets = [text(c) for c in node.named_children[:1] if c.type == "identifier"]
        if not targets:
            continue
        func, top = go.enclosing_functions(node)
        if func is None or top is None:
            continue
        handler = handler_of(func) or handler_of(top)
        goroutine = _in_goroutine(func)
        for name in targets:
            # Only handler and goroutine writes and `err` are reported: ask about declarations for those alone.
            if name == "_" or not (handler or goroutine or name == "err"):
                continue
            if declares(func, name) or (func is not top and declares(top, name)):
                continue
            if goroutine and not handler and name != "err":
                if ".Lock()" in text(top):
                    continue  # the goroutine and its caller take a lock
                if source is None:
                    source = root.text or b""  # bytes: node offsets count bytes, not characters
                outside = (source[: func.start_byte] + source[func.end_byte :]).decode("utf-8", "replace")
                if not re.search(rf"(?m)^\s*{re.escape(name)}\s*=[^=]", outside):
                    continue
            out.append((name, line_of(node), go.function_name(top) or "func literal", handler, goroutine))
    return out
