"""Dependencies with a known advisory or past their end of life, read from the manifests
(package.json, requirements*.txt, pyproject.toml, go.mod): the version arithmetic and the manifest
walk shared by PR-AU-303 (authentication libraries) and PR-CF-011 (the rest of the stack)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from prodready.engine.context import ManifestContext
from prodready.lang.gomod import go_requirements
from prodready.model import Hit
from prodready.rules.base import RuleMeta


@dataclass(frozen=True, slots=True)
class Advisory:
    """One known-bad library: every version (`fixed` None: unmaintained) or those before `fixed`."""

    ecosystem: str  # go | npm | pypi
    package: str  # module path (go: also its sub-packages and /vN), npm name, normalised PyPI name
    fixed: tuple[int, ...] | None
    why: str
    use: str
    requires: tuple[str, ...] = ()  # the flaw matters only beside one of these packages


def _version(text: str) -> tuple[int, ...] | None:
    match = re.match(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", text.strip())
    if match is None:
        return None
    return tuple(int(part) for part in match.groups(default="0"))


def _npm_below(spec: str, fixed: tuple[int, ...]) -> bool:
    """Every version `spec` allows is older than `fixed` (^8.5.1, ~8.5.1, 8.5.1, 8.x, <9)."""
    spec = spec.strip()
    if not spec or any(sep in spec for sep in ("||", " - ", ">")):
        return False
    if spec.startswith("<") and not spec.startswith("<="):
        bound = _version(spec[1:])
        return bound is not None and bound <= fixed
    caret, tilde = spec.startswith("^"), spec.startswith("~")
    version = _version(spec.lstrip("^~=v "))
    if version is None:
        return False
    wildcard = re.search(r"\.(x|\*)", spec)
    major, minor, _patch = version
    if caret or (wildcard and spec.count(".") == 1) or re.fullmatch(r"\d+", spec):
        upper = (major + 1, 0, 0) if major or not caret else (0, minor + 1, 0)
        return upper <= fixed
    if tilde or wildcard:
        return (major, minor + 1, 0) <= fixed
    return version < fixed


def _pep440_below(spec: str, fixed: tuple[int, ...]) -> bool:
    """`==2.3.0`, `<2.4`, `~=2.3.0`, `<=2.3.0` (with or without other clauses): nothing at or above `fixed`."""
    for clause in (c.strip() for c in spec.split(",")):
        match = re.fullmatch(r"(==|<=|<|~=)\s*([\d.]+)(\.\*)?", clause)
        if match is None:
            continue
        op, raw, star = match.groups()
        version = _version(raw)
        if version is None:
            continue
        if op == "==" and not star and version < fixed:
            return True
        if op == "<" and version <= fixed or op == "<=" and version < fixed:
            return True
        if op == "~=":
            parts = [int(p) for p in raw.split(".")]
            upper = tuple(parts[:-2] + [parts[-2] + 1]) if len(parts) >= 2 else (parts[0] + 1,)
            if tuple(upper) + (0,) * (3 - len(upper)) <= fixed:
                return True
    return False


def _line_of(ctx: ManifestContext, needle: str) -> int | None:
    pattern = re.compile(rf"(?i)(^|[\s\"'])({re.escape(needle)})([\s\"'=<>~!\[;@:]|$)")
    for number, line in enumerate(ctx.lines, start=1):
        if pattern.search(line.split("//", 1)[0] if ctx.kind == "go.mod" else line):
            return number
    return None


def _pypi_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pypi_specs(ctx: ManifestContext) -> Iterator[tuple[str, str, int | None]]:
    if ctx.kind == "requirements":
        for number, raw in enumerate(ctx.lines, start=1):
            line = raw.split("#", 1)[0].strip()
            match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*)", line)
            if match and not line.startswith(("-", "git+", "http")):
                yield match.group(1), match.group(3), number
    elif ctx.kind == "pyproject" and isinstance(ctx.data, dict):
        project = ctx.data.get("project", {})
        specs: list[Any] = list(project.get("dependencies", []) or [])
        for extra in (project.get("optional-dependencies", {}) or {}).values():
            specs.extend(extra or [])
        for spec in specs:
            match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*)", str(spec))
            if match:
                yield match.group(1), match.group(3), _line_of(ctx, match.group(1))
        poetry = (ctx.data.get("tool", {}) or {}).get("poetry", {}) or {}
        tables = [poetry.get("dependencies", {}) or {}] + [
            (group or {}).get("dependencies", {}) or {} for group in (poetry.get("group", {}) or {}).values()
        ]
        for table in tables:
            for name, value in table.items():
                version = value.get("version", "") if isinstance(value, dict) else value
                if isinstance(version, str) and name.lower() != "python":
                    key = re.compile(rf"(?i)^\s*[\"']?{re.escape(name)}[\"']?\s*=")
                    at = next((n for n, line in enumerate(ctx.lines, start=1) if key.match(line)), None)
                    yield name, "poetry:" + version, at


def _message(advisory: Advisory, shown: str) -> str:
    return f"{shown}: {advisory.why}; use {advisory.use}"


NPM_SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")


def advisory_hits(ctx: ManifestContext, rule: RuleMeta, advisories: Iterable[Advisory],
                  npm_sections: tuple[str, ...] = NPM_SECTIONS) -> Iterator[Hit]:
    """A Hit at each manifest line that asks for a version one of ``advisories`` covers."""
    advisories = tuple(advisories)
    if ctx.kind == "go.mod":
        for module, version, line in go_requirements(ctx.lines):
            for advisory in advisories:
                if advisory.ecosystem != "go":
                    continue
                if module == advisory.package or module.startswith(advisory.package + "/"):
                    ctx.examine(rule)
                    current = _version(version)
                    if advisory.fixed is None or (current is not None and current < advisory.fixed):
                        yield Hit(line=line, message=_message(advisory, f"{module} {version}"))
    elif ctx.kind == "package.json" and isinstance(ctx.data, dict):
        for section in npm_sections:
            deps = ctx.data.get(section)
            if not isinstance(deps, dict):
                continue
            for advisory in advisories:
                spec = deps.get(advisory.package) if advisory.ecosystem == "npm" else None
                if not isinstance(spec, str):
                    continue
                ctx.examine(rule)
                if advisory.requires and not any(
                    isinstance(ctx.data.get(s), dict) and set(advisory.requires) & set(ctx.data[s]) for s in ("dependencies", "devDependencies")
                ):
                    continue  # e.g. passport's session fixation needs a session middleware
                if advisory.fixed is None or _npm_below(spec, advisory.fixed):
                    at = _line_of(ctx, json.dumps(advisory.package))
                    yield Hit(line=at, message=_message(advisory, f"{advisory.package}@{spec}"))
    elif ctx.kind in {"requirements", "pyproject"}:
        for name, spec, at in _pypi_specs(ctx):
            for advisory in advisories:
                if advisory.ecosystem != "pypi" or _pypi_name(name) != advisory.package:
                    continue
                ctx.examine(rule)
                if spec.startswith("poetry:"):  # Poetry's ^/~ constraints read like npm's
                    spec = spec.removeprefix("poetry:")
                    below = advisory.fixed is None or _npm_below(spec, advisory.fixed)
                    shown = f"{name} = \"{spec}\""
                else:
                    below = advisory.fixed is None or _pep440_below(spec, advisory.fixed)
                    shown = f"{name}{spec.strip()}"
                if below:
                    yield Hit(line=at, message=_message(advisory, shown))
