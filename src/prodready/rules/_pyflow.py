"""Small program-understanding helpers for Python rules: module/instance state, writes and
removals, background entry points, locks. Built once per file and cached on the context."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile

CONTAINER_FACTORIES = {
    "dict",
    "list",
    "set",
    "collections.defaultdict",
    "collections.OrderedDict",
    "collections.deque",
    "collections.Counter",
    "defaultdict",
    "OrderedDict",
    "deque",
    "Counter",
    "weakref.WeakValueDictionary",
}
GROW_METHODS = {
    "append",
    "add",
    "setdefault",
    "update",
    "extend",
    "insert",
    "appendleft",
    "extendleft",
    "__setitem__",
}
SHRINK_METHODS = {
    "pop",
    "popitem",
    "clear",
    "remove",
    "discard",
    "popleft",
    "__delitem__",
    "expire",
    "evict",
    "prune",
    "cleanup",
    "trim",
}
LONG_LIVED_CLASS = lazy_compile(
    r"(Manager|Registry|Cache|Store|Service|Server|Hub|Pool|Tracker|Limiter|Client|Monitor|Daemon|Broker|Dispatcher|Queue|Scheduler|Gateway|Handler|Controller|Repository|Session[s]?Store|Bus)$"
)
REGISTRY_NAME = lazy_compile(
    r"(?i)(registry|registries|handlers|routes|plugins|factories|commands|hooks|callbacks|converters|serializers|validators|_map$|mapping|schemas?$|__all__)"
)
BACKGROUND_NAME = lazy_compile(
    r"(?i)(worker|loop|poll|consum|monitor|watch|sync|refresh|cleanup|clean_up|heartbeat|background|daemon|schedul|run_forever|pump|drain|reaper|sweep)"
)


@dataclass
class Container:
    name: str  # "jobs" or "self._cache"
    kind: str
    line: int
    scope: str  # "module" | "class Foo"
    bounded: bool = False
    writes: list[tuple[ast.AST, str]] = field(default_factory=list)  # (node, function name)
    removals: list[ast.AST] = field(default_factory=list)
    len_checks: int = 0


def _factory_kind(value: ast.AST, ctx: PyContext) -> tuple[str, bool] | None:
    """('dict', bounded?) when value creates a container."""
    if isinstance(value, ast.Dict):
        return "dict", False
    if isinstance(value, ast.List):
        return "list", False
    if isinstance(value, ast.Set):
        return "set", False
    if isinstance(value, ast.Call):
        name = ctx.qualified(value.func) or ""
        if name in CONTAINER_FACTORIES:
            short = name.split(".")[-1]
            bounded = short == "deque" and (
                pyast.keyword(value, "maxlen") is not None or len(value.args) >= 2
            )
            return short, bounded
        short = name.split(".")[-1]
        if short in {"TTLCache", "LRUCache", "LFUCache", "BoundedDict", "ExpiringDict", "cachetools"}:
            return short, True
    return None


def _long_lived_classes(ctx: PyContext) -> set[str]:
    names = {c.name for c in ctx.nodes_of(ast.ClassDef) if LONG_LIVED_CLASS.search(c.name)}
    for stmt in ctx.tree.body:  # classes instantiated at module level live as long as the process
        value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            names.add(value.func.id)
    return names


def containers(ctx: PyContext) -> dict[str, Container]:
    cached = getattr(ctx, "_pr_containers", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    found: dict[str, Container] = {}
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
            kind = _factory_kind(stmt.value, ctx)
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if kind and isinstance(target, ast.Name) and not REGISTRY_NAME.search(target.id):
                    found[target.id] = Container(target.id, kind[0], stmt.lineno, "module", bounded=kind[1])
    long_lived = _long_lived_classes(ctx)
    for cls in ctx.nodes_of(ast.ClassDef):
        for stmt in cls.body:  # class attributes
            if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
                kind = _factory_kind(stmt.value, ctx)
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if kind and isinstance(target, ast.Name) and not REGISTRY_NAME.search(target.id):
                        key = f"self.{target.id}"
                        if cls.name in long_lived:
                            found[key] = Container(
                                key, kind[0], stmt.lineno, f"class {cls.name}", bounded=kind[1]
                            )
                            found[f"{cls.name}.{target.id}"] = found[key]
        if cls.name not in long_lived:
            continue
        for method in cls.body:
            if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef) and method.name == "__init__":
                for node in ast.walk(method):
                    if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                        kind = _factory_kind(node.value, ctx)
                        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                        for target in targets:
                            name = pyast.dotted(target) or ""
                            if kind and name.startswith("self.") and not REGISTRY_NAME.search(name):
                                found[name] = Container(
                                    name, kind[0], node.lineno, f"class {cls.name}", bounded=kind[1]
                                )
    if found:
        _collect_operations(ctx, found)
    ctx._pr_containers = found  # type: ignore[attr-defined]
    return found


def _function_name(node: ast.AST) -> str | None:
    func = pyast.enclosing_function(node)
    return func.name if func is not None else None


def _collect_operations(ctx: PyContext, found: dict[str, Container]) -> None:
    for node in ctx.nodes_of(ast.Subscript):
        name = pyast.dotted(node.value)
        if name not in found:
            continue
        container = found[name]
        if isinstance(node.ctx, ast.Store):
            func = _function_name(node)
            fixed_slot = isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int)
            if func and func != "__init__" and not fixed_slot:  # `_imp[0] = x` replaces, not grows
                container.writes.append((node, func))
        elif isinstance(node.ctx, ast.Del):
            container.removals.append(node)
    for node in ctx.nodes_of(ast.Call):
        func = node.func
        if not isinstance(func, ast.Attribute):
            continue
        owner = pyast.dotted(func.value)
        if owner in found:
            container = found[owner]
            if func.attr in GROW_METHODS:
                fname = _function_name(node)
                if fname and fname != "__init__":
                    container.writes.append((node, fname))
            elif func.attr in SHRINK_METHODS:
                container.removals.append(node)
        elif (
            isinstance(func.value, ast.Subscript)
            and pyast.dotted(func.value.value) in found
            and func.attr in GROW_METHODS
        ):
            container = found[pyast.dotted(func.value.value) or ""]
            fname = _function_name(node)
            if fname and fname != "__init__":
                container.writes.append((node, fname))
    for node in ctx.nodes_of(ast.Attribute):
        # `task.add_done_callback(tasks.discard)`: a removal passed by reference
        parent = pyast.parent(node)
        is_direct_call = isinstance(parent, ast.Call) and parent.func is node
        if node.attr in SHRINK_METHODS and pyast.dotted(node.value) in found and not is_direct_call:
            found[pyast.dotted(node.value) or ""].removals.append(node)
    for node in ctx.nodes_of(ast.Delete):
        for target in node.targets:
            if isinstance(target, ast.Subscript) and pyast.dotted(target.value) in found:
                found[pyast.dotted(target.value) or ""].removals.append(node)
    for node in ctx.nodes_of(ast.Assign, ast.AugAssign, ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            name = pyast.dotted(target)
            if name in found and _function_name(node) not in (None, "__init__"):
                found[name].removals.append(node)  # rebinding inside a function resets it
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.slice, ast.Slice)
                and pyast.dotted(target.value) in found
            ):
                found[pyast.dotted(target.value) or ""].removals.append(node)
    for node in ctx.nodes_of(ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == "len" and node.args:
            name = pyast.dotted(node.args[0])
            if name in found and isinstance(pyast.parent(node), ast.Compare):
                found[name].len_checks += 1


_STARTERS = frozenset({
    "Thread", "Process", "Timer", "submit", "map", "run_in_executor", "to_thread", "start_new_thread", "add_task",
    "start_background_task", "create_task", "ensure_future", "run_coroutine_threadsafe", "gather",
})


def background_functions(ctx: PyContext) -> set[str]:
    """Names of functions started as threads, executor jobs or asyncio tasks in this file."""
    cached = getattr(ctx, "_pr_background", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    names: set[str] = set()
    for call in ctx.nodes_of(ast.Call):
        func = call.func
        # An attribute callee's last name is its attribute (or it has none): most calls are
        # ruled out without qualifying them.
        if isinstance(func, ast.Attribute) and func.attr not in _STARTERS:
            continue
        callee = ctx.call_name(call) or ""
        short = callee.split(".")[-1]
        candidates: list[ast.AST] = []
        if short in {"Thread", "Process", "Timer"}:
            target = pyast.keyword(call, "target")
            if target is not None:
                candidates.append(target.value)
            elif short == "Timer" and len(call.args) >= 2:
                candidates.append(call.args[1])
        elif short in {
            "submit",
            "map",
            "run_in_executor",
            "to_thread",
            "start_new_thread",
            "add_task",
            "start_background_task",
        }:
            candidates.extend(call.args[:2])
        elif short in {"create_task", "ensure_future", "run_coroutine_threadsafe", "gather"}:
            for arg in call.args:
                if isinstance(arg, ast.Call):
                    candidates.append(arg.func)
        for candidate in candidates:
            name = pyast.dotted(candidate)
            if name:
                names.add(name.split(".")[-1])
    ctx._pr_background = names  # type: ignore[attr-defined]
    return names


def under_lock(node: ast.AST) -> bool:
    """Inside `with <something lock-like>:` / `async with`."""
    for anc in pyast.ancestors(node):
        if isinstance(anc, ast.With | ast.AsyncWith):
            for item in anc.items:
                text = (
                    pyast.dotted(item.context_expr)
                    or pyast.dotted(getattr(item.context_expr, "func", item.context_expr))
                    or ""
                ).lower()
                if any(word in text for word in ("lock", "mutex", "semaphore", "sem", "cond", "rlock")):
                    return True
        if isinstance(anc, ast.FunctionDef | ast.AsyncFunctionDef):
            return False
    return False
