"""Runtime dependency with a known advisory or past its end of life

## What it does
Flags a runtime dependency of the service (package.json `dependencies`, requirements*.txt,
pyproject.toml, go.mod) pinned to a version that a published advisory covers, or to a release line
that no longer gets security fixes: Express before 4.20, socket.io before 2.4 (every origin allowed),
mongoose 5, the `request` package, Apollo Server 2/3, node-fetch before 2.6.7, body-parser before
1.20.3, Flask before 2.2.5, Werkzeug before 3.0.6, Django before 4.2, gin before 1.9.1, gRPC-Go
before 1.56.3 (HTTP/2 rapid reset), pgx before 5.5.4 / 4.18.2 and jinzhu/gorm v1. Only versions the
manifest itself pins are judged: a range that also admits a fixed version is left alone.
Authentication libraries (jsonwebtoken, passport, PyJWT, python-jose, jwt-go) are PR-AU-303's.

## Why it matters in production
The flaw is public, the fix exists, and scanners find the service by its version: a DoS on the
request parser, an open redirect, a CORS default that lets any site talk to the socket server, an
SQL injection in the driver. A line past its end of life will not get the next fix either.

## Example
```json
"dependencies": { "express": "4.17.1", "socket.io": "~2.2.0" }
```

## Use instead
```json
"dependencies": { "express": "^4.21.2", "socket.io": "^4.8.1" }
```

## Known limitations
Lockfiles and transitive dependencies are not read; a version range is judged by the oldest
version it allows only when no fixed version is inside it.

## References
- https://github.com/advisories
- https://endoflife.date
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ManifestContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._advisories import Advisory, advisory_hits
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-011",
    name="vulnerable-dependency",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.MANIFEST}),
    fix="Upgrade to a maintained, fixed version (and commit the lockfile so the build gets it).",
    references=("https://github.com/advisories",),
)

ADVISORIES = (
    Advisory("npm", "express", (4, 20, 0),
             "before 4.20.0: CVE-2024-29041 (open redirect), CVE-2024-43796 (XSS through res.redirect) and the "
             "path-to-regexp ReDoS CVE-2024-45296", "express ^4.21"),
    Advisory("npm", "socket.io", (2, 4, 0),
             "before 2.4.0: CVE-2020-28481 (CORS allows every origin by default), and the 2.x line is no longer maintained",
             "socket.io ^4 with an explicit `cors.origin`"),
    Advisory("npm", "mongoose", (6, 0, 0),
             "5.x: end of life since March 2024; CVE-2024-53900 (search injection through $where) is not fixed there",
             "mongoose ^8"),
    Advisory("npm", "request", None,
             "deprecated since 2020 and unmaintained; CVE-2023-28155 (SSRF through a cross-protocol redirect) is never fixed",
             "the built-in fetch, undici or axios, with a timeout"),
    Advisory("npm", "apollo-server", None, "Apollo Server 2 and 3 are past end of life (October 2023 and 2024)", "@apollo/server"),
    Advisory("npm", "apollo-server-express", None, "Apollo Server 2 and 3 are past end of life (October 2023 and 2024)",
             "@apollo/server with expressMiddleware"),
    Advisory("npm", "node-fetch", (2, 6, 7),
             "before 2.6.7: CVE-2022-0235 (cookies and authorization sent on to a redirect's other host)", "node-fetch ^2.7 or fetch"),
    Advisory("npm", "body-parser", (1, 20, 3),
             "before 1.20.3: CVE-2024-45590 (denial of service with URL-encoded bodies)", "body-parser ^1.20.3"),
    Advisory("pypi", "flask", (2, 2, 5),
             "before 2.2.5: CVE-2023-30861 (a response carrying another user's session cookie can be cached by a proxy)",
             "Flask>=2.3.2"),
    Advisory("pypi", "werkzeug", (3, 0, 6),
             "before 3.0.6: CVE-2024-49767 (multipart resource exhaustion), CVE-2024-34069 (debugger code execution)",
             "Werkzeug>=3.0.6"),
    Advisory("pypi", "django", (4, 2, 0), "before 4.2: the release line gets no security fixes (3.2 LTS ended April 2024)",
             "Django 4.2 LTS or 5.x"),
    Advisory("go", "github.com/gin-gonic/gin", (1, 9, 1),
             "before 1.9.1: CVE-2023-29401 (file name injection in Content-Disposition) and CVE-2023-26125", "gin v1.10"),
    Advisory("go", "google.golang.org/grpc", (1, 56, 3),
             "before 1.56.3: CVE-2023-44487 (HTTP/2 rapid reset denial of service)", "grpc-go v1.58.3 or later"),
    Advisory("go", "github.com/jackc/pgx/v5", (5, 5, 4),
             "before 5.5.4: CVE-2024-27304 (a message over 4 GB overflows into SQL injection)", "pgx v5.5.4 or later"),
    Advisory("go", "github.com/jackc/pgx/v4", (4, 18, 2),
             "before 4.18.2: CVE-2024-27304 (a message over 4 GB overflows into SQL injection)", "pgx v4.18.2 or v5"),
    Advisory("go", "github.com/jinzhu/gorm", None, "gorm v1, unmaintained since 2020", "gorm.io/gorm (v2)"),
)


@RULE.on_file(Language.MANIFEST)
def check(ctx: ManifestContext) -> Iterator[Hit]:
    yield from advisory_hits(ctx, RULE, ADVISORIES, npm_sections=("dependencies",))
