"""Secret redaction applied to every piece of audited text that leaves the engine."""

from __future__ import annotations

import math
import re
from collections import Counter

MASK = "****"

# Known credential formats (values are replaced whatever name they are assigned to).
KNOWN_SECRET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("private key", re.compile(r"-----BEGIN[A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z ]*PRIVATE KEY-----|$)")),
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("GitHub fine-grained token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}\b")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b")),
    ("Stripe key", re.compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b")),
    ("OpenAI key", re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b")),
    ("SendGrid key", re.compile(r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b")),
)

SECRET_NAME = re.compile(
    r"(?i)(pass(?:word|wd)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|"
    r"client[_-]?secret|auth[_-]?key|credentials?|signing[_-]?key|encryption[_-]?key|dsn|jwt[_-]?key)"
)
# name = "value" / name: value / NAME=value (env, yaml, code)
_ASSIGNMENT = re.compile(
    r"""(?P<name>[A-Za-z_][\w.-]*)(?P<sep>["']?(?:\s*:\s*[A-Za-z_][\w\[\], .|]*?(?=\s*=))?\s*(?::=|=>|[:=])\s*[fbru]?)"""
    r"""(?P<q>["'`]?)(?P<value>[^"'`\s,;(){}#=]+)(?P=q)"""
)
_TYPE_NAMES = frozenset(
    {"str", "int", "bool", "bytes", "float", "dict", "list", "Any", "Optional", "SecretStr", "string", "number"}
)
# user:password@host in URLs
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]+):(?P<pw>[^@/\s]+)@", re.I)
_PLACEHOLDER = re.compile(r"^(\$\{?[\w:-]*\}?|<[^>]*>|\*+|x+|\.\.\.|None|null|none|true|false|\{\{.*\}\})$", re.I)


def redact_message(text: str) -> str:
    """Messages are written by rules (names, not values): mask only unmistakable secrets, so
    prose such as "credentials: the origin" is left alone."""
    for _name, pattern in KNOWN_SECRET_PATTERNS:
        text = pattern.sub(MASK, text)
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
    for _name, pattern in KNOWN_SECRET_PATTERNS:
        text = pattern.sub(MASK, text)
    text = _URL_CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", text)

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
    return "\n".join(_mask_literals_near_secret_names(line) for line in text.split("\n"))


_QUOTED = re.compile(r"""(["'`])([^"'`\s]{6,})\1""")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
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
