"""Service address or link hard-coded to localhost

## What it does
Flags an `http(s)://` or `ws(s)://` URL on `localhost`, `127.0.0.1` or `0.0.0.0` written into the
service's code where the service uses it as the address of another service or as a link it hands
out: a module-level constant (`const TRAINING_URL = "http://localhost:8000"`, `LLM_BASE_URL = ...`)
or the URL of an outbound call (`fetch("http://localhost:8000/jobs")`, `requests.get(...)`,
`fmt.Sprintf("http://localhost:8080/verify?code=%s", ...)`). A default that configuration can
override (`process.env.URL || "http://localhost..."`, `os.getenv("URL", ...)`, a settings-class
field, a flag default) is not flagged, nor are log messages, CORS origins, tests, scripts,
development configuration and browser code.

## Why it matters in production
In a container, on a platform or behind a proxy, `localhost` is the service's own sandbox: the
peer it names is not there, so every call fails with "connection refused" — or reaches whatever
happens to listen on that port. Links built from it (password reset, e-mail verification, file
URLs) point every user at their own machine. Because the address is in code, fixing it for one
environment takes a release.

## Example
```ts
const TRAINING_SERVER_URL = "http://localhost:8000";
```

## Use instead
```ts
const TRAINING_SERVER_URL = requiredEnv("TRAINING_SERVER_URL"); // refuse to start without it
```

## Known limitations
Only literals are read: a URL assembled from a local host name and a port in separate strings
is not seen. A constant that only a development branch uses is still flagged.

## References
- https://12factor.net/config
- https://12factor.net/backing-services
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import non_production
from prodready.rules._memo import once_per_file
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-009",
    name="local-service-url-hardcoded",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Read the address from configuration (an env var the service refuses to start without); "
    "build user-facing links from a configured public base URL.",
    references=("https://12factor.net/config",),
)

LOCAL_URL = lazy_compile(r"""^['"`]?(?:https?|wss?)://(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::\d+)?(?:[/?'"`]|\$\{|%|$)""")
# Files that only run on a developer's machine or describe the API rather than call it.
LOCAL_FILE = lazy_compile(
    r"(?i)(^|/)(dev|development|local|test|testing|e2e|examples?|scripts?|docs?|mocks?|fixtures?|seed|storybook)[\w.-]*(/|$)"
    r"|(swagger|openapi|\.config|\.conf|config\.dev|\.dev|\.local|\.stories)\.[jt]sx?$|(^|/)(vite|webpack|next|nuxt|jest|vitest|playwright|cypress)\b"
)
# Calls that log or print the literal, or read a configurable value with it as the default.
MESSAGE_CALLS = frozenset({"log", "info", "warn", "warning", "debug", "error", "print", "Println", "Printf", "Print",
                           "Infof", "Info", "Debugf", "Warnf", "Errorf", "Fatalf", "Fatal", "Sprintf"})
DEFAULT_CALLS = frozenset({"get", "getenv", "Getenv", "LookupEnv", "String", "StringVar", "SetDefault", "Field",
                           "env", "getEnv", "GetEnv", "envOr", "getenvDefault", "default"})
OUTBOUND_CALLS = frozenset({"fetch", "get", "post", "put", "patch", "delete", "request", "head", "Get", "Post", "Head",
                            "NewRequest", "NewRequestWithContext", "urlopen", "Client", "AsyncClient", "WebSocket",
                            "connect", "create", "Sprintf"})
STRING_NODES = ("string", "template_string", "interpreted_string_literal", "raw_string_literal")


@once_per_file
def _skip(ctx: Any) -> object:
    return ctx.is_test_file or "localhost" not in ctx.text and "127.0.0.1" not in ctx.text and "0.0.0.0" not in ctx.text or (
        LOCAL_FILE.search(ctx.path) or non_production(ctx.path, ctx.is_test_file)
    )


def _message(field: str) -> str:
    return f"{field} is hard-coded to a local address: in a container or on a server nothing is there"


# ---------------------------------------------------------------- JavaScript / TypeScript and Go

