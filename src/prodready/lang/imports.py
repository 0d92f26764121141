"""Import maps for JavaScript/TypeScript and Go: local name -> module or import path."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from prodready.lang.treesitter import field, string_value, text


def js_imports(root: Any) -> dict[str, str]:
    """``import x from 'm'``, ``import {a as b} from 'm'``, ``const x = require('m')``."""
    imports: dict[str, str] = {}
    for node in root.children:
        if node.type == "import_statement":
            source = string_value(field(node, "source")) or ""
            for clause in node.named_children:
                if clause.type != "import_clause":
                    continue
                for part in clause.named_children:
                    if part.type == "identifier":
                        imports[text(part)] = source
                    elif part.type == "namespace_import":
                        for ident in part.named_children:
                            imports[text(ident)] = source
                    elif part.type == "named_imports":
                        for spec in part.named_children:
                            if spec.type != "import_specifier":
                                continue
                            alias = field(spec, "alias") or field(spec, "name")
                            name = field(spec, "name")
                            imports[text(alias)] = f"{source}#{text(name)}"
        elif node.type in {"lexical_declaration", "variable_declaration"}:
            for declarator in node.named_children:
                if declarator.type != "variable_declarator":
                    continue
                value = field(declarator, "value")
                module = _require_source(value)
                if module is None:
                    continue
                name = field(declarator, "name")
                if name is None:
                    continue
                if name.type == "identifier":
                    imports[text(name)] = module
                elif name.type == "object_pattern":
                    for prop in name.named_children:
                        if prop.type == "shorthand_property_identifier_pattern":
                            imports[text(prop)] = f"{module}#{text(prop)}"
                        elif prop.type == "pair_pattern":
                            key = field(prop, "key")
                            val = field(prop, "value")
                            if val is not None:
                                # `{ default: axios } = require('axios')` is the module's default export
                                imports[text(val)] = module if text(key) == "default" else f"{module}#{text(key)}"
    source_text = root.text.decode("utf-8", "replace") if root.text is not None else ""
    if "require(" in source_text:
        _nested_requires(source_text, imports)
    return imports


# `const axios = require('axios')` inside a function (a lazy require): the name means the same module
# there; a top-level binding of the same name wins.
NESTED_REQUIRE = re.compile(
    r"^[ \t]+(?:const|let|var)\s+(?P<name>\w+|\{[^}=]*\})\s*=\s*require\(\s*['\"](?P<module>[^'\"]+)['\"]\s*\)",
    re.MULTILINE,
)


def _nested_requires(source: str, imports: dict[str, str]) -> None:
    found: dict[str, set[str]] = {}
    for match in NESTED_REQUIRE.finditer(source):
        module, name = match.group("module"), match.group("name")
        if not name.startswith("{"):
            found.setdefault(name, set()).add(module)
            continue
        for part in name.strip("{} \n").split(","):
            key, _, alias = (p.strip() for p in part.partition(":"))
            if key and re.fullmatch(r"\w+", alias or key):
                found.setdefault(alias or key, set()).add(module if key == "default" else f"{module}#{key}")
    for name, modules in found.items():
        if len(modules) == 1:  # one name bound to two modules in two functions says nothing file-wide
            imports.setdefault(name, modules.pop())


def _require_source(value: Any) -> str | None:
    while value is not None and value.type in {"member_expression", "await_expression"}:
        value = field(value, "object") if value.type == "member_expression" else value.named_children[0]
    if value is None or value.type != "call_expression":
        return None
    if text(field(value, "function")) != "require":
        return None
    args = field(value, "arguments")
    if args is None or not args.named_children:
        return None
    return string_value(args.named_children[0])


def go_imports(root: Any) -> dict[str, str]:
    """Package name (or alias) -> import path."""
    imports: dict[str, str] = {}
    guessed: dict[str, str] = {}  # conventional package names, kept when no import claims the name
    for node in root.children:
        if node.type != "import_declaration":
            continue
        specs = [c for c in node.named_children if c.type == "import_spec"]
        for spec_list in (c for c in node.named_children if c.type == "import_spec_list"):
            specs.extend(c for c in spec_list.named_children if c.type == "import_spec")
        for spec in specs:
            path = string_value(field(spec, "path")) or ""
            alias = field(spec, "name")
            if alias is not None and text(alias) not in {"_", "."}:
                imports[text(alias)] = path
            else:
                last = path.rstrip("/").split("/")[-1]
                if last.startswith("v") and last[1:].isdigit():
                    last = path.rstrip("/").split("/")[-2]
                imports[last.replace("-", "_").replace(".", "_")] = path
                conventional = go_package_name(last)
                if conventional:
                    guessed.setdefault(conventional, path)
    for name, path in guessed.items():
        imports.setdefault(name, path)
    return imports


@lru_cache(maxsize=4096)
def go_package_name(last: str) -> str:
    """The package name a Go import path element conventionally declares, when it differs:
    `jwt-go` -> jwt, `ozzo-dbx` -> dbx, `go-sqlite3` -> sqlite3, `yaml.v3` -> yaml (a pure
    function of the element, remembered: the same few hundred packages are imported everywhere)."""
    name = re.sub(r"\.v\d+$", "", last) if ".v" in last else last
    if "-" in name:
        name = re.sub(r"^go-|-go(lang)?$", "", name)
        name = name.rsplit("-", 1)[-1]
    name = name.replace(".", "_")
    return name if name != last and name.isidentifier() else ""
