"""tree-sitter grammars for JavaScript, TypeScript/TSX and Go, and node helpers."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import tree_sitter
import tree_sitter_go
import tree_sitter_javascript
import tree_sitter_typescript

Node = tree_sitter.Node

GRAMMARS = ("javascript", "typescript", "tsx", "go")


@lru_cache(maxsize=8)
def grammar(name: str) -> tree_sitter.Language:
    if name == "javascript":
        return tree_sitter.Language(tree_sitter_javascript.language())
    if name == "typescript":
        return tree_sitter.Language(tree_sitter_typescript.language_typescript())
    if name == "tsx":
        return tree_sitter.Language(tree_sitter_typescript.language_tsx())
    if name == "go":
        return tree_sitter.Language(tree_sitter_go.language())
    raise ValueError(f"no grammar {name}")


@lru_cache(maxsize=8)
def parser(name: str) -> tree_sitter.Parser:
    return tree_sitter.Parser(grammar(name))


def has_kind(grammar_name: str, kind: str) -> bool:
    return grammar(grammar_name).id_for_node_kind(kind, True) is not None


def text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")


def field(node: Node, name: str) -> Node | None:
    return node.child_by_field_name(name)


def ancestors(node: Node) -> Iterator[Node]:
    current = node.parent
    while current is not None:
        yield current
        current = current.parent


def descendants(node: Node, *kinds: str) -> Iterator[Node]:
    """Pre-order descendants, optionally filtered by kind."""
    stack = list(reversed(node.children))
    wanted = set(kinds)
    while stack:
        current = stack.pop()
        if not wanted or current.type in wanted:
            yield current
        stack.extend(reversed(current.children))


def call_callee(node: Node) -> str:
    """The callee text of a call_expression (JS/TS/Go)."""
    return text(field(node, "function"))


def call_arguments(node: Node) -> list[Node]:
    args = field(node, "arguments")
    if args is None:
        return []
    return [c for c in args.named_children if c.type != "comment"]


def string_value(node: Node | None) -> str | None:
    """The value of a string literal node (JS string/template without substitutions, Go strings)."""
    if node is None:
        return None
    if node.type in {"string", "interpreted_string_literal", "raw_string_literal"}:
        raw = text(node)
        return raw[1:-1] if len(raw) >= 2 else raw
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.children
    ):
        raw = text(node)
        return raw[1:-1]
    return None


def object_keys(node: Node) -> dict[str, Node]:
    """Keys of a JS object literal -> value node (shorthand properties map to themselves)."""
    result: dict[str, Node] = {}
    if node.type != "object":
        return result
    for child in node.named_children:
        if child.type == "pair":
            key = field(child, "key")
            value = field(child, "value")
            if key is not None and value is not None:
                name = string_value(key) or text(key)
                result[name] = value
        elif child.type == "shorthand_property_identifier":
            result[text(child)] = child
    return result


def line_of(node: Node) -> int:
    return int(node.start_point.row) + 1


def end_line_of(node: Node) -> int:
    return int(node.end_point.row) + 1


def node_id(node: Any) -> tuple[int, int, str]:
    return (node.start_byte, node.end_byte, node.type)