def _tree_use(node: Any) -> str | None:
    """What the literal is in its code: 'constant', 'call', or None for defaults, messages, keys."""
    parent = node.parent
    while parent is not None and parent.type in {"template_substitution", "binary_expression", "parenthesized_expression",
                                                  "expression_list", "literal_value", "literal_element"}:
        if parent.type == "binary_expression" and any(op in text(parent) for op in ("||", "??")):
            return None  # `process.env.URL || "http://localhost"`: a default configuration overrides
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "arguments" or parent.type == "argument_list":
        call = parent.parent
        name = (js.callee(call) if call is not None and call.type == "call_expression" else "").rpartition(".")[2]
        if call is not None and call.type == "call_expression" and not name:
            name = text(call.child_by_field_name("function")).rpartition(".")[2]
        if name in MESSAGE_CALLS - {"Sprintf"} or name in DEFAULT_CALLS:
            return None
        return "call" if name in OUTBOUND_CALLS else None
    if parent.type == "variable_declarator" and js.is_top_level(parent):
        return "constant"
    if parent.type in {"const_spec", "var_spec"} and _go_package_level(parent):
        return "constant"
    return None


def _go_package_level(spec: Any) -> bool:
    current = spec.parent
    while current is not None:
        if current.type in {"function_declaration", "method_declaration", "func_literal"}:
            return False
        current = current.parent
    return True


@RULE.on_tree(*STRING_NODES, languages=(Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO), skip_file=_skip)
def check_tree(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx) or (node.parent is not None and node.parent.type in STRING_NODES):
        return
    if ctx.language != Language.GO and not _node_code(ctx):
        return
    literal = text(node)
    if not LOCAL_URL.match(literal):
        return
    ctx.examine(RULE)
    use = _tree_use(node)
    if use == "constant":
        yield RULE.hit(node, _message("a service address"))
    elif use == "call":
        yield RULE.hit(node, _message("the URL of this call"))


def _node_code(ctx: TreeContext) -> bool:
    """Server-side JS/TS, including the lib/ modules of a Next.js app that import no server
    package themselves; browser components and build scripts are left out."""
    if js.is_server_file(ctx):
        return True
    head = ctx.text[:200]
    return not (js.test_or_script(ctx) or js.CLIENT_PATH.search(ctx.path) or "use client" in head)


# ---------------------------------------------------------------- Python

@RULE.on_python(ast.Constant, skip_file=_skip)
def check_python(node: ast.Constant, ctx: PyContext) -> Iterator[Hit]:
    if _skip(ctx) or not isinstance(node.value, str) or not LOCAL_URL.match(node.value) or is_script_like(ctx):
        return
    ctx.examine(RULE)
    parent = pyast.parent(node)
    while isinstance(parent, ast.JoinedStr | ast.FormattedValue | ast.BinOp):
        parent = pyast.parent(parent)
    if isinstance(parent, ast.Assign) and isinstance(pyast.parent(parent), ast.Module):
        targets = [t.id for t in parent.targets if isinstance(t, ast.Name)]
        if targets:
            yield RULE.hit(node, _message(f"`{targets[0]}`"))
        return
    if isinstance(parent, ast.Call) and node in parent.args[:1]:
        name = (pyast.dotted(parent.func) or "").rpartition(".")[2]
        if name in OUTBOUND_CALLS and name not in DEFAULT_CALLS - {"get"} and not _reads_config(parent):
            yield RULE.hit(node, _message("the URL of this call"))
    elif isinstance(parent, ast.keyword) and parent.arg in {"base_url", "url", "endpoint", "host_url", "api_base"}:
        call = pyast.parent(parent)
        if isinstance(call, ast.Call) and not _in_settings_class(call):
            yield RULE.hit(node, _message(f"`{parent.arg}`"))


def _reads_config(call: ast.Call) -> bool:
    """`os.environ.get("URL", "http://localhost")`, `config.get("url", ...)`: a default, not the address."""
    receiver = pyast.dotted(call.func) or ""
    return receiver.startswith(("os.", "environ", "config", "settings", "self.config")) or receiver in {"getenv", "get"}


def _in_settings_class(node: ast.AST) -> bool:
    current = pyast.parent(node)
    while current is not None:
        if isinstance(current, ast.ClassDef):
            return True
        current = pyast.parent(current)
    return False
