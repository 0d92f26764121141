"""tree-sitter grammars for JavaScript, TypeScript/TSX and Go, and node helpers."""

from __future__ import annotations

import bisect
import operator
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import tree_sitter

Node = tree_sitter.Node

GRAMMARS = ("javascript", "typescript", "tsx", "go")


@lru_cache(maxsize=8)
def grammar(name: str) -> tree_sitter.Language:
    # Each grammar package is imported on first use: an audit loads only the grammars it parses.
    if name == "javascript":
        import tree_sitter_javascript

        return tree_sitter.Language(tree_sitter_javascript.language())
    if name == "typescript":
        import tree_sitter_typescript

        return tree_sitter.Language(tree_sitter_typescript.language_typescript())
    if name == "tsx":
        import tree_sitter_typescript

        return tree_sitter.Language(tree_sitter_typescript.language_tsx())
    if name == "go":
        import tree_sitter_go

        return tree_sitter.Language(tree_sitter_go.language())
    raise ValueError(f"no grammar {name}")


@lru_cache(maxsize=8)
def parser(name: str) -> tree_sitter.Parser:
    return tree_sitter.Parser(grammar(name))


@lru_cache(maxsize=1024)
def has_kind(grammar_name: str, kind: str) -> bool:
    return grammar(grammar_name).id_for_node_kind(kind, True) is not None


def text(node: Node | None) -> str:
    if node is None:
        return ""
    data = node.text  # a new bytes object at every access: read it once
    return "" if data is None else data.decode("utf-8", "replace")


def code_text(node: Node | None) -> str:
    """``text(node)`` with every comment inside it blanked (newlines kept, so line arithmetic on
    the result stays right): for the regex reads of a body, where a word in a comment is no use."""
    if node is None or node.text is None:
        return ""
    data = bytearray(node.text)
    start = node.start_byte
    for comment in descendants(node, "comment"):
        begin, end = comment.start_byte - start, comment.end_byte - start
        data[begin:end] = bytes(b if b in (0x0A, 0x0D) else 0x20 for b in data[begin:end])
    return data.decode("utf-8", "replace")


def field(node: Node, name: str) -> Node | None:
    return node.child_by_field_name(name)


def ancestors(node: Node) -> Iterator[Node]:
    current = node.parent
    while current is not None:
        yield current
        current = current.parent


class TreeIndex:
    """Nodes of one tree grouped by kind, in pre-order, gathered by tree-sitter queries.

    Rules and fact collectors ask for "the calls inside this function" many times per file; a
    Python-level walk per question cost over a third of a JS/Go audit. The index holds the kinds
    asked for in this tree: those the engine captured already (``known``) are taken as they are,
    the others gathered by one query (run in C) when first asked; each question is then answered
    with a binary search.
    """

    def __init__(self, root: Node, grammar_name: str, known: dict[str, list[Node]] | None = None) -> None:
        self.root = root
        self.grammar_name = grammar_name
        self.known = known or {}
        self.kinds: set[str] = set()
        self.by_kind: dict[str, list[Node]] = {}
        self.starts: dict[str, list[int]] = {}

    def add(self, kinds: Iterable[str]) -> None:
        """Index these kinds too (each gathered at most once)."""
        wanted = [kind for kind in dict.fromkeys(kinds) if kind not in self.kinds]
        if not wanted:
            return
        # Kinds the engine already captured in this tree (for its dispatch) are not queried again.
        gathered: dict[str, list[Node]] = {kind: [] for kind in wanted if kind not in self.known}
        if gathered:
            captured = tree_sitter.QueryCursor(_kinds_query(self.grammar_name, frozenset(gathered))).captures(self.root)
            for node in span_sorted(captured.get("n", ())):
                gathered[node.type].append(node)
        for kind in wanted:
            nodes = self.known[kind] if kind in self.known else gathered[kind]
            starts = [n.start_byte for n in nodes]
            # Captures come in document order: with distinct starts that already is the
            # (start, -end) order, and the sort can be skipped.
            if len(set(starts)) != len(starts) or starts != sorted(starts):
                nodes = span_sorted(nodes)
                starts = [n.start_byte for n in nodes]
            self.by_kind[kind] = nodes
            self.starts[kind] = starts
        self.kinds.update(wanted)

    def within(self, node: Node, kinds: tuple[str, ...]) -> list[Node]:
        start, end = node.start_byte, node.end_byte
        # Ancestors of `node` with the very same span would pass the range test: leave them out.
        same_span = {node.id}
        up = node.parent
        while up is not None and up.start_byte == start and up.end_byte == end:
            same_span.add(up.id)
            up = up.parent
        found: list[Node] = []
        for kind in kinds:
            starts = self.starts.get(kind)
            if not starts:
                continue
            nodes = self.by_kind[kind]
            index = bisect.bisect_left(starts, start)
            while index < len(nodes) and starts[index] <= end:
                candidate = nodes[index]
                index += 1
                if candidate.end_byte <= end and candidate.id not in same_span:
                    if candidate.start_byte == end and candidate.end_byte == end and start != end:
                        continue  # an empty node just after `node`
                    found.append(candidate)
        if len(kinds) > 1:
            found = span_sorted(found)
        return found


_START_BYTE = operator.attrgetter("start_byte")
_END_BYTE = operator.attrgetter("end_byte")


def span_sorted(nodes: Iterable[Node]) -> list[Node]:
    """Nodes in document order, as ``descendants`` gives them across kinds: ``sorted(nodes, key=lambda n: (n.start_byte, -n.end_byte))`` by two stable sorts on C-level keys (no Python call and
    no tuple per node): by end descending, then by start (ties keep the end order, and nodes of
    the same span keep their order, as the keyed sort keeps them)."""
    ordered = sorted(nodes, key=_END_BYTE, reverse=True)
    ordered.sort(key=_START_BYTE)
    return ordered


