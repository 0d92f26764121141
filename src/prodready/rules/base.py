"""The unit of a rule: metadata, documentation and the node kinds it asks for.

A rule module holds a docstring with fixed sections (the only prose), one ``RULE = RuleMeta(...)``
and one or more handlers registered with the decorators below. The engine walks each parsed file
once and hands every handler only the nodes it asked for.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity

if TYPE_CHECKING:
    from prodready.engine.context import (
        ProjectContext,
        PyContext,
        TreeContext,
    )

DOC_SECTIONS = (
    "What it does",
    "Why it matters in production",
    "Example",
    "Use instead",
    "Known limitations",
    "References",
)

# Node kinds a tree handler's callee= test can filter (assignments: Go, by their first value).
CALLEE_KINDS = frozenset({"call_expression", "short_var_declaration", "assignment_statement"})

PyHandler = Callable[[Any, "PyContext"], Iterable[Hit] | None]
TreeHandler = Callable[[Any, "TreeContext"], Iterable[Hit] | None]
FileHandler = Callable[[Any], Iterable[Hit] | None]
ProjectHandler = Callable[["ProjectContext"], Iterable[Hit] | None]


@dataclass
class Handlers:
    """Node kinds a rule (or a fact collector) asked for, per language."""

    python: list[tuple[type[ast.AST], PyHandler]] = field(default_factory=list)
    # ast.Call handlers that only care about some callees, keyed by the callee's last name
    # ("get" for requests.get): the engine skips them for every other call.
    python_calls: list[tuple[frozenset[str], PyHandler]] = field(default_factory=list)
    # Python handlers that do nothing in some files (see on_python's skip_file=).
    python_skip_file: dict[PyHandler, Callable[[Any], object]] = field(default_factory=dict)
    tree: list[tuple[Language, str, TreeHandler]] = field(default_factory=list)
    # Tree handlers of call nodes that only care about some callees: handler -> a test of the
    # callee text the engine runs first (it skips the handler for every other call).
    tree_callee: dict[TreeHandler, Callable[[str], object]] = field(default_factory=dict)
    # Tree handlers that do nothing in some files: handler -> a test of the file's context the
    # engine runs once per file (it leaves the handler out for the files that pass it).
    tree_skip_file: dict[TreeHandler, Callable[[Any], object]] = field(default_factory=dict)
    file: list[tuple[Language, FileHandler]] = field(default_factory=list)
    project: list[ProjectHandler] = field(default_factory=list)


class HandlerSet:
    """Decorators that register handlers; shared by rules and fact collectors."""

    handlers: Handlers

    def on_python(
        self,
        *node_types: type[ast.AST],
        calls: Iterable[str] | None = None,
        skip_file: Callable[[PyContext], object] | None = None,
    ) -> Callable[[PyHandler], PyHandler]:
        """Register for node types; with ``calls=``, only ast.Call nodes whose callee's last name
        is one of them (``{"get", "post"}``) reach the handler. With ``skip_file=``, the handler is
        not called at all in a file whose context passes that test (one its own first checks
        return on, such as ``ctx.is_test_file``)."""
        wanted = frozenset(calls) if calls is not None else None

        def register(func: PyHandler) -> PyHandler:
            if skip_file is not None:
                self.handlers.python_skip_file[func] = skip_file
            if wanted is not None:
                if node_types != (ast.Call,):
                    raise ValueError("calls= filters ast.Call handlers only")
                self.handlers.python_calls.append((wanted, func))
                return func
            for node_type in node_types:
                self.handlers.python.append((node_type, func))
            return func

        return register

    def on_tree(
        self,
        *kinds: str,
        languages: Iterable[Language],
        callee: Callable[[str], object] | None = None,
        skip_file: Callable[[TreeContext], object] | None = None,
    ) -> Callable[[TreeHandler], TreeHandler]:
        """Register for node kinds. With ``callee=``, a call reaches the handler only when
        ``callee(text of the called function)`` is true, and a Go assignment only when its first
        right-hand value is a call that passes the test: a cheap test the handler's own first
        checks imply, so the engine can skip the many nodes it ignores. With ``skip_file=``, the
        handler is not called at all in a file whose context passes that test (one its own first
        checks return on, such as test code)."""
        langs = tuple(languages)

        def register(func: TreeHandler) -> TreeHandler:
            if skip_file is not None:
                self.handlers.tree_skip_file[func] = skip_file
            if callee is not None:
                if not set(kinds) <= CALLEE_KINDS:
                    raise ValueError(f"callee= filters only {', '.join(sorted(CALLEE_KINDS))} handlers")
                self.handlers.tree_callee[func] = callee
            for lang in langs:
                for kind in kinds:
                    self.handlers.tree.append((lang, kind, func))
            return func

        return register

    def on_file(self, *languages: Language) -> Callable[[FileHandler], FileHandler]:
        def register(func: FileHandler) -> FileHandler:
            for lang in languages:
                self.handlers.file.append((lang, func))
            return func

        return register

    def on_project(self, func: ProjectHandler) -> ProjectHandler:
        self.handlers.project.append(func)
        return func


@dataclass
class RuleMeta(HandlerSet):
    """Structured facts about one rule; the module docstring holds the prose."""

    id: str
    name: str
    category: Category
    severity: Severity
    confidence: Confidence
    languages: frozenset[Language]
    fix: str
    references: tuple[str, ...] = ()
    status: str = "stable"
    doc: str = ""
    # False when each place is a defect of its own (two collections that grow, two lazy globals):
    # their instances in one file are not merged into one finding with locations.
    grouped: bool = True
    # False for an opt-in rule: it runs only when a selector names it (`--select PR-EH-002`, its
    # category, or `select` in the configuration), like the rules outside Ruff's default set. Rules
    # whose findings reviewers of real services almost never write up stay out of the default audit.
    default: bool = True
    # One id per problem: the per-language matchers of a problem each declare the problem's id, and
    # here the id (and name) they had before ids were merged across languages. Those old ids still
    # select, ignore and suppress this matcher's findings, and the first one stays the seed of its
    # fingerprints, so baselines and history written before the merge keep matching.
    aliases: tuple[str, ...] = ()
    handlers: Handlers = field(default_factory=Handlers, repr=False)
    # A catalogue entry that stands for several matchers (one problem, several languages) lists
    # them here; it has no handlers of its own (see registry.merge_matchers).
    matchers: tuple[RuleMeta, ...] = field(default=(), repr=False)

    def __hash__(self) -> int:
        return hash(self.key)

    @property
    def key(self) -> str:
        """This matcher's own id: its old id when it had another one, else the rule id. Unique
        across the registry; selectors, fingerprints and the index name matchers by it."""
        return matcher_key(self.id, self.aliases)

    @property
    def title(self) -> str:
        return self.doc.strip().splitlines()[0].strip().rstrip(".") if self.doc.strip() else self.name

    def section(self, name: str) -> str:
        return parse_doc(self.doc).get(name, "")

    def hit(self, node: Any, message: str, *, anchor: str = "") -> Hit:
        """A Hit spanning a Python ast node or a tree-sitter node."""
        line, end_line = node_lines(node)
        return Hit(line=line, end_line=end_line, message=message, anchor=anchor)


def matcher_key(rule_id: str, aliases: tuple[str, ...]) -> str:
    return next((alias for alias in aliases if alias.startswith("PR-")), rule_id)


class FactCollector(HandlerSet):
    """Handlers that add facts to the ProjectModel instead of findings."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.handlers = Handlers()


def node_lines(node: Any) -> tuple[int, int]:
    if isinstance(node, ast.AST):
        line = getattr(node, "lineno", 1)
        return line, getattr(node, "end_lineno", line) or line
    start = node.start_point
    end = node.end_point
    return start.row + 1, end.row + 1


_SECTION_RE = lazy_compile(r"^##\s+(.+?)\s*$", re.MULTILINE)


def parse_doc(doc: str) -> dict[str, str]:
    """Split a rule docstring into its '## Section' blocks; 'title' and 'summary' too."""
    text = doc.strip("\n")
    parts: dict[str, str] = {}
    matches = list(_SECTION_RE.finditer(text))
    head = text[: matches[0].start()] if matches else text
    head_lines = head.strip().splitlines()
    parts["title"] = head_lines[0].strip().rstrip(".") if head_lines else ""
    parts["summary"] = "\n".join(head_lines[1:]).strip()
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        parts[match.group(1)] = _dedent(text[match.end() : end]).strip("\n")
    return parts


def _dedent(block: str) -> str:
    lines = block.splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines)


def iter_hits(result: Iterable[Hit] | None) -> Iterator[Hit]:
    if result is None:
        return iter(())
    return iter(result)
