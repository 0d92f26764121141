"""Self-registration open by default

## What it does
Flags the setting that lets anyone create an account when its shipped default is "on": a
registration or sign-up switch (`REGISTRATION_OPEN`, `SIGNUP_ENABLED`, `allowEmailRegister`,
`AllowRegistration`, `allow_signup`, `ALLOW_NEW_REGISTRATIONS`...) whose default is true, or the
inverse switch (`FORBID_NEW_OWNERS`, `DISABLE_SIGNUP`, `DISALLOW_REGISTRATION`) whose default is false.
It reads settings modules, config defaults (`config.default.yml`, `default.js`), env getters with
a default (`envbool("REGISTRATION_OPEN", "True")`, `os.getenv("ALLOW_SIGNUP", "true")`,
`env("X", default="true")`) and Go config tags (`conf:"default:true"`, `default:"true"`).

## Why it matters in production
Most self-hosted services are meant for one team. With sign-up open out of the box, whoever finds
the instance first — a scanner, a spammer — gets an account: they use its storage, mail and
compute, reach every feature behind "logged in", and on some services the first account becomes
the administrator. Operators rarely know the switch exists until it is abused.

## Example
```python
REGISTRATION_OPEN = envbool("REGISTRATION_OPEN", "True")
```

## Use instead
```python
REGISTRATION_OPEN = envbool("REGISTRATION_OPEN", "False")  # opt in where public sign-up is wanted
```

## Known limitations
Settings read through a helper that hides its default elsewhere, and defaults written into the
database at first start, are not followed. A product that is meant to be open to the public (a forum, a SaaS sign-up
page) is reported too: there the finding is a reminder to add abuse controls.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from prodready.engine.context import ProjectContext
from prodready.engine.safeio import read_head
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-016",
    name="open-registration-by-default",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Ship sign-up closed (invite or admin-created accounts) and let operators opt in to public registration.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html",),
)

_SUBJECT = r"((new_?)?(sign_?ups?|registrations?|register)|new_?(owners?|users?|accounts?))"
OPENS = lazy_compile(
    rf"(?i)^(allow|enable|open|public)_?(user_?|email_?|self_?|public_?|account_?)?{_SUBJECT}$"
    rf"|^{_SUBJECT}_?(enabled|open|allowed|is_?open)$|^(user_?|email_?|self_?)?{_SUBJECT}_?(enabled|open|allowed)$"
)
CLOSES = lazy_compile(rf"(?i)^(disallow|disable|forbid|block|prevent|no)_?(user_?|email_?|self_?|public_?)?{_SUBJECT}$")
TRUE = r"(?:True|true|TRUE|1|yes|on|\"(?:True|true|1|yes|on)\"|'(?:True|true|1|yes|on)')"
FALSE = r"(?:False|false|FALSE|0|no|off|\"(?:False|false|0|no|off)\"|'(?:False|false|0|no|off)')"
# NAME = True / name: true / "NAME": "true" / NAME := true
ASSIGNED = lazy_compile(r"""(?P<name>[A-Za-z_][\w.]*)["']?\s*(?::=|[:=])\s*(?P<value>[^,;#\n}]+)""")
# envbool("NAME", "True"), os.getenv("NAME", "true"), env("NAME", default="true"), asBool("a.nameEnabled", true)
GETTER = lazy_compile(r"""(?:\(|^)\s*["'](?P<name>[\w.\-]+)["']\s*,\s*(?:default\s*=\s*)?(?P<value>[^,)\n]+)""")
GO_TAG = lazy_compile(r"""^\s*(?P<name>[A-Z]\w*)\s+bool\s+`[^`]*\bdefault:\s*"?(?P<value>true|false)""")
# Docstrings and block comments describe settings; they do not set them (kept as blank lines).
BLOCK_TEXT = lazy_compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|/\*[\s\S]*?\*/')
SETTINGS_FILE = lazy_compile(r"(?i)(^|/)[^/]*(config|settings|conf|env|default|options|entries|setup)[^/]*\.(py|go|js|ts|mjs|cjs|ya?ml)$")
NOT_SERVICE_DIR = lazy_compile(
    r"(?i)(^|/)(tests?|__tests__|spec|e2e|fixtures|mocks?|docs?|node_modules|vendor|dist|build|frontend|client|public|static|ui|web/src)/"
)


def _name(raw: str) -> str:
    last = raw.rsplit(".", 1)[-1]
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", last).replace("-", "_")
    return re.sub(r"^(vite|next_public|react_app)_\w*?_(?=(allow|enable|open|auth_registration|registration|signup))", "", snake.lower())


def _opens(name: str, value: str) -> bool:
    """Does this default leave registration open?"""
    value = value.strip()
    if OPENS.search(name) or OPENS.search(name.split("_", 1)[-1]):
        return bool(re.fullmatch(TRUE, value))
    if CLOSES.search(name):
        return bool(re.fullmatch(FALSE, value))
    return False


def defaults_opening_registration(text: str) -> Iterator[tuple[int, str]]:
    """(line, setting name) of each default in the text that opens self-registration."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "//", "*")) or "if " in stripped or "==" in stripped:
            continue
        for pattern in (GO_TAG, GETTER, ASSIGNED):
            match = pattern.search(line)
            if match and _opens(_name(match.group("name")), match.group("value")):
                yield number, match.group("name").rsplit(".", 1)[-1]
                break


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    tests = set(model.test_files)
    seen: set[str] = set()
    for path in model.all_paths:
        if path in tests or NOT_SERVICE_DIR.search(path) or not SETTINGS_FILE.search(path):
            continue
        text = read_head(str(Path(model.root) / path), 400_000).decode("utf-8", "replace")
        if not re.search(r"(?i)(sign_?up|regist|new_?owner|new_?user)", text):
            continue
        ctx.examine(RULE)
        text = BLOCK_TEXT.sub(lambda m: "\n" * m.group(0).count("\n"), text)  # docstrings and block comments
        places = [(line, name) for line, name in defaults_opening_registration(text) if _name(name) not in seen]
        if not places:
            continue
        seen.update(_name(name) for _line, name in places)
        (line, name), rest = places[0], places[1:]
        yield Hit(
            line=line,
            path=path,
            message=f"`{name}` defaults to open self-registration: anyone who reaches a fresh instance can create an account",
            related=tuple((other_line, f"`{other}` also defaults to open") for other_line, other in rest),
        )
