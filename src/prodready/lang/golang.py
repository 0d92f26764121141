"""Helpers over tree-sitter-go nodes for Go rules and facts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.lang.treesitter import MEMO, ancestors, descendants, field, string_value, text

Node = Any


def callee(call: Node) -> str:
    """`http.Get`, `r.GET`, `rand.Int63` for a call_expression (memoised per file: many rules ask)."""
    key = ("go-callee", call.id)
    found = MEMO.get(key)
    if found is None:
        # = text(field(call, "function")), inlined: asked for every call by the engine and the rules
        function = call.child_by_field_name("function")
        data = function.text if function is not None else None
        found = MEMO[key] = "" if data is None else data.decode("utf-8", "replace")
    return found  # type: ignore[no-any-return]


def call_args(call: Node) -> list[Node]:
    key = ("go-args", call.id)
    found = MEMO.get(key)
    if found is None:
        args = field(call, "arguments")
        found = MEMO[key] = [c for c in args.named_children if c.type != "comment"] if args is not None else []
    return list(found)


def selector_parts(node: Node) -> tuple[str, str] | None:
    """(operand, field) texts of a selector_expression (memoised per file: the facts and many
    rules split the same callee)."""
    if node is None or node.type != "selector_expression":
        return None
    key = ("go-selector", node.id)
    found = MEMO.get(key)
    if found is None:
        found = MEMO[key] = (text(field(node, "operand")), text(field(node, "field")))
    return found  # type: ignore[no-any-return]


def call_parts(call: Node) -> tuple[str, str] | None:
    """``selector_parts`` of a call's function (memoised per call: the facts split every call)."""
    key = ("go-call-parts", call.id)
    if key in MEMO:
        return MEMO[key]  # type: ignore[no-any-return]
    found = MEMO[key] = selector_parts(field(call, "function"))
    return found


def enclosing_function(node: Node) -> Node | None:
    for anc in ancestors(node):
        if anc.type in {"function_declaration", "method_declaration", "func_literal"}:
            return anc
    return None


def enclosing_top_function(node: Node) -> Node | None:
    found = None
    for anc in ancestors(node):
        if anc.type in {"function_declaration", "method_declaration"}:
            return anc
        if anc.type == "func_literal":
            found = anc
    return found


def enclosing_functions(node: Node) -> tuple[Node | None, Node | None]:
    """(enclosing_function(node), enclosing_top_function(node)) from one walk up the tree."""
    func = literal = None
    for anc in ancestors(node):
        kind = anc.type
        if kind in {"function_declaration", "method_declaration"}:
            return (func if func is not None else anc), anc
        if kind == "func_literal":
            if func is None:
                func = anc
            literal = anc
    return func, literal


def function_name(func: Node | None) -> str:
    if func is None:
        return ""
    return text(field(func, "name"))


def composite_type(node: Node) -> str:
    return text(field(node, "type"))


def keyed_elements(composite: Node) -> dict[str, Node]:
    """Keys of a composite literal body -> value nodes."""
    body = field(composite, "body")
    result: dict[str, Node] = {}
    if body is None:
        return result
    for child in body.named_children:
        if child.type == "keyed_element":
            key = field(child, "key") or (child.named_children[0] if child.named_children else None)
            value = field(child, "value") or (child.named_children[-1] if len(child.named_children) > 1 else None)
            if value is not None and value.type == "literal_element" and value.named_children:
                value = value.named_children[0]
            if key is not None:
                result[text(key).strip()] = value
    return result


def string_arg(call: Node, index: int = 0) -> str | None:
    args = call_args(call)
    if len(args) <= index:
        return None
    return string_value(args[index])


def receiver_type(method: Node) -> str:
    receiver = field(method, "receiver")
    if receiver is None:
        return ""
    for param in receiver.named_children:
        typ = field(param, "type")
        if typ is not None:
            return text(typ).lstrip("*").split("[")[0]
    return ""


def receiver_name(method: Node) -> str:
    receiver = field(method, "receiver")
    if receiver is None:
        return ""
    for param in receiver.named_children:
        name = field(param, "name")
        if name is not None:
            return text(name)
    return ""


def calls_in(node: Node) -> Iterator[Node]:
    return descendants(node, "call_expression")
