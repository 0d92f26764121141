"""Request input followed through the local variables of one JS/TS function."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from prodready.lang.treesitter import descendants, field, text, walk
from prodready.lazyre import lazy_compile

SOURCE = lazy_compile(
    r"\b(req|request|ctx\.request|ctx)\.(params|query|body)\b|\bsearchParams\.get\(|\bparams\.\w+|\bformData\.get\(|\b(req|request)\.json\("
)


def tainted_names(func: Any, through: Callable[[Any], bool] | None = None) -> set[str]:
    """Locals holding request input, followed through assignments (two passes). With `through`,
    an assigned value it rejects passes no taint on (path traversal: what a lookup keyed by the
    request returns is a stored record, not the request's text)."""
    names: set[str] = set()
    for _ in range(2):  # two passes: a = req.params.x; b = path.join(dir, a)
        for declarator in descendants(func, "variable_declarator", "assignment_expression"):
            value = (
                field(declarator, "value")
                if declarator.type == "variable_declarator"
                else field(declarator, "right")
            )
            target = (
                field(declarator, "name")
                if declarator.type == "variable_declarator"
                else field(declarator, "left")
            )
            if value is None or target is None or (through is not None and not through(value)):
                continue
            value_text = text(value)
            if SOURCE.search(value_text) or any(re.search(rf"\b{re.escape(n)}\b", value_text) for n in names):
                names.update(
                    text(t)
                    for t in walk(target, "identifier", "shorthand_property_identifier_pattern")
                )
                if target.type == "identifier":
                    names.add(text(target))
    return names


def from_request(node: Any, func: Any | None) -> bool:
    """The expression reads request input directly or through a tainted local variable."""
    value = text(node)
    if SOURCE.search(value):
        return True
    if func is None:
        return False
    return any(re.search(rf"\b{re.escape(n)}\b", value) for n in tainted_names(func))
