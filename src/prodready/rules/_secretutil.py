"""What looks like a secret, for the secrets rules of every language."""

from __future__ import annotations

import functools
import re

from prodready.lazyre import lazy_compile
from prodready.redact import KNOWN_SECRET_PATTERNS, WELL_KNOWN_WEAK, shannon_entropy

SECRET_NAME = lazy_compile(
    r"(?i)(pass(word|wd|phrase)?|pwd|secret|token|api_?key|apikey|access_?key|private_?key|"
    r"client_?secret|auth_?key|signing_?key|encryption_?key|credentials?|jwt_?key|master_?key)"
)
# Names that contain a secret word but hold something else.
NOT_SECRET_NAME = lazy_compile(
    r"(?i)(_url|_uri|_path|_file|_dir|_field|_name|_header|_expire|expire|_minutes|_seconds|_hours|_days|_ttl|"
    r"_length|_len|_type|_prefix|_env|_var|_id$|_ids$|_count|_limit|(?<![a-z])(max|min|num)_|_usage|tokens$|_regex|"
    r"_pattern|_endpoint|_algorithm|algorithm|_scheme|_format|_hint|_label|_placeholder|_policy|_rotation|"
    r"_reset|_required|_enabled|_encoding|_size|_version|_location|_provider|_store|_backend|_class|"
    r"hashed|_hash$|(?<![a-z])(next|page)_|_cursor|_digest|_placeholder|_audience$|_issuer$|_aud$|_iss$|_kind$|_scope$|_scopes$)"
)
SIGNING_KEY_NAME = lazy_compile(
    r"(?i)(^|_)(secret_?key|jwt_?secret|jwt_?key|session_?secret|signing_?key|secret|app_?secret|"
    r"cookie_?secret|token_?secret|auth_?secret|nextauth_?secret|flask_?secret)$"
)
PLACEHOLDER = lazy_compile(
    r"(?i)^(|\s+|x+|\*+|\.\.\.|<.*>|\{\{.*\}\}|\$\{.*\}|\$\w+|%\(.*\)s|your[-_ ].*|.*here|example.*|"
    r"dummy.*|fake.*|test.*|sample.*|placeholder.*|todo.*|replace.*|none|null|undefined|redacted|"
    r"not[-_ ]?set|unset|env|required)$"
)


@functools.lru_cache(maxsize=4096)
def snake_case(name: str) -> str:
    """jwtSecret / JWTSecret -> jwt_secret, so one set of name patterns serves JS and Go too."""
    out = []
    for index, char in enumerate(name):
        if char.isupper() and index and not name[index - 1].isupper() and name[index - 1] != "_":
            out.append("_")
        out.append(char.lower())
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    last = re.split(r"[.\[\]'\"]", name.strip("'\"[]"))[-1] or name
    return bool(SECRET_NAME.search(last)) and not NOT_SECRET_NAME.search(last)


@functools.lru_cache(maxsize=4096)
def is_signing_key_name(name: str) -> bool:
    last = re.split(r"[.\[\]'\"]", name.strip("'\"[]"))[-1] or name
    return bool(SIGNING_KEY_NAME.search(last))


# What every name SECRET_NAME or SIGNING_KEY_NAME matches holds, lower-cased (an underscore the
# pattern allows before "key" may be one snake_case adds: both spellings are listed). A file
# whose lower-cased text holds none of them has no such name (see rules._memo.names_absent).
_KEY_PREFIXES = ("api", "access", "private", "auth", "signing", "encryption", "jwt", "master")
SECRET_NAME_WORDS = ("pass", "pwd", "secret", "token", "credential",
                     *(prefix + sep + "key" for prefix in _KEY_PREFIXES for sep in ("", "_")))
SIGNING_KEY_NAME_WORDS = ("secret", "jwtkey", "jwt_key", "signingkey", "signing_key")


# Every known format starts with one of these literals; one scan for them rules out almost every
# string constant before the ten format patterns run (tests/rules/test_secret_prefilter.py keeps
# this in step with KNOWN_SECRET_PATTERNS).
KNOWN_FORMAT_PREFILTER = lazy_compile(r"-----BEGIN|A[KS]IA|gh[pousr]_|github_pat_|xox|[rs]k_|sk-|AIza|eyJ|SG\.")
# The literals KNOWN_FORMAT_PREFILTER is made of, one by one: for a whole file's text, substring
# searches answer `KNOWN_FORMAT_PREFILTER.search(text)` several times faster than the pattern,
# which has no literal prefix and is tried at every position.
KNOWN_FORMAT_TEXTS = ("-----BEGIN", "AKIA", "ASIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "rk_",
                      "sk_", "sk-", "AIza", "eyJ", "SG.")


def may_hold_known_format(text: str) -> bool:
    """``KNOWN_FORMAT_PREFILTER.search(text) is not None``, by substring searches."""
    return any(word in text for word in KNOWN_FORMAT_TEXTS)


def known_format(value: str) -> str | None:
    if not KNOWN_FORMAT_PREFILTER.search(value):
        return None
    for label, pattern in KNOWN_SECRET_PATTERNS:
        if pattern.search(value):
            return label
    return None


def looks_like_real_secret(value: str) -> bool:
    """A literal that is plausibly a real credential (not a placeholder, path, URL or sentence)."""
    if PLACEHOLDER.match(value) or value.lower() in WELL_KNOWN_WEAK:
        return False
    if " " in value.strip() or value.startswith(("/", "http://", "https://", "./", "~")):
        return False
    if len(value) < 8:
        return False
    if re.fullmatch(r"[A-Za-z_]+", value) and len(value) < 24:
        return False  # a word or identifier ("resetPassword"), not a credential
    return shannon_entropy(value) >= 3.0


def is_weak_secret(value: str) -> bool:
    return value.strip() == "" or len(value) < 32 or value.lower() in WELL_KNOWN_WEAK
