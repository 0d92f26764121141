"""Session and CSRF cookies without the Secure flag (Django, Flask)

## What it does
Flags a Django project (its settings install `django.contrib.sessions`) where no settings file sets
`SESSION_COOKIE_SECURE` (nor `CSRF_COOKIE_SECURE`): both stay at Django's default, `False`. The
same for a Flask app that configures its session (`SESSION_COOKIE_*` settings, a `SECRET_KEY`) and
never sets `SESSION_COOKIE_SECURE`. A setting that is there but defaults to off
(`SESSION_COOKIE_SECURE = env.bool("...", default=False)`, `'session_cookie_secure': False` in the
default settings) is flagged where it is set.

## Why it matters in production
Without `Secure` the browser sends the session cookie over plain HTTP too: one request to an
`http://` URL of the site (a link, a redirect, a captive portal, a downgrade by someone on the
network) hands the session to whoever listens. Django's own deployment checklist
(`manage.py check --deploy`) asks for both settings.

## Example
```python
INSTALLED_APPS = ["django.contrib.sessions", "django.contrib.auth", "app"]
SESSION_COOKIE_PATH = "/"
```

## Use instead
```python
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # behind a TLS-terminating proxy you run
```

## Known limitations
A setting applied outside the Python settings (a settings override injected by the platform) is
not seen. A service that only runs on plain HTTP inside a private network does not need it;
suppress with that reason.

## References
- https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-secure
- https://docs.djangoproject.com/en/stable/howto/deployment/checklist/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext, is_test_path
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-013",
    name="django-cookies-without-secure",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Set SESSION_COOKIE_SECURE (and CSRF_COOKIE_SECURE / REMEMBER_COOKIE_SECURE) to True in production settings (and SECURE_PROXY_SSL_HEADER behind your proxy).",
    references=("https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-secure",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    for off in model.signals("cookie-secure-off-by-default"):
        ctx.examine(RULE)
        yield Hit(
            line=off.get("line"),
            path=str(off["file"]),
            message=f"{off.get('detail')} is off unless an operator turns it on: by default the cookie is sent over "
            "plain HTTP too",
        )
    settings = [s for s in model.signals("django-settings") if not str(s.get("file", "")).split("/")[-1].startswith("test")]
    if not settings:
        yield from _flask(ctx)
        return
    ctx.examine(RULE)
    if model.has_signal("session-cookie-secure"):
        return
    first = min(settings, key=lambda s: (len(str(s["file"])), str(s["file"])))
    yield Hit(
        line=first.get("line"),
        path=str(first["file"]),
        message="no settings file sets SESSION_COOKIE_SECURE or CSRF_COOKIE_SECURE: Django's default (False) sends the "
        "session and CSRF cookies over plain HTTP too",
    )


def _flask(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    places = [s for s in model.signals("flask-session-settings") if not is_test_path(str(s.get("file", "")))]
    if not places or "flask" not in model.frameworks:
        return
    ctx.examine(RULE)
    if model.has_signal("session-cookie-secure"):
        return
    if not any(s.get("detail") == "SESSION_COOKIE_" for s in places) and not model.has_signal("flask-session-use"):
        return  # an API that never puts anything in the session cookie
    # the session's own settings if the app has any, else where its SECRET_KEY is configured
    first = min(places, key=lambda s: (s.get("detail") != "SESSION_COOKIE_", len(str(s["file"])), str(s["file"])))
    yield Hit(
        line=first.get("line"),
        path=str(first["file"]),
        message="the Flask app never sets SESSION_COOKIE_SECURE (nor REMEMBER_COOKIE_SECURE): Flask's default (False) "
        "sends the session cookie over plain HTTP too",
    )
