"""Load YAML documents into YMap/YList with line numbers, within node and depth limits."""

from __future__ import annotations

from typing import Any

import yaml

from prodready.lang.yamldoc import YList, YMap


class _Loader(yaml.SafeLoader):
    pass


class YamlLimitError(yaml.YAMLError):
    """The document is bigger or deeper than the limits allow (alias bombs, merge-key bombs)."""


class _Budget:
    """Counts nodes as they are converted, aliases expanded each time they are used: a 1 KB
    "billion laughs" document stops at ``max_nodes`` instead of exhausting memory."""

    __slots__ = ("left", "max_nodes", "max_depth")

    def __init__(self, max_nodes: int, max_depth: int) -> None:
        self.left = max_nodes
        self.max_nodes = max_nodes
        self.max_depth = max_depth

    def spend(self, depth: int) -> None:
        self.left -= 1
        if self.left < 0:
            raise YamlLimitError(
                f"YAML expands to more than {self.max_nodes} nodes (aliases counted each use; max-yaml-nodes)"
            )
        if depth > self.max_depth:
            raise YamlLimitError(f"YAML nested deeper than {self.max_depth} levels (max-depth)")


def _key_text(key_node: yaml.Node, loader: _Loader) -> str:
    if isinstance(key_node, yaml.ScalarNode):
        return str(loader.construct_object(key_node, deep=True))
    return f"<{type(key_node).__name__.removesuffix('Node').lower()} key>"  # never str() a structure


def _convert(node: yaml.Node, loader: _Loader, budget: _Budget, depth: int = 0) -> Any:
    budget.spend(depth)
    if isinstance(node, yaml.MappingNode):
        result = YMap()
        result.key_lines = {}
        result.line = node.start_mark.line + 1
        result.end_line = node.end_mark.line + 1
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = _convert(value_node, loader, budget, depth + 1)
                for item in merged if isinstance(merged, list) else [merged]:
                    if isinstance(item, YMap):
                        for key, value in item.items():
                            budget.spend(depth)
                            result.setdefault(key, value)
                            result.key_lines.setdefault(key, item.line_of(key))
                continue
            key_text = _key_text(key_node, loader)
            result[key_text] = _convert(value_node, loader, budget, depth + 1)
            result.key_lines[key_text] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        seq = YList()
        seq.line = node.start_mark.line + 1
        seq.end_line = node.end_mark.line + 1
        seq.item_lines = []
        for item in node.value:
            seq.append(_convert(item, loader, budget, depth + 1))
            seq.item_lines.append(item.start_mark.line + 1)
        return seq
    return loader.construct_object(node, deep=True)


def load_yaml_documents(text: str, *, max_nodes: int = 250_000, max_depth: int = 200) -> list[Any]:
    """All documents of a YAML stream, as YMap/YList/scalars. Raises yaml.YAMLError
    (YamlLimitError when a limit is hit; the node budget is shared by all documents)."""
    loader = _Loader(text)
    budget = _Budget(max_nodes, max_depth)
    documents: list[Any] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                documents.append(_convert(node, loader, budget))
    finally:
        loader.dispose()
    return documents
