"""State-changing action served on GET

## What it does
Reports GET routes whose path names an action that changes state: logging out, deleting,
removing, resetting or regenerating a key or token, toggling, pausing, muting, unlinking an
account, re-indexing or purging (`@app.route("/logout")`, `router.get("/api/item/:id/delete")`,
`r.GET("/settings/reset-api-key", ...)`). Confirmation and verification links (`/verify/<token>`)
are GET by design and are not reported, and neither is a GET that shares its path with a POST or
DELETE route (the page that shows the confirmation form).

## Why it matters in production
Browsers send cookies with top-level GET navigations (SameSite=Lax allows them) and CSRF
protection (Flask-WTF, Django, csurf) only checks POST, PUT, PATCH and DELETE. Any page the user
visits can trigger the action with an `<img src>` or a link: log them out, delete their data or
rotate their API key. Link prefetchers and crawlers that follow links do the same by accident.

## Example
```python
@app.route("/settings/reset-api-key")
@login_required
def reset_api_key():
    current_user.api_key = secrets.token_urlsafe(32)
```

## Use instead
```python
@app.route("/settings/reset-api-key", methods=["POST"])   # with the form's CSRF token
@login_required
def reset_api_key(): ...
```

## Known limitations
Only the route path is read: an action hidden behind a neutral path (`/do?op=delete`) is not seen,
and routes whose method is unknown (Django URLconfs) are not judged.

## References
- https://owasp.org/www-community/attacks/csrf
- https://developer.mozilla.org/en-US/docs/Web/HTTP/Methods#safe_idempotent_and_cacheable_request_methods
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-013",
    name="state-changing-get",
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Serve the action on POST (or DELETE) behind the CSRF check; keep GET for pages that only read.",
    references=("https://owasp.org/www-community/attacks/csrf",),
)

# A path segment that names the action (`/logout`, `/delete/<id>`, `/reset-api-key`, `toggle_all_paused`).
ACTION = lazy_compile(
    r"(?i)(^|[/_-])(log-?out|sign-?out|delete|remove|destroy|reset[-_]?(api[-_]?)?(key|token)|"
    r"regenerate|toggle|pause|mute|unlink|disconnect|revoke|reindex|re-index|purge|empty[-_]?trash|"
    r"generate[-_]?(auth[-_]?)?token|clear[-_]?(all|cache|history))([-_/.]|$)"
)
# `delete_confirm` pages that show a form, and one-time links mailed to the user.
READ_ONLY = lazy_compile(r"(?i)confirm|verify|activate|preview|/ws\b|callback")
# Test and demo apps, and the API docs, are not what runs.
NOT_SERVICE = lazy_compile(r"(?i)(^|/)(tests?|examples?|docs?|demo)/")


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    routes = ctx.model.http_routes()
    if not routes:
        return
    ctx.examine(RULE)
    # `GET /item/<id>/delete` beside `POST /item/<id>/delete`: the GET shows the confirmation form
    written = {(route.file, route.path) for route in routes if route.method.upper() not in {"GET", "HEAD", "OPTIONS"}}
    for route in routes:
        if (route.file, route.path) in written:
            continue
        if route.method.upper() != "GET" or route.line is None or NOT_SERVICE.search(route.file):
            continue
        action = ACTION.search(route.path) or ACTION.search(route.handler or "")
        if action is None or READ_ONLY.search(route.path):
            continue
        verb = re.sub(r"[-_/.]", "", action.group(2).lower())
        yield Hit(
            line=route.line,
            path=route.file,
            message=f"GET {route.path} performs '{verb}': any page can trigger it with a link or an image, since "
                    "browsers send the session cookie on GET and CSRF checks skip GET",
        )
