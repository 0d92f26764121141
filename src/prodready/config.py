"""Project configuration: ``[tool.prodready]`` in pyproject.toml or a ``.prodready.toml``.

Found like Ruff finds its own: the nearest such file at or above the audited directory, up to the
repository root. Patterns in it (``exclude``, ``per-file-ignores``) are relative to the file's
directory. Rule selectors (``select``, ``disable``, ``--select``, ``--ignore``) take a rule id
(``PR-TO-001``), an id prefix (``PR-TO``), a category (``timeouts``), a rule name, or ``ALL``.
An old id or name that a rule now carries as an alias (``PR-TO-101``, the JavaScript matcher of
``PR-TO-001``) still selects exactly what it selected before: that language's matcher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prodready.engine.safeio import Limits, Refused, read_regular
from prodready.model import Severity

if TYPE_CHECKING:
    from collections.abc import Iterable

FAIL_ON_CHOICES = ("critical", "high", "medium", "low", "never")
CONFIG_NAMES = (".prodready.toml", "pyproject.toml")


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
    # (gitignore-style pattern, rule selectors): findings in matching files are dropped.
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def base_dir(self) -> Path | None:
        """The directory patterns in this config are relative to."""
        return Path(self.source).resolve().parent if self.source else None


MAX_CONFIG_BYTES = 1_000_000
LIMIT_KEYS = {
    "max-file-size": ("max_file_bytes", int),
    "max-parse-seconds": ("max_parse_seconds", float),
    "max-yaml-nodes": ("max_yaml_nodes", int),
    "max-depth": ("max_depth", int),
}


def find_config(start: Path) -> Path | None:
    """The nearest ``.prodready.toml``, or ``pyproject.toml`` with ``[tool.prodready]``, at or above
    ``start`` and at or below its repository root (only ``start`` itself outside a repository)."""
    from prodready.repo import find_repo_root

    start = start.resolve()
    stop = find_repo_root(start)
    directories = [start]
    if stop is not None and stop != start:
        for parent in start.parents:
            directories.append(parent)
            if parent == stop:
                break
    for directory in directories:
        dotfile = directory / ".prodready.toml"
        if dotfile.is_file():
            return dotfile
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            try:
                text = read_regular(str(pyproject), MAX_CONFIG_BYTES).decode("utf-8")
            except (OSError, Refused, UnicodeDecodeError):
                continue
            if "[tool.prodready" in text or "tool.prodready" in text:
                return pyproject
    return None


def load_config(root: Path, explicit: Path | None = None) -> Config:
    """The nearest config at or above ``root`` (up to the repository root). Config from the audited
    tree is untrusted input: a bad shape is one clear ConfigError, an unreadable pyproject.toml
    only a warning (it may hold no config)."""
    if explicit is not None and not explicit.is_file():
        raise ConfigError(f"config file not found: {explicit}")
    found = explicit if explicit else find_config(root)
    candidates = [found] if found else []
    for path in candidates:
        if path is None or not path.is_file():
            if explicit is not None:
                raise ConfigError(f"config file not found: {explicit}")
            continue
        import tomllib  # here: an audit without a config file never parses TOML

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
    known = {"exclude", "disable", "ignore", "select", "severity", "fail-on", "fail_on", "per-file-ignores",
             "per_file_ignores", *LIMIT_KEYS}
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
    per_file = section.get("per-file-ignores", section.get("per_file_ignores", {}))
    if not isinstance(per_file, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in per_file.values()
    ):
        raise ConfigError(f"{source}: 'per-file-ignores' must be a table of \"pattern\" = [\"RULE-ID\", ...]")
    return Config(
        exclude=tuple(str_list("exclude")),
        disable=frozenset(r.upper() for r in str_list("disable") + str_list("ignore")),
        select=frozenset(r.upper() for r in select) if select else None,
        severity=tuple(sorted((k.upper(), str(v)) for k, v in severity.items())),
        fail_on=fail_on,
        source=str(Path(source).resolve()),
        limits=Limits(**limits),
        per_file_ignores=tuple((str(k), tuple(v)) for k, v in per_file.items()),
    )


class SelectorError(ConfigError):
    """A rule selector that names no rule."""


def expand_selectors(tokens: Iterable[str], rules: Iterable[Any], where: str = "") -> frozenset[str]:
    """Matcher keys (``RuleMeta.key``: a rule's id, or the old id of one of its per-language
    matchers) named by selectors: an id, an id prefix (PR-TO, PR-TO-0), a category, a rule name or
    ALL; old ids and names (aliases) name their matcher alone. Unknown selectors are an error, not
    silently nothing."""
    catalogue = list(rules)
    out: set[str] = set()
    for raw in tokens:
        token = raw.strip()
        if not token:
            continue
        upper, lower = token.upper(), token.lower()
        if upper == "ALL":
            out.update(r.key for r in catalogue)
            continue
        matched = {
            r.key for r in catalogue
            if any(_id_selected(ident, upper) for ident in (r.id, *r.aliases))
            or r.category.value == lower or r.name == lower or lower in r.aliases
        }
        if not matched:
            hint = f" in {where}" if where else ""
            raise SelectorError(f"unknown rule selector{hint}: {token} (a rule id, prefix like PR-TO, or category; see `prodready rules`)")
        out |= matched
    return frozenset(out)


def _id_selected(rule_id: str, upper: str) -> bool:
    return rule_id == upper or rule_id.startswith(upper + "-") or (upper.count("-") >= 2 and rule_id.startswith(upper))
