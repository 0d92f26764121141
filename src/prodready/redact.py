"""Secret redaction applied to every piece of audited text that leaves the engine."""

from __future__ import annotations

import math
import re
from collections import Counter

from prodready.lazyre import lazy_compile

MASK = "****"

# Known credential formats (values are replaced whatever name they are assigned to).
# Every pattern here and below is linear in the input: a token may only start where the run
# of its characters starts (look-behind), and runs that cannot give characters back are
# possessive (`*+`, `++`), so a 1 MB token is scanned once, never once per position.
_RUN_START = r"(?<![A-Za-z0-9_-])"
KNOWN_SECRET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("private key", lazy_compile(r"-----BEGIN[A-Z ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z ]{0,40}PRIVATE KEY-----|$)")),
    ("AWS access key id", lazy_compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", lazy_compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}+\b")),
    ("GitHub fine-grained token", lazy_compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}+\b")),
    ("Slack token", lazy_compile(_RUN_START + r"xox[abposr]-[A-Za-z0-9-]{10,}\b")),
    ("Stripe key", lazy_compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}+\b")),
    ("OpenAI key", lazy_compile(_RUN_START + r"sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b")),
    ("Google API key", lazy_compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("JSON web token", lazy_compile(_RUN_START + r"eyJ[A-Za-z0-9_-]{8,}+\.eyJ[A-Za-z0-9_-]{8,}+\.[A-Za-z0-9_-]{8,}\b")),
    ("SendGrid key", lazy_compile(r"\bSG\.[A-Za-z0-9_-]{16,}+\.[A-Za-z0-9_-]{16,}\b")),
)
# Credentials masked in every output though the rules do not report them by format.
_EXTRA_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (lazy_compile(r"(?i)(hooks\.slack\.com/(?:services|workflows|triggers)/)[A-Za-z0-9_/-]++"), r"\1" + "****"),
    (lazy_compile(r"(?i)(discord(?:app)?\.com/api/webhooks/)[A-Za-z0-9_/-]++"), r"\1" + "****"),
    (lazy_compile(r"(?i)\b(Basic)([ \t]++)[A-Za-z0-9+/]{8,}+=*+"), r"\1\2" + "****"),
    (lazy_compile(r"(?i)\b(Bearer)([ \t]++)[A-Za-z0-9._~+/-]{12,}+=*+"), r"\1\2" + "****"),
)

SECRET_NAME = lazy_compile(
    r"(?i)(pass(?:word|wd)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|"
    r"client[_-]?secret|auth[_-]?key|credentials?|signing[_-]?key|encryption[_-]?key|dsn|jwt[_-]?key|"
    r"session[_-]?key|master[_-]?key|hmac[_-]?key|webhook)"
)
# name = "value" / name: value / NAME=value (env, yaml, code)
_ASSIGNMENT = lazy_compile(
    r"""(?<![\w.-])(?P<name>[A-Za-z_][\w.-]*+)"""
    r"""(?P<sep>["']?(?:[ \t]*+:[ \t]*+[A-Za-z_][\w\[\], .|]{0,80}?(?=[ \t]*=))?[ \t]*+(?::=|=>|[:=])[ \t]*+[fbru]?)"""
    r"""(?P<q>["'`]?)(?P<value>[^"'`\s,;(){}#=]++)(?P=q)"""
)
_TYPE_NAMES = frozenset(
    {"str", "int", "bool", "bytes", "float", "dict", "list", "Any", "Optional", "SecretStr", "string", "number"}
)
# user:password@host in URLs (the user may be empty: redis://:password@host)
_URL_CREDENTIALS = lazy_compile(
    r"(?<![a-z0-9+.-])(?P<scheme>[a-z][a-z0-9+.-]*+://)(?P<user>[^:/@\s]*+):(?P<pw>[^@/\s]++)@", re.I
)
_PLACEHOLDER = lazy_compile(r"^(\$\{?[\w:-]*\}?|<[^>]*>|\*+|x+|\.\.\.|None|null|none|true|false|\{\{.*\}\})$", re.I)
# Kubernetes env entries: `- name: DB_PASSWORD` then `value: ...` (the value line names no secret)
_K8S_NAME = lazy_compile(r"""(?:^|[{,\s])name[ \t]*+:[ \t]*+["']?(?P<name>[\w.-]++)""")
_K8S_VALUE = lazy_compile(r"""(?P<key>(?:^|[{,\s])value[ \t]*+:[ \t]*+)(?P<value>"[^"\n]*+"|'[^'\n]*+'|[^,}\n]++)""")


