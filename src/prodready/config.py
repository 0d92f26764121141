"""Project configuration: ``[tool.prodready]`` in pyproject.toml or a ``.prodready.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def load_config(root: Path, explicit: Path | None = None) -> Config:
    candidates = [explicit] if explicit else [root / ".prodready.toml", root / "pyproject.toml"]
    for path in candidates:
        if path is None or not path.is_file():
            if explicit is not None:
                raise ConfigError(f"config file not found: {explicit}")
            continue
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read TOML: {exc}") from exc
        if path.name == "pyproject.toml":
            section = data.get("tool", {}).get("prodready")
            if section is None:
                continue
        else:
            section = data.get("tool", {}).get("prodready", data)
        return _parse(section, str(path))
    return Config()


def _parse(section: Any, source: str) -> Config:
    if not isinstance(section, dict):
        raise ConfigError(f"{source}: [tool.prodready] must be a table")
    known = {"exclude", "disable", "ignore", "select", "severity", "fail-on", "fail_on"}
    unknown = sorted(set(section) - known)
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) in prodready config: {', '.join(unknown)}")

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
        if level not in valid:
            raise ConfigError(
                f"{source}: severity for {rule_id} must be one of {', '.join(sorted(valid))}"
            )
    fail_on = section.get("fail-on", section.get("fail_on"))
    if fail_on is not None and fail_on not in FAIL_ON_CHOICES:
        raise ConfigError(f"{source}: fail-on must be one of {', '.join(FAIL_ON_CHOICES)}")
    select = str_list("select")
    return Config(
        exclude=tuple(str_list("exclude")),
        disable=frozenset(r.upper() for r in str_list("disable") + str_list("ignore")),
        select=frozenset(r.upper() for r in select) if select else None,
        severity=tuple(sorted((k.upper(), str(v)) for k, v in severity.items())),
        fail_on=fail_on,
        source=source,
    )
