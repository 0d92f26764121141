"""Django settings read from the settings module's AST: the database entries of DATABASES."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.rules._pyutil import is_script_like

# ENGINE values of networked databases (a connection costs a TCP handshake, TLS and auth)
NETWORK_ENGINES = ("postgresql", "postgis", "mysql", "oracle", "mssql", "cockroachdb")


@dataclass(frozen=True)
class DatabaseEntry:
    """One database dict of a Django settings module (`{"ENGINE": ..., "NAME": ...}`)."""

    entry: ast.Dict
    engine: str
    assigned_at: int  # the line of the assignment that holds the dict (`DATABASES = {`)

    def key(self, name: str) -> tuple[ast.expr, ast.expr] | None:
        for key, value in zip(self.entry.keys, self.entry.values, strict=False):
            if isinstance(key, ast.Constant) and key.value == name:
                return key, value
        return None


def is_settings_module(ctx: PyContext) -> bool:
    return "DATABASES" in ctx.text or "INSTALLED_APPS" in ctx.text or "/settings" in f"/{ctx.path}"


def no_databases(ctx: PyContext) -> bool:
    """skip_file= for rules over DATABASES: scripts, and modules that are no settings or name no ENGINE."""
    return is_script_like(ctx) or "ENGINE" not in ctx.text or not is_settings_module(ctx)


def network_databases(ctx: PyContext) -> Iterator[DatabaseEntry]:
    """Database dicts with a networked ENGINE, assigned at module level (also inside if/else)."""
    for statement in ast.walk(ctx.tree):
        if not isinstance(statement, ast.Assign | ast.AnnAssign) or pyast.enclosing_function(statement) is not None:
            continue
        value = statement.value
        if not isinstance(value, ast.Dict):
            continue
        for entry in _entries(value):
            found = next((v for k, v in zip(entry.keys, entry.values, strict=False)
                          if isinstance(k, ast.Constant) and k.value == "ENGINE"), None)
            engine = pyast.const_str(found) if found is not None else None
            if engine and any(name in engine for name in NETWORK_ENGINES):
                yield DatabaseEntry(entry, engine, statement.lineno)


def _entries(value: ast.Dict) -> Iterator[ast.Dict]:
    """The dict itself when it is an entry (has ENGINE), else its dict values (DATABASES = {"default": {...}})."""
    keys = {k.value for k in value.keys if isinstance(k, ast.Constant)}
    if "ENGINE" in keys:
        yield value
        return
    for item in value.values:
        if isinstance(item, ast.Dict):
            yield item