def redact_message(text: str) -> str:
    """Messages are written by rules (names, not values): mask only unmistakable secrets, so
    prose such as "credentials: the origin" is left alone."""
    for _name, pattern in KNOWN_SECRET_PATTERNS:
        text = pattern.sub(MASK, text)
    for pattern, replacement in _EXTRA_REDACTIONS:
        text = pattern.sub(replacement, text)
    return _URL_CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", text)


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts = Counter(value)
    return -sum(c / len(value) * math.log2(c / len(value)) for c in counts.values())


def redact(text: str) -> str:
    """Mask secret values in text: known formats, secret-named assignments, URL passwords."""
    if not text:
        return text
    text = redact_message(text)

    def mask_assignment(match: re.Match[str]) -> str:
        name, value = match["name"], match["value"]
        if not SECRET_NAME.search(name) or _PLACEHOLDER.match(value) or value == MASK:
            return match.group(0)
        # Keep references to other names (os.environ[...], settings.X, process.env.X, f(...)).
        following = match.string[match.end() : match.end() + 1]
        if not match["q"] and (re.search(r"[.(\[]", value) or value in _TYPE_NAMES or (following != "" and following in "([")):
            return match.group(0)
        return f"{name}{match['sep']}{match['q']}{MASK}{match['q']}"

    text = _ASSIGNMENT.sub(mask_assignment, text)
    lines = _mask_env_entries(text.split("\n"))
    return "\n".join(_mask_literals_near_secret_names(line) for line in lines)


def _mask_env_entries(lines: list[str]) -> list[str]:
    """`name: SECRET_NAME` with its `value:` on the same line or within the next three lines."""
    for index, line in enumerate(lines):
        if "name" not in line:
            continue
        match = _K8S_NAME.search(line)
        if not match or not SECRET_NAME.search(match["name"]):
            continue
        for near in range(index, min(index + 4, len(lines))):
            if near > index and _K8S_NAME.search(lines[near]):
                break
            lines[near] = _K8S_VALUE.sub(_mask_value, lines[near])
    return lines


def _mask_value(match: re.Match[str]) -> str:
    value = match["value"].strip()
    quote = value[0] if value[:1] in ("'", '"') else ""
    if _PLACEHOLDER.match(value.strip("'\"")) or not value.strip("'\""):
        return match.group(0)
    return f"{match['key']}{quote}{MASK}{quote}"


_QUOTED = lazy_compile(r"""(["'`])([^"'`\s]{6,})\1""")
_ENV_NAME = lazy_compile(r"^[A-Z][A-Z0-9_]*$")
# Publicly known weak defaults stay visible: they are what the reviewer needs to see.
WELL_KNOWN_WEAK = frozenset(
    {"changeme", "change-me", "changethis", "change_me", "changeit", "secret", "password", "postgres", "admin", "root", "default", "mysecret",
     "development", "supersecret", "your-secret-key", "secret-key", "dev-secret", "testing", "123456"}
)


def _mask_literals_near_secret_names(line: str) -> str:
    """On a line that names a secret, mask other string literals too (defaults after `or`,
    `||`, `??`, getenv's second argument), except env var names and well-known weak values."""
    if not SECRET_NAME.search(line) or MASK == line.strip():
        return line

    def mask(match: re.Match[str]) -> str:
        value = match.group(2)
        if (
            value == MASK
            or _ENV_NAME.match(value)
            or value.lower() in WELL_KNOWN_WEAK
            or value.startswith(("/", "http://", "https://"))
            or re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z][A-Za-z]*)*", value)  # header names: Authorization
            or SECRET_NAME.fullmatch(value)
            or shannon_entropy(value) < 2.5
        ):
            return match.group(0)
        return f"{match.group(1)}{MASK}{match.group(1)}"

    return _QUOTED.sub(mask, line)
