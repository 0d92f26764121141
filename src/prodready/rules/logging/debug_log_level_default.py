"""Log level hard-coded to debug, or debug when the setting is unset (JS/TS, Go)

## What it does
Flags a Node logger level fixed at a debug level, or defaulting to one — `level: 'debug'`,
`level: process.env.LOG_LEVEL || 'silly'` (winston, pino, bunyan and the config objects that feed
them) — and a Go logger fixed at debug: `Level: slog.LevelDebug`, `logrus.SetLevel(logrus.DebugLevel)`,
`zerolog.SetGlobalLevel(zerolog.DebugLevel)`, a viper default `SetDefault("log.level", "debug")`.
A level chosen inside an `if debug`/`if dev` branch is the developer's switch and is left alone.

## Why it matters in production
A service deployed without the variable set — the usual first deploy — logs at debug: request
bodies, headers, tokens and personal data that debug statements print end up in the log pipeline,
and the volume costs money and buries the lines that matter.

## Example
```javascript
const logger = winston.createLogger({ level: process.env.LOG_LEVEL || 'debug' });
```

## Use instead
```javascript
const logger = winston.createLogger({ level: process.env.LOG_LEVEL || 'info' });
```

## Known limitations
A level read from a configuration file is not followed into that file.

## References
- https://github.com/winstonjs/winston#logging-levels
- https://pkg.go.dev/log/slog#HandlerOptions
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-003",
    name="log-level-hardcoded",
    aliases=("PR-LG-105",),
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Read the level from configuration (LOG_LEVEL), defaulting to info.",
    references=("https://github.com/winstonjs/winston#logging-levels",),
)

LEVEL_KEY = lazy_compile(r"^['\"]?(level|logLevel|log_level|loglevel|LOG_LEVEL)['\"]?$")
DEBUG_LEVELS = frozenset({"debug", "silly", "trace", "verbose", "all"})
# `if (debug)`, `if cfg.Dev`, `isDevelopment ? 'debug' : 'info'`: the developer's switch
DEV_SWITCH = lazy_compile(r"(?i)debug|\bdev|development|verbose|\btest")
GO_DEBUG = lazy_compile(
    r"^(slog\.LevelDebug|logrus\.(Debug|Trace)Level|zerolog\.(Debug|Trace)Level|zap\.DebugLevel|zapcore\.DebugLevel|log\.LevelDebug)$"
)
GO_SETTERS = frozenset({"logrus.SetLevel", "zerolog.SetGlobalLevel"})


def _debug_string(node: Any) -> str | None:
    if node is None or node.type not in {"string", "template_string", "interpreted_string_literal", "raw_string_literal"}:
        return None
    value = text(node).strip("'\"`").lower()
    return value if value in DEBUG_LEVELS else None


def _under_dev_switch(node: Any) -> bool:
    for anc in ancestors(node):
        if anc.type in {"if_statement", "ternary_expression"}:
            condition = field(anc, "condition")
            if condition is not None and DEV_SWITCH.search(text(condition)):
                return True
        if anc.type in {"function_declaration", "method_declaration", "program", "source_file"}:
            return False
    return False


def _skip_js(ctx: TreeContext) -> bool:
    return js.test_or_script(ctx) or bool(js.CLIENT_PATH.search(ctx.path)) and not js.is_server_file(ctx)


@RULE.on_tree("pair", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip_js)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    key = field(node, "key")
    value = field(node, "value")
    if key is None or value is None or not LEVEL_KEY.match(text(key)) or _skip_js(ctx):
        return
    ctx.examine(RULE)
    level = _debug_string(value)
    fallback = False
    if level is None and value.type == "binary_expression" and text(field(value, "operator")) in {"||", "??"}:
        level, fallback = _debug_string(field(value, "right")), True
    if level is None or _under_dev_switch(node):
        return
    if fallback:
        yield RULE.hit(node, f"log level defaults to '{level}' when {text(field(value, 'left'))[:40]} is unset: a deploy without it logs debug output in production")
    else:
        yield RULE.hit(node, f"log level hard-coded to '{level}': debug output in production, and no way to turn it down without a deploy")


def _skip_go(ctx: TreeContext) -> bool:
    return non_production(ctx.path, ctx.path.endswith("_test.go")) or "Debug" not in ctx.text and "debug" not in ctx.text


@RULE.on_tree("keyed_element", languages=(Language.GO,), skip_file=_skip_go)
def check_go_option(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    children = node.named_children
    if len(children) != 2 or text(children[0]) != "Level" or not GO_DEBUG.match(text(children[1])) or _skip_go(ctx):
        return
    ctx.examine(RULE)
    if not _under_dev_switch(node):
        yield RULE.hit(node, f"logger level hard-coded to {text(children[1])}: debug output in production, and no way to turn it down without a deploy")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c in GO_SETTERS or c.endswith("SetDefault"), skip_file=_skip_go)
def check_go_call(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    arguments = go.call_args(node)
    if _skip_go(ctx):
        return
    if name in GO_SETTERS:
        if not arguments or not GO_DEBUG.match(text(arguments[0])):
            return
        shown = text(arguments[0])
    elif len(arguments) == 2 and re.search(r"(?i)level", text(arguments[0])) and _debug_string(arguments[1]):
        shown = text(arguments[1])  # viper.SetDefault("log.level", "debug")
    else:
        return
    ctx.examine(RULE)
    if not _under_dev_switch(node):
        yield RULE.hit(node, f"log level set to {shown} in code: debug output in production unless every deploy overrides it")
