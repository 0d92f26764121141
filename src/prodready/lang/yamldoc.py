"""YAML documents with line numbers kept on every mapping key and list item.

Compose and Kubernetes rules need to point at the key that is wrong, so the loader keeps the
line of each key (``YMap.line_of(key)``) and of each list item (``YList.line_of(index)``).
"""

from __future__ import annotations

from typing import Any

import yaml


class YMap(dict[str, Any]):
    line: int = 0
    end_line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list[Any]):
    line: int = 0
    end_line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    pass


def _convert(node: yaml.Node, loader: _Loader, depth: int = 0) -> Any:
    if depth > 200:
        raise yaml.YAMLError("YAML nested too deeply")
    if isinstance(node, yaml.MappingNode):
        result = YMap()
        result.key_lines = {}
        result.line = node.start_mark.line + 1
        result.end_line = node.end_mark.line + 1
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = _convert(value_node, loader, depth + 1)
                for item in merged if isinstance(merged, list) else [merged]:
                    if isinstance(item, YMap):
                        for key, value in item.items():
                            result.setdefault(key, value)
                            result.key_lines.setdefault(key, item.line_of(key))
                continue
            key = loader.construct_object(key_node, deep=True)
            key_text = str(key)
            result[key_text] = _convert(value_node, loader, depth + 1)
            result.key_lines[key_text] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        seq = YList()
        seq.line = node.start_mark.line + 1
        seq.end_line = node.end_mark.line + 1
        seq.item_lines = []
        for item in node.value:
            seq.append(_convert(item, loader, depth + 1))
            seq.item_lines.append(item.start_mark.line + 1)
        return seq
    return loader.construct_object(node, deep=True)


def load_yaml_documents(text: str) -> list[Any]:
    """All documents of a YAML stream, as YMap/YList/scalars. Raises yaml.YAMLError."""
    loader = _Loader(text)
    documents: list[Any] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                documents.append(_convert(node, loader))
    finally:
        loader.dispose()
    return documents
