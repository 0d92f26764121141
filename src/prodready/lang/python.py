"""Helpers over the stdlib ``ast`` for Python rules: names, arguments, scopes."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import Any, cast

PARENT = "_pr_parent"


# The fields of each node class, as the 3.11 grammar (Parser/Python.asdl) declares them: fields
# that never hold a node (identifiers, strings, numbers), sequences of nodes (items may be None:
# dict keys, kw_defaults) and single (optional) nodes. A field in none of these (a newer Python's
# type_params, TypeAlias.name) is walked by the general check.
_NOT_NODES = frozenset({
    "FunctionDef.name", "FunctionDef.type_comment", "AsyncFunctionDef.name", "AsyncFunctionDef.type_comment",
    "ClassDef.name", "Assign.type_comment", "AnnAssign.simple", "For.type_comment", "AsyncFor.type_comment",
    "With.type_comment", "AsyncWith.type_comment", "Global.names", "Nonlocal.names", "ImportFrom.module",
    "ImportFrom.level", "Attribute.attr", "Constant.value", "Constant.kind", "FormattedValue.conversion",
    "Name.id", "ExceptHandler.name", "arg.arg", "arg.type_comment", "keyword.arg", "alias.name", "alias.asname",
    "comprehension.is_async", "MatchSingleton.value", "MatchAs.name", "MatchStar.name", "MatchMapping.rest",
    "MatchClass.kwd_attrs", "Module.type_ignores",
    # expression contexts (Load/Store/Del): shared instances, never indexed
    "Attribute.ctx", "Subscript.ctx", "Starred.ctx", "Name.ctx", "List.ctx", "Tuple.ctx",
})
_SEQUENCES = frozenset({
    "Module.body", "FunctionDef.body", "FunctionDef.decorator_list", "AsyncFunctionDef.body",
    "AsyncFunctionDef.decorator_list", "ClassDef.bases", "ClassDef.keywords", "ClassDef.body",
    "ClassDef.decorator_list", "Delete.targets", "Assign.targets", "For.body", "For.orelse", "AsyncFor.body",
    "AsyncFor.orelse", "While.body", "While.orelse", "If.body", "If.orelse", "With.items", "With.body",
    "AsyncWith.items", "AsyncWith.body", "Match.cases", "Try.body", "Try.handlers", "Try.orelse",
    "Try.finalbody", "TryStar.body", "TryStar.handlers", "TryStar.orelse", "TryStar.finalbody", "Import.names",
    "ImportFrom.names", "BoolOp.values", "Dict.keys", "Dict.values", "Set.elts", "ListComp.generators",
    "SetComp.generators", "DictComp.generators", "GeneratorExp.generators", "Compare.ops",
    "Compare.comparators", "Call.args", "Call.keywords", "JoinedStr.values", "List.elts", "Tuple.elts",
    "comprehension.ifs", "ExceptHandler.body", "arguments.posonlyargs", "arguments.args",
    "arguments.kwonlyargs", "arguments.kw_defaults", "arguments.defaults", "match_case.body",
    "MatchSequence.patterns", "MatchMapping.keys", "MatchMapping.patterns", "MatchClass.patterns",
    "MatchClass.kwd_patterns", "MatchOr.patterns",
})
_SINGLES = frozenset({
    "FunctionDef.args", "FunctionDef.returns", "AsyncFunctionDef.args", "AsyncFunctionDef.returns",
    "Return.value", "Assign.value", "AugAssign.target", "AugAssign.op", "AugAssign.value", "AnnAssign.target",
    "AnnAssign.annotation", "AnnAssign.value", "For.target", "For.iter", "AsyncFor.target", "AsyncFor.iter",
    "While.test", "If.test", "Match.subject", "Raise.exc", "Raise.cause", "Assert.test", "Assert.msg",
    "Expr.value", "BoolOp.op", "NamedExpr.target", "NamedExpr.value", "BinOp.left", "BinOp.op", "BinOp.right",
    "UnaryOp.op", "UnaryOp.operand", "Lambda.args", "Lambda.body", "IfExp.test", "IfExp.body", "IfExp.orelse",
    "ListComp.elt", "SetComp.elt", "DictComp.key", "DictComp.value", "GeneratorExp.elt", "Await.value",
    "Yield.value", "YieldFrom.value", "Compare.left", "Call.func", "FormattedValue.value",
    "FormattedValue.format_spec", "Attribute.value", "Subscript.value", "Subscript.slice", "Starred.value",
    "Slice.lower", "Slice.upper", "Slice.step", "comprehension.target", "comprehension.iter",
    "ExceptHandler.type", "arguments.vararg", "arguments.kwarg", "arg.annotation", "keyword.value",
    "withitem.context_expr", "withitem.optional_vars", "match_case.pattern", "match_case.guard",
    "MatchValue.value", "MatchClass.cls", "MatchAs.pattern", "Expression.body",
})

_Walker = Callable[[ast.AST, Callable[[ast.AST], None]], None]
_WALKERS: dict[type[ast.AST], _Walker | None] = {}
_UNKNOWN: Any = object()


def _walker(cls: type[ast.AST]) -> _Walker | None:
    """A function that sets the parent of each child of a ``cls`` node and appends the child, in
    field order (None when such nodes have no child). Generated once per node class, from the
    field names alone: a loop over field names with getattr and type checks per field cost about
    twice as much, and this walk runs on every node of every file."""
    lines = []
    for name in cls._fields:
        if not name.isidentifier():
            continue  # never in the ast module; the name is pasted into the generated code
        where = f"{cls.__name__}.{name}"
        if where in _NOT_NODES or name == "ctx":
            continue
        if where in _SEQUENCES:
            lines.append(
                f"    for item in node.{name}:\n"
                "        if item is not None:\n"
                "            item._pr_parent = node\n"
                "            append(item)"
            )
        elif where in _SINGLES:
            lines.append(
                f"    value = node.{name}\n"
                "    if value is not None:\n"
                "        value._pr_parent = node\n"
                "        append(value)"
            )
        else:  # a field this table does not know: any value, checked
            lines.append(
                f"    value = getattr(node, {name!r}, None)\n"
                "    if value.__class__ is list:\n"
                "        for item in value:\n"
                "            if isinstance(item, AST):\n"
                "                item._pr_parent = node\n"
                "                append(item)\n"
                "    elif isinstance(value, AST):\n"
                "        value._pr_parent = node\n"
                "        append(value)"
            )
    if not lines:
        return None
    namespace: dict[str, Any] = {"AST": ast.AST}
    exec(compile("def walk(node, append):\n" + "\n".join(lines), f"<walker of {cls.__name__}>", "exec"), namespace)
    return cast(_Walker, namespace["walk"])


def index_tree(tree: ast.AST) -> tuple[list[ast.AST], dict[type[ast.AST], list[ast.AST]]]:
    """One breadth-first walk: every node, its parent set, and nodes grouped by type.

    Faster than ast.walk/iter_child_nodes (no generators) and done once per file so that rules and
    fact collectors never walk the tree again. Expression contexts (shared Load/Store) are skipped.
    """
    nodes: list[ast.AST] = [tree]
    by_type: dict[type[ast.AST], list[ast.AST]] = {}
    append = nodes.append
    walkers = _WALKERS
    for node in nodes:  # the list grows while it is read: each node's children go at the end
        cls = type(node)
        bucket = by_type.get(cls)
        if bucket is None:
            by_type[cls] = [node]
        else:
            bucket.append(node)
        walk = walkers.get(cls, _UNKNOWN)
        if walk is _UNKNOWN:
            walk = walkers[cls] = _walker(cls)
        if walk is not None:
            walk(node, append)
    return nodes, by_type


def release_tree(nodes: list[ast.AST]) -> None:
    """Break the parent links (and memos) of a finished tree so reference counting frees it at once.

    Parent links make every tree one big cycle; left to CPython's cyclic collector, chasing them
    cost about a third of a cold audit's CPU. Only call this when nothing will read the tree again.
    """
    for node in nodes:
        node.__dict__.clear()


# Functions a module commonly re-binds under a short name (`env = os.environ.get`): calls of the
# alias are then read as calls of the function itself.
ALIASED_FUNCTIONS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})


def import_map(by_type: dict[type[ast.AST], list[ast.AST]]) -> dict[str, str]:
    imports = _import_map(by_type.get(ast.Import, []) + by_type.get(ast.ImportFrom, []))
    for node in by_type.get(ast.Assign, []):
        if (
            len(node.targets) == 1  # type: ignore[attr-defined]
            and isinstance(target := node.targets[0], ast.Name)  # type: ignore[attr-defined]
            and isinstance(node.value, ast.Attribute)  # type: ignore[attr-defined]
            and isinstance(parent(node), ast.Module)
            and (alias := qualified(node.value, imports)) in ALIASED_FUNCTIONS  # type: ignore[attr-defined, operator]
        ):
            imports.setdefault(target.id, alias)
    return imports


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
    # The two commonest shapes first (`name`, `name.attr`): asked for most calls of every file.
    cls = type(node)
    if cls is ast.Name:
        return node.id  # type: ignore[attr-defined, no-any-return]
    if cls is ast.Attribute and type(node.value) is ast.Name:  # type: ignore[attr-defined]
        return f"{node.value.id}.{node.attr}"  # type: ignore[attr-defined]
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


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


# The helpers below climb the parent links in a plain loop (no generator, tuples for isinstance):
# rules ask them about most nodes they are handed.
def enclosing_function(node: ast.AST) -> FunctionNode | None:
    current = getattr(node, PARENT, None)
    while current is not None:
        if isinstance(current, _FUNCTIONS):
            return current
        if isinstance(current, ast.Lambda):
            return None
        current = getattr(current, PARENT, None)
    return None


def enclosing_class(node: ast.AST) -> ast.ClassDef | None:
    current = getattr(node, PARENT, None)
    while current is not None:
        if isinstance(current, ast.ClassDef):
            return current
        current = getattr(current, PARENT, None)
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
    names = []
    current = getattr(node, PARENT, None)
    while current is not None:
        if isinstance(current, _SCOPES):
            names.append(current.name)
        current = getattr(current, PARENT, None)
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
