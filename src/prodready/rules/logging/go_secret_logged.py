"""Go log call writes a password, token or secret.

## What it does
Flags `log.Print*`, `log.Fatal*` and leveled loggers (`logger.Info`, `logrus.Debugf`,
`zap`'s `sugar.Infow`, ...) whose arguments are variables or fields named like credentials:
`password`, `user.Password`, `apiKey`, `accessToken`, `clientSecret` — or the whole configuration
printed with `%v`/`%+v` (`log.Printf("starting with config: %+v", cfg)`).

## Why it matters in production
Logs are shipped to aggregators, kept for months and read by far more people than the credential
store: a password in a login log line is a breach waiting for anyone with log access.

## Example
```go
log.Println(username, " ", password)
```

## Use instead
```go
log.Printf("login attempt user=%s", username)
```

## Known limitations
`fmt.Print*` is treated as program output (CLI tools print generated tokens on purpose), not logging.
Credentials inside other structs logged whole (`log.Printf("%+v", req)`) are not seen; a
configuration value (`cfg`, `config`, `settings`) printed with `%v`/`%+v` is reported.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html
- https://cwe.mitre.org/data/definitions/532.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules._secretutil import NOT_SECRET_NAME, snake_case
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-002",
    name="secret-logged",
    aliases=("PR-LG-201", "go-secret-logged"),
    category=Category.LOGGING,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Log who and what (user id, outcome), never the credential; mask tokens to their last 4 characters.",
    references=("https://cwe.mitre.org/data/definitions/532.html",),
)

LOGGER = lazy_compile(
    r"^(log|logrus|zap|slog|glog|klog|\w*[lL]og(ger)?\w*|l|s|sugar|lg)\.(Print\w*|Fatal\w*|Panic\w*|"
    r"(Debug|Info|Warn|Warning|Error|Trace)\w*)$"
)
SECRETISH = lazy_compile(
    r"^(.*_)?(password|passwd|pwd|pass|secret|token|access_token|refresh_token|api_?key|apikey|"
    r"credentials?|client_secret|private_key|session_token)$"
)
NOT_SECRET = lazy_compile(r"(hash|hashed|_len|length|_count|_id$|_type|_name|expire|_ttl|_valid|_ok$|_err$|_error$)")


# `log.Printf("config: %+v", cfg)`: a configuration struct printed field by field.
DUMPS_STRUCT = lazy_compile(r"%[+#]?v")
CONFIG_VALUE = lazy_compile(r"(?i)^(\*|&)?(\w+\.)?(cfg|conf|config|configuration|settings)$")


def _secret_name(arg: Any) -> str | None:
    if arg.type == "identifier":
        name = text(arg)
    elif arg.type == "selector_expression":
        name = text(field(arg, "field"))
    else:
        return None
    snake = snake_case(name)
    if SECRETISH.match(snake) and not NOT_SECRET.search(snake) and not NOT_SECRET_NAME.search(snake):
        return text(arg)
    return None


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: LOGGER.match(c), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if not LOGGER.match(name) or non_production(ctx.path, ctx.is_test_file) or name.startswith("fmt."):
        return
    ctx.examine(RULE)
    arguments = go.call_args(node)
    for arg in arguments:
        secret = _secret_name(arg)
        if secret:
            yield RULE.hit(node, f"{name}() logs `{secret}`: credentials end up in log storage")
            return
    template = go.string_arg(node) or ""
    if DUMPS_STRUCT.search(template):
        for arg in arguments[1:]:
            if CONFIG_VALUE.search(text(arg)):
                yield RULE.hit(node, f"{name}() dumps the whole `{text(arg)}` with every field: the secrets it holds (keys, passwords, DSNs) end up in log storage")
                return
