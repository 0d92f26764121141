"""YAML documents with line numbers kept on every mapping key and list item.

Compose and Kubernetes rules need to point at the key that is wrong, so the loader keeps the
line of each key (``YMap.line_of(key)``) and of each list item (``YList.line_of(index)``).
The loader is in ``yamlload`` (it imports PyYAML): rules need these types, an audit without YAML
files never needs PyYAML.
"""

from __future__ import annotations

from typing import Any


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
