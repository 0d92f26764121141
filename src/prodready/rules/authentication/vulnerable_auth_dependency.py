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

from collections.abc import Iterator

from prodready.engine.context import ManifestContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._advisories import Advisory, advisory_hits
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


ADVISORIES = (
    Advisory("go", "github.com/dgrijalva/jwt-go", None,
             "unmaintained since 2021, and CVE-2020-26160 (audience check bypass) is never fixed there",
             "github.com/golang-jwt/jwt/v5"),
    Advisory("npm", "jsonwebtoken", (9, 0, 0),
             "before 9.0.0: CVE-2022-23540/23541/23539 (insecure default algorithms, key type confusion)",
             "jsonwebtoken ^9"),
    Advisory("npm", "passport", (0, 6, 0),
             "before 0.6.0: CVE-2022-25896 (session fixation: the session is not regenerated at login, and "
             "`req.logout()` ignores its callback)",
             "passport ^0.6", ("express-session", "cookie-session")),
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


@RULE.on_file(Language.MANIFEST)
def check(ctx: ManifestContext) -> Iterator[Hit]:
    yield from advisory_hits(ctx, RULE, ADVISORIES)
