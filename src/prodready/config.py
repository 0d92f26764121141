"""Project configuration: ``[tool.prodready]`` in pyproject.toml or a ``.prodready.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prodready.engine.safeio import Limits, Refused, read_regular
from prodready.model import Severity

FAIL_ON_CHOICES = ("critical", "high", "medium", "low", "never")


class ConfigError(ValueError):
    """The configuration file is present but wrong; the message says where and how."""


@dataclass(frozen=True)
class Config:
    exclude: tuple[str, ...] = ()
    disable: frozenset[str] = frozenset()
    select: frozenset[str] | None = None
    severity: tuple[tuple[str, str], ...] = ()
    fail_on: str | None = None
    source: str | None = None  # which file it came from
    extra: dict[str, Any] = field(default_factory=dict)
    limits: Limits = Limits()
    warnings: tuple[str, ...] = ()


MAX_CONFIG_BYTES = 1_000_000
LIMIT_KEYS = {
    "max-file-size": ("max_file_bytes", int),
    "max-parse-seconds": ("max_parse_seconds", float),
    "max-yaml-nodes": ("max_yaml_nodes", int),
    "max-depth": ("max_depth", int),
}


def load_config(root: Path, explicit: Path | None = None) -> Config:
    """The first config found. Config from the audited tree is untrusted input: a bad shape is
    one clear ConfigError, an unreadable pyproject.toml only a warning (it may hold no config)."""
    candidates = [explicit] if explicit else [root / ".prodready.toml", root / "pyproject.toml"]
    for path in candidates:
        if path is None or not path.is_file():
            if explicit is not None:
                raise ConfigError(f"config file not found: {explicit}")
            continue
        try:
            data = tomllib.loads(read_regular(str(path), MAX_CONFIG_BYTES).decode("utf-8"))
        except (Refused, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
            message = f"{path}: cannot read TOML: {_one_line(exc)}"
            if path.name == "pyproject.toml" and explicit is None:
                return Config(warnings=(f"{message}; any [tool.prodready] in it was not applied",))
            raise ConfigError(message) from exc
        tool = data.get("tool")
        if path.name == "pyproject.toml":
            section = tool.get("prodready") if isinstance(tool, dict) else None
            if section is None:
                continue
        else:
            section = tool.get("prodready", data) if isinstance(tool, dict) else data
        return _parse(section, str(path))
    return Config()


def _one_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200] if text.strip() else type(exc).__name__


def _parse(section: Any, source: str) -> Config:
    if not isinstance(section, dict):
        raise ConfigError(f"{source}: [tool.prodready] must be a table")
    known = {"exclude", "disable", "ignore", "select", "severity", "fail-on", "fail_on", *LIMIT_KEYS}
    unknown = sorted(str(k) for k in set(section) - known)
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) in prodready config: {', '.join(unknown)[:200]}")

    def str_list(key: str) -> list[str]:
        value = section.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{source}: '{key}' must be a list of strings")
        return value

    severity = section.get("severity", {})
    if not isinstance(severity, dict):
        raise ConfigError(f"{source}: 'severity' must be a table of RULE-ID = \"level\"")
    valid = {s.value for s in Severity}
    for rule_id, level in severity.items():
        if not isinstance(level, str) or level not in valid:
            raise ConfigError(
                f"{source}: severity for {str(rule_id)[:40]} must be one of {', '.join(sorted(valid))}"
            )
    fail_on = section.get("fail-on", section.get("fail_on"))
    if fail_on is not None and (not isinstance(fail_on, str) or fail_on not in FAIL_ON_CHOICES):
        raise ConfigError(f"{source}: fail-on must be one of {', '.join(FAIL_ON_CHOICES)}")
    limits: dict[str, Any] = {}
    for key, (attr, kind) in LIMIT_KEYS.items():
        if key not in section:
            continue
        value = section[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0 or (kind is int and not isinstance(value, int)):
            raise ConfigError(f"{source}: '{key}' must be a positive {'integer' if kind is int else 'number'}")
        limits[attr] = kind(value)
    select = str_list("select")
    if "select" in section and not select:
        raise ConfigError(f"{source}: 'select' is empty: it would run no rule (remove it to run all)")
    return Config(
        exclude=tuple(str_list("exclude")),
        disable=frozenset(r.upper() for r in str_list("disable") + str_list("ignore")),
        select=frozenset(r.upper() for r in select) if select else None,
        severity=tuple(sorted((k.upper(), str(v)) for k, v in severity.items())),
        fail_on=fail_on,
        source=source,
        limits=Limits(**limits),
    )
