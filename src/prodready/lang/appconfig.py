"""Application configuration files (``conf/app.ini``, ``config/default.json``, ``config.yml``,
``settings.toml``): flat ``section.key = value`` entries with their line numbers.

These files are read line by line, not parsed: the rules need the key, the literal value and the
line a reviewer would point at, and a line scanner gives all three for INI, TOML, JSON and YAML
alike (and keeps going past a syntax error that would stop a parser).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from prodready.lazyre import lazy_compile

# The names a reviewer opens for "the service's settings"; anything else with these suffixes
# (CI workflows, OpenAPI specs, linters' configs, translations) is not application configuration.
CONFIG_STEMS = frozenset(
    {"config", "configs", "conf", "settings", "setting", "application", "app", "default", "defaults",
     "production", "prod", "staging", "values", "secrets", "credentials", "appsettings", "server"}
)
CONFIG_DIRS = frozenset({"config", "configs", "conf", "settings", "configuration", "cfg"})
CONFIG_SUFFIXES = frozenset({".ini", ".toml", ".json", ".yml", ".yaml", ".conf", ".cfg", ".properties"})
# Tool configs that share the suffixes.
NOT_APP_CONFIG = frozenset(
    {"pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", "mypy.ini", ".flake8", "package.json",
     "package-lock.json", "tsconfig.json", "jsconfig.json", "composer.json", "renovate.json",
     "alembic.ini", "uwsgi.ini", "supervisord.conf", "nginx.conf", "tsconfig.base.json", "cargo.toml",
     "netlify.toml", "vercel.json", "now.json", "firebase.json", "app.json", "manifest.json",
     "babel.config.json", "lerna.json", "nx.json", "angular.json", ".eslintrc.json", "gunicorn.conf",
     "codecov.yml", "mkdocs.yml", ".pre-commit-config.yaml", "dependabot.yml", "fly.toml", "render.yaml"}
)
# Where an application config is an example, a test double or a developer's local copy.
NOT_PRODUCTION_PARTS = lazy_compile(
    r"(?i)(^|[/._-])(example|examples|sample|samples|template|templates|dist|test|tests|testing|testdata|"
    r"fixtures?|mock|mocks|dev|development|local|e2e|ci|docs?|demo|spec|stub)([/._-]|$)"
)


def is_app_config_path(relpath: str) -> bool:
    name = relpath.rsplit("/", 1)[-1].lower()
    stem, suffix = os.path.splitext(name)
    if suffix not in CONFIG_SUFFIXES or name in NOT_APP_CONFIG or name.startswith("."):
        return False
    parts = relpath.lower().split("/")
    if any(p.startswith(".") for p in parts[:-1]) or "node_modules" in parts or "vendor" in parts:
        return False
    base = stem.split(".")[0]
    if base in CONFIG_STEMS or re.fullmatch(r"(application|settings|config|values)[-_.]\w+", stem):
        return suffix != ".conf" or base in {"app", "application", "config", "settings"}
    return len(parts) > 1 and parts[-2] in CONFIG_DIRS and suffix in {".ini", ".toml", ".json", ".yml", ".yaml"}


def is_production_config(relpath: str) -> bool:
    """False for example, test and developer-local configuration (judged by its path)."""
    return not NOT_PRODUCTION_PARTS.search(relpath)


@dataclass(frozen=True, slots=True)
class ConfigEntry:
    section: str  # "database" for [database] / nested YAML or JSON parents, "" at top level
    key: str
    value: str  # the literal, unquoted; "" when empty
    quoted: bool
    line: int

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.key}" if self.section else self.key


_INI_SECTION = lazy_compile(r"^\s*\[+\s*([^\]]+?)\s*\]+\s*$")
_KEY_VALUE = lazy_compile(
    r"""^(?P<indent>\s*)(?:-\s+)?["']?(?P<key>[A-Za-z_][\w.-]*)["']?\s*(?P<sep>[:=])\s*(?P<value>.*?)\s*,?\s*$"""
)
_OPEN = lazy_compile(r"""^\s*["']?(?P<key>[A-Za-z_][\w.-]*)["']?\s*:\s*[{\[]?\s*$""")


def _unquote(value: str) -> tuple[str, bool]:
    value = value.strip()
    if len(value) >= 2 and value[0] in "\"'" and value.find(value[0], 1) > 0:
        return value[1 : value.find(value[0], 1)], True
    if value.startswith(("#", ";")):
        return "", False  # `key = ; comment`: no value
    value = re.split(r"\s+[#;]", value, maxsplit=1)[0].strip()
    return value, False


def parse_app_config(text: str, relpath: str) -> list[ConfigEntry]:
    """Every scalar ``key = value`` / ``key: value`` / ``"key": "value"`` with its section."""
    suffix = os.path.splitext(relpath.lower())[1]
    indent_keys = suffix in {".yml", ".yaml", ".json"}
    entries: list[ConfigEntry] = []
    section = ""
    stack: list[tuple[int, str]] = []  # (indent, key) of the open YAML/JSON parents
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith(("#", ";", "//")):
            continue
        if not indent_keys:
            header = _INI_SECTION.match(raw)
            if header:
                section = header.group(1).strip().strip("\"'")
                continue
        indent = len(raw) - len(raw.lstrip())
        if indent_keys:
            while stack and stack[-1][0] >= indent and not stripped.startswith(("}", "]")):
                stack.pop()
            if stripped.startswith(("}", "]")):
                while stack and stack[-1][0] >= indent:
                    stack.pop()
                continue
            opener = _OPEN.match(raw)
            if opener:
                stack.append((indent, opener.group("key")))
                continue
        match = _KEY_VALUE.match(raw)
        if not match:
            continue
        value_text = match.group("value")
        if indent_keys and match.group("sep") == "=":
            continue  # "a = b" inside YAML/JSON is text, not a setting
        if value_text.startswith(("{", "[", "|", ">")) and not value_text.startswith(("{{", "[[")):
            continue
        value, quoted = _unquote(value_text)
        parent = ".".join(k for _, k in stack) if indent_keys else section
        entries.append(ConfigEntry(section=parent, key=match.group("key"), value=value, quoted=quoted, line=number))
    return entries
