"""What a rule sees: one parsed file (per language) or the whole project."""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from prodready.lang import python as pyast
from prodready.lang import treesitter as ts
from prodready.model import Language

if TYPE_CHECKING:  # their readers are imported by the engine only for such files
    from prodready.lang.appconfig import ConfigEntry
    from prodready.lang.dockerfile import Dockerfile
    from prodready.lang.dotenv import EnvEntry
    from prodready.lang.nginx import NginxConfig
    from prodready.lang.shell import ShellScript


class RuleRef(Protocol):
    """What a context needs of a rule: its id. (The engine does not depend on the rules' base.)"""

    @property
    def id(self) -> str: ...


@dataclass(eq=False, repr=False)  # never compared or printed: spare generating both
class FileContext:
    path: str  # posix, relative to the audited root
    language: Language
    text: str
    facts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    examined: Counter[str] = field(default_factory=Counter)
    _lines: list[str] | None = None
    # Per-file answers rules would otherwise recompute per node (is_script_like, imports_any).
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)
    # The text is the file's bytes decoded as UTF-8 and nothing else (no BOM or UTF-16, no
    # template defaults rendered): what reading the file from disk again would give.
    verbatim: bool = False

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def examine(self, rule: RuleRef, count: int = 1) -> None:
        """Record that the rule looked at a candidate (positive evidence for `checks`)."""
        self.examined[rule.id] += count

    def emit(self, fact: str, /, line: int | None = None, **data: Any) -> None:
        """Add a fact for the ProjectModel (route, env var, client, signal, ...)."""
        record = {"file": self.path, "line": line, **data}
        self.facts.setdefault(fact, []).append(record)

    @cached_property
    def is_test_file(self) -> bool:
        return is_test_path(self.path)


# Tests, and code that documents or demonstrates rather than runs in production.
NON_PRODUCTION_DIRS = frozenset(
    {"tests", "test", "__tests__", "testing", "spec", "e2e", "docs", "docs_src", "doc", "examples", "example",
     "samples", "sample", "demo", "demos", "benchmarks", "fixtures", "testdata", "unit", "integration"}
)


def is_test_path(path: str) -> bool:
    parts = path.lower().split("/")
    name = parts[-1]
    if any(p in NON_PRODUCTION_DIRS for p in parts[:-1]):
        return True
    return (
        name.startswith("test_")
        or name in {"tests.py", "test.py"}
        or name.endswith(("_test.py", "_test.go", "conftest.py"))
        or ".test." in name
        or ".spec." in name
    )


@dataclass(eq=False, repr=False)
class PyContext(FileContext):
    tree: ast.Module = field(default_factory=lambda: ast.Module(body=[], type_ignores=[]))
    imports: dict[str, str] = field(default_factory=dict)
    all_nodes: list[ast.AST] = field(default_factory=list)  # pre-order, parents set
    by_type: dict[type[ast.AST], list[ast.AST]] = field(default_factory=dict)

    def nodes_of(self, *types: type[ast.AST]) -> list[Any]:
        """Every node of these types in the file, from the one walk the engine did (no ast.walk)."""
        if len(types) == 1:
            return self.by_type.get(types[0], [])
        found: list[ast.AST] = []
        for node_type in types:
            found.extend(self.by_type.get(node_type, []))
        return found

    _call_names: dict[int, str | None] = field(default_factory=dict, repr=False)

    def call_name(self, call: ast.Call) -> str | None:
        """Qualified callee: ``requests.get`` even after ``from requests import get``.
        Memoised: dozens of rules ask about the same call."""
        key = id(call)
        if key not in self._call_names:
            self._call_names[key] = pyast.call_name(call, self.imports)
        return self._call_names[key]

    def qualified(self, node: ast.AST) -> str | None:
        return pyast.qualified(node, self.imports)

    def imports_module(self, *prefixes: str) -> bool:
        return any(
            value == prefix or value.startswith(prefix + ".")
            for value in self.imports.values()
            for prefix in prefixes
        )


@dataclass(eq=False, repr=False)
class TreeContext(FileContext):
    grammar: str = "javascript"
    root: Any = None  # tree_sitter.Node
    imports: dict[str, str] = field(default_factory=dict)  # local name -> module / import path
    node_server_package: bool = False  # the nearest package.json declares a Node server, no browser framework

    def text_of(self, node: Any) -> str:
        return ts.text(node)

    def module_of(self, identifier: str) -> str | None:
        return self.imports.get(identifier)

    def imports_module(self, *names: str) -> bool:
        values = set(self.imports.values())
        return any(name in values for name in names)


@dataclass(eq=False, repr=False)
class DockerfileContext(FileContext):
    dockerfile: Dockerfile = field(default_factory=lambda: _empty_dockerfile())


@dataclass(eq=False, repr=False)
class YamlContext(FileContext):
    documents: list[Any] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class DotenvContext(FileContext):
    entries: list[EnvEntry] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class AppConfigContext(FileContext):
    entries: list[ConfigEntry] = field(default_factory=list)

    @property
    def production(self) -> bool:
        """False for example, test and developer-local settings files (judged by path)."""
        from prodready.lang.appconfig import is_production_config

        return is_production_config(self.path)


@dataclass(eq=False, repr=False)
class ShellContext(FileContext):
    script: ShellScript = field(default_factory=lambda: _empty_script())


@dataclass(eq=False, repr=False)
class NginxContext(FileContext):
    config: NginxConfig = field(default_factory=lambda: _empty_nginx())


@dataclass(eq=False, repr=False)
class ManifestContext(FileContext):
    kind: str = ""  # requirements | pyproject | package.json | go.mod | pipfile
    data: Any = None


@dataclass(eq=False, repr=False)
class ProjectContext:
    """The whole tree after the per-file pass: the ProjectModel and the file list."""

    model: Any  # prodready.project.ProjectModel
    examined: Counter[str] = field(default_factory=Counter)

    def examine(self, rule: RuleRef, count: int = 1) -> None:
        self.examined[rule.id] += count


def _empty_script() -> ShellScript:
    from prodready.lang.shell import ShellScript

    return ShellScript(shebang="")


def _empty_nginx() -> NginxConfig:
    from prodready.lang.nginx import NginxConfig

    return NginxConfig([])


def _empty_dockerfile() -> Dockerfile:
    from prodready.lang.dockerfile import Dockerfile

    return Dockerfile([], [])
