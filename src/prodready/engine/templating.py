"""Cookiecutter project templates, read as the project they generate by default.

A file under a `{{cookiecutter.project_slug}}/` directory is the service a user gets: its
`{{ cookiecutter.NAME }}` placeholders are replaced by the defaults of the template's
`cookiecutter.json` (one line stays one line, so findings keep their line numbers). Without
this, a compose file with an unquoted placeholder is not even valid YAML, and a literal default
password (`"{{cookiecutter.postgres_password}}"`) looks like a placeholder.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

from prodready.lazyre import lazy_compile

# `{{ cookiecutter.NAME }}` is rendered as NAME's default; an expression on it
# (`{{ cookiecutter.name.lower()|replace(' ', '_') }}`) as the bare NAME, which is at least an identifier.
_VARIABLE = lazy_compile(r"\{\{-?\s*cookiecutter\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}")
_EXPRESSION = lazy_compile(r"\{\{-?\s*cookiecutter\.([A-Za-z_][A-Za-z0-9_]*)[^}]*\}\}")
_BLOCK_TAG = lazy_compile(r"\{%-?.*?-?%\}")
_MAX_DEPTH = 12


def in_template(relpath: str) -> bool:
    return "{{" in relpath and "cookiecutter" in relpath


@lru_cache(maxsize=32)
def _defaults(json_path: str) -> dict[str, str]:
    try:
        with open(json_path, encoding="utf-8") as handle:
            data: Any = json.load(handle)
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    values: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, list) and value:
            value = value[0]  # a choice variable: the first option is the default
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            values[str(key)] = str(value)
    for _ in range(3):  # defaults that refer to other variables
        for key, value in values.items():
            values[key] = _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), value)
    # a default still templated after that (a Jinja expression): its own name is the best stand-in
    return {key: key if "{{" in value or "{%" in value else value.replace("\n", " ") for key, value in values.items()}


def _find_json(abspath: str, relpath: str) -> str | None:
    directory = os.path.dirname(abspath)
    for _ in range(min(relpath.count("/") + 1, _MAX_DEPTH)):
        candidate = os.path.join(directory, "cookiecutter.json")
        if os.path.isfile(candidate):
            return candidate
        directory = os.path.dirname(directory)
    return None


def render_defaults(abspath: str, relpath: str, text: str) -> str:
    """`text` with cookiecutter variables replaced by their defaults; other text unchanged."""
    if not in_template(relpath) or "{" not in text:
        return text
    json_path = _find_json(abspath, relpath)
    values = _defaults(json_path) if json_path else {}
    text = _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(1)), text)
    text = _EXPRESSION.sub(lambda m: m.group(1), text)
    return _BLOCK_TAG.sub("", text)
