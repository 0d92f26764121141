"""Helpers over the stdlib ``ast`` for Python rules: names, arguments, scopes."""

from __future__ import annotations

import ast
from collections.abc import Iterator

PARENT = "_pr_parent"


_FIELDS: dict[type, tuple[str, ...]] = {}


def index_tree(tree: ast.AST) -> tuple[list[ast.AST], dict[type[ast.AST], list[ast.AST]]]:
    """One pre-order walk: every node, its parent set, and nodes grouped by type.

    Faster than ast.walk/iter_child_nodes (no generators) and done once per file so that rules and
    fact collectors never walk the tree again. Expression contexts (shared Load/Store) are skipped.
    """
    nodes: list[ast.AST] = [tree]
    by_type: dict[type[ast.AST], list[ast.AST]] = {}
    append = nodes.append
    fields_of = _FIELDS
    index = 0
    while index < len(nodes):
        node = nodes[index]
        index += 1
        cls = type(node)
        bucket = by_type.get(cls)
        if bucket is None:
            by_type[cls] = [node]
        else:
            bucket.append(node)
        names = fields_of.get(cls)
        if names is None:
            names = tuple(n for n in cls._fields if n not in ("ctx", "type_ignores"))
            fields_of[cls] = names
        for name in names:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        item._pr_parent = node  # type: ignore[attr-defined]
                        append(item)
            elif isinstance(value, ast.AST):
                value._pr_parent = node  # type: ignore[attr-defined]
                append(value)
    return nodes, by_type


def release_tree(nodes: list[ast.AST]) -> None:
    """Break the parent links (and memos) of a finished tree so reference counting frees it at once.

    Parent links make every tree one big cycle; left to CPython's cyclic collector, chasing them
    cost about a third of a cold audit's CPU. Only call this when nothing will read the tree again.
    """
    for node in nodes:
        node.__dict__.clear()


def import_map(by_type: dict[type[ast.AST], list[ast.AST]]) -> dict[str, str]:
    return _import_map(by_type.get(ast.Import, []) + by_type.get(ast.ImportFrom, []))


def build_import_map(tree: ast.Module) -> dict[str, str]:
    """Local name -> qualified name for every import in the module (any depth)."""
    return _import_map([n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)])


def _import_map(import_nodes: list[ast.AST]) -> dict[str, str]:
    imports: dict[str, str] = {}
    for node in import_nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imports[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    imports.setdefault(head, head)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return imports


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of Name/Attribute nodes, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call):
        inner = dotted(node.func)
        if inner is not None:
            parts.append(inner + "()")
            return ".".join(reversed(parts))
    return None


def qualified(node: ast.AST, imports: dict[str, str]) -> str | None:
    """The dotted name with its head resolved through the module's imports."""
    name = dotted(node)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    resolved = imports.get(head)
    if resolved is None:
        return name
    return f"{resolved}.{rest}" if rest else resolved


def call_name(call: ast.Call, imports: dict[str, str]) -> str | None:
    return qualified(call.func, imports)


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def has_splat(call: ast.Call) -> bool:
    """True when ``**kwargs`` is passed: any keyword may be inside."""
    return any(kw.arg is None for kw in call.keywords)


def is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def const_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def parent(node: ast.AST) -> ast.AST | None:
    return getattr(node, PARENT, None)


def ancestors(node: ast.AST) -> Iterator[ast.AST]:
    current = parent(node)
    while current is not None:
        yield current
        current = parent(current)


FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def enclosing_function(node: ast.AST) -> FunctionNode | None:
    for anc in ancestors(node):
        if isinstance(anc, ast.FunctionDef | ast.AsyncFunctionDef):
            return anc
        if isinstance(anc, ast.Lambda):
            return None
    return None


def enclosing_class(node: ast.AST) -> ast.ClassDef | None:
    for anc in ancestors(node):
        if isinstance(anc, ast.ClassDef):
            return anc
    return None


def in_async_function(node: ast.AST) -> bool:
    return isinstance(enclosing_function(node), ast.AsyncFunctionDef)


def walk_shallow(node: ast.AST) -> Iterator[ast.AST]:
    """Like ast.walk over a function body but not into nested defs, lambdas or classes."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        stack.extend(ast.iter_child_nodes(current))


def anchor_of(node: ast.AST) -> str:
    """A stable, line-free identity for the place of a node: enclosing class/def names."""
    names = [
        anc.name
        for anc in ancestors(node)
        if isinstance(anc, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    return ".".join(reversed(names))


def is_main_guard(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Compare)
        and isinstance(node.test.left, ast.Name)
        and node.test.left.id == "__name__"
    )


def under_main_guard(node: ast.AST) -> bool:
    return any(is_main_guard(anc) for anc in ancestors(node))