@lru_cache(maxsize=64)
def _kinds_query(grammar_name: str, kinds: frozenset[str]) -> tree_sitter.Query:
    alternatives = " ".join(f"({kind})" for kind in sorted(kinds))
    return tree_sitter.Query(grammar(grammar_name), f"[{alternatives}] @n")


# The tree being analysed: the engine names its grammar.
_CURRENT: dict[str, Any] = {"root_id": None, "root": None, "grammar": None, "index": None, "known": {}}
# Answers many rules ask about the same node (callee text, argument lists), for the current tree.
MEMO: dict[tuple[str, int], Any] = {}
# Per grammar: trees analysed, and in how many of them each kind was asked of ``descendants``.
_TREES: Counter[str] = Counter()
_ASKED: dict[str, Counter[str]] = {}


def analysing(root: Node, grammar_name: str) -> None:
    """Called by the engine for each JS/TS/Go file before its rules run."""
    # Holding the root keeps its tree alive, so no other live node can reuse an id MEMO knows.
    # prodready: ignore[PR-UG-001] fixed keys, overwritten for each file
    _CURRENT.update(root_id=root.id, root=root, grammar=grammar_name, index=None, known={})
    MEMO.clear()
    # prodready: ignore[PR-UG-001] one key per grammar (javascript, typescript, tsx, go): bounded
    _TREES[grammar_name] += 1


# A kind is gathered with the dispatch query once asked in this share of a grammar's trees (or more).
PREFETCH_SHARE = 20


def asked_kinds(grammar_name: str) -> set[str]:
    """The node kinds rules have asked ``descendants`` for in at least one tree in PREFETCH_SHARE
    of this grammar so far: the engine gathers them with its dispatch query, at no extra walk. A
    kind asked in fewer trees (JS return statements and comments, asked in under one file in a
    hundred) is gathered in those trees alone, by a query of its own (a walk of the whole tree),
    instead of being built as nodes in every tree after them."""
    trees = _TREES[grammar_name]
    return {kind for kind, count in _ASKED.get(grammar_name, Counter()).items() if PREFETCH_SHARE * count >= trees}


def captured(root: Node, nodes_by_kind: dict[str, list[Node]]) -> None:
    """The engine's dispatch query found every node of these kinds in the tree being analysed:
    the index behind ``descendants`` reuses them instead of capturing them again."""
    if root.id == _CURRENT["root_id"]:
        _CURRENT["known"] = nodes_by_kind
        if _CURRENT["index"] is not None:  # asked before the dispatch (reading the imports)
            _CURRENT["index"].known = nodes_by_kind


def _walk_kinds(node: Node, wanted: set[str]) -> Iterator[Node]:
    stack = list(reversed(node.children))
    while stack:
        current = stack.pop()
        if not wanted or current.type in wanted:
            yield current
        stack.extend(reversed(current.children))


def descendants(node: Node, *kinds: str) -> Iterator[Node]:
    """Pre-order descendants, optionally filtered by kind."""
    grammar_name = _CURRENT["grammar"]
    if not kinds or grammar_name is None:
        yield from _walk_kinds(node, set(kinds))
        return
    root = node
    while root.parent is not None:
        root = root.parent
    if root.id != _CURRENT["root_id"]:
        yield from _walk_kinds(node, set(kinds))  # a tree the engine did not announce
        return
    valid = [kind for kind in kinds if has_kind(grammar_name, kind)]
    if len(valid) != len(kinds):
        yield from _walk_kinds(node, set(kinds))  # anonymous or foreign kinds: walk as before
        return
    index: TreeIndex | None = _CURRENT["index"]
    if index is None:
        index = _CURRENT["index"] = TreeIndex(root, grammar_name, _CURRENT["known"])
    if not index.kinds.issuperset(valid):
        # prodready: ignore[PR-UG-001] one entry per grammar (four), and node kinds the rules name
        _ASKED.setdefault(grammar_name, Counter()).update(kind for kind in dict.fromkeys(valid) if kind not in index.kinds)
        index.add(valid)
    yield from index.within(node, tuple(valid))


def walk(node: Node, *kinds: str) -> Iterator[Node]:
    """``descendants(node, *kinds)`` by a walk of the node's own subtree, which never joins the
    per-file index: for a few nodes under a small node (a parameter list, an assignment target).
    A kind asked of ``descendants`` is gathered in every later file (identifiers: most nodes of a
    JS tree), a cost these few answers do not repay."""
    return _walk_kinds(node, set(kinds))


def scan(node: Node, *kinds: str) -> list[Node]:
    """``list(descendants(node, *kinds))``, gathered by a query of its own: for kinds asked only
    in rare files, which would otherwise join the per-file index and be gathered in every file
    after them."""
    grammar_name = _CURRENT["grammar"]
    root = node
    while root.parent is not None:
        root = root.parent
    if grammar_name is None or root.id != _CURRENT["root_id"] or not all(has_kind(grammar_name, kind) for kind in kinds):
        return list(descendants(node, *kinds))  # walked, as descendants does for such trees
    index = TreeIndex(root, grammar_name)
    index.add(kinds)
    return index.within(node, kinds)


def call_function(node: Node) -> Node | None:
    """The called expression of a call_expression. TypeScript parses `await f<T>(x)` as a call of
    `await f`: the await is unwrapped, so a generic call after `await` names its real callee."""
    function = field(node, "function")
    if function is not None and function.type == "await_expression" and function.named_children:
        return function.named_children[0]
    return function


def call_callee(node: Node) -> str:
    """The callee text of a call_expression (JS/TS/Go)."""
    return text(call_function(node))


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
