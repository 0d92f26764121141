"""Unmaintained or vulnerable authentication library.

## What it does
Flags JWT and authentication libraries in `go.mod`, `package.json`, `requirements*.txt` and
`pyproject.toml` that are unmaintained or pinned to versions with published vulnerabilities in token
verification: `github.com/dgrijalva/jwt-go` (every version), `jsonwebtoken` before 9.0.0,
`express-jwt` before 6.0.0, `jwt-simple` before 0.5.3, `PyJWT` before 2.4.0 and `python-jose`
before 3.4.0. A version range is judged only when every version it allows is affected (`^8.5.1`,
`==2.3.0`, `<2.4`); open ranges (`>=1.7`) are left to a lockfile-aware scanner.

## Why it matters in production
These libraries decide who is logged in. Their known flaws are verification bypasses — audience
checks skipped (CVE-2020-26160), algorithm confusion that lets a public key act as an HMAC secret
(CVE-2022-29217, CVE-2024-33663; CVE-2016-10555 in old jwt-simple), insecure default algorithms
(CVE-2022-23540) or
authorization skipped when no algorithm is configured (CVE-2020-15084). An unmaintained library
gets no fix for the next one.

## Example
```text
require github.com/dgrijalva/jwt-go v3.2.0+incompatible
```

## Use instead
```text
require github.com/golang-jwt/jwt/v5 v5.2.1
```

## Known limitations
Only the libraries in the table are known; the version actually installed (lockfiles, `go.sum`) is
not read, so a range that also allows fixed versions is not reported. Not a replacement for
`govulncheck`, `npm audit` or `pip-audit`.

## References
- https://nvd.nist.gov/vuln/detail/CVE-2020-26160
- https://github.com/golang-jwt/jwt/blob/main/MIGRATION_GUIDE.md
- https://nvd.nist.gov/vuln/detail/CVE-2022-23540
- https://nvd.nist.gov/vuln/detail/CVE-2022-29217
- https://nvd.nist.gov/vuln/detail/CVE-2024-33663
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from prodready.engine.context import ManifestContext
from prodready.lang.gomod import go_requirements
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-303",
    name="vulnerable-auth-dependency",
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.MANIFEST}),
    fix="Move to the maintained library or a fixed version (github.com/golang-jwt/jwt/v5, jsonwebtoken 9, PyJWT 2.4+).",
    references=("https://nvd.nist.gov/vuln/detail/CVE-2020-26160",),
)


@dataclass(frozen=True, slots=True)
class Advisory:
    """One known-bad library: every version (`fixed` None: unmaintained) or those before `fixed`."""

    ecosystem: str  # go | npm | pypi
    package: str  # module path (go: also its sub-packages and /vN), npm name, normalised PyPI name
    fixed: tuple[int, ...] | None
    why: str
    use: str


ADVISORIES = (
    Advisory("go", "github.com/dgrijalva/jwt-go", None,
             "unmaintained since 2021, and CVE-2020-26160 (audience check bypass) is never fixed there",
             "github.com/golang-jwt/jwt/v5"),
    Advisory("npm", "jsonwebtoken", (9, 0, 0),
             "before 9.0.0: CVE-2022-23540/23541/23539 (insecure default algorithms, key type confusion)",
             "jsonwebtoken ^9"),
    Advisory("npm", "express-jwt", (6, 0, 0),
             "before 6.0.0: CVE-2020-15084 (authorization bypass when `algorithms` is not set)",
             "express-jwt ^8 with `algorithms`"),
    Advisory("npm", "jwt-simple", (0, 5, 3),
             "before 0.5.3: token verification bypasses (CVE-2016-10555, algorithm confusion, before 0.3.0; "
             "npm advisory 831 before 0.5.3)",
             "jwt-simple 0.5.6 or jsonwebtoken ^9"),
    Advisory("pypi", "pyjwt", (2, 4, 0),
             "before 2.4.0: CVE-2022-29217 (algorithm confusion with every algorithm enabled)",
             "PyJWT>=2.4 with an explicit `algorithms=[...]`"),
    Advisory("pypi", "python-jose", (3, 4, 0),
             "before 3.4.0: CVE-2024-33663 (algorithm confusion with ECDSA keys) and CVE-2024-33664",
             "python-jose>=3.4 or PyJWT"),
)


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


def _message(advisory: Advisory, shown: str) -> str:
    return f"{shown}: {advisory.why}; use {advisory.use}"


@RULE.on_file(Language.MANIFEST)
def check(ctx: ManifestContext) -> Iterator[Hit]:
    if ctx.kind == "go.mod":
        for module, version, line in go_requirements(ctx.lines):
            for advisory in ADVISORIES:
                if advisory.ecosystem != "go":
                    continue
                if module == advisory.package or module.startswith(advisory.package + "/"):
                    ctx.examine(RULE)
                    current = _version(version)
                    if advisory.fixed is None or (current is not None and current < advisory.fixed):
                        yield Hit(line=line, message=_message(advisory, f"{module} {version}"))
    elif ctx.kind == "package.json" and isinstance(ctx.data, dict):
        for section in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
            deps = ctx.data.get(section)
            if not isinstance(deps, dict):
                continue
            for advisory in ADVISORIES:
                spec = deps.get(advisory.package) if advisory.ecosystem == "npm" else None
                if not isinstance(spec, str):
                    continue
                ctx.examine(RULE)
                if advisory.fixed is None or _npm_below(spec, advisory.fixed):
                    at = _line_of(ctx, json.dumps(advisory.package))
                    yield Hit(line=at, message=_message(advisory, f"{advisory.package}@{spec}"))
    elif ctx.kind in {"requirements", "pyproject"}:
        for name, spec, at in _pypi_specs(ctx):
            for advisory in ADVISORIES:
                if advisory.ecosystem != "pypi" or _pypi_name(name) != advisory.package:
                    continue
                ctx.examine(RULE)
                if advisory.fixed is None or _pep440_below(spec, advisory.fixed):
                    yield Hit(line=at, message=_message(advisory, f"{name}{spec.strip()}"))
