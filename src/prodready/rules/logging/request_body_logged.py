"""Whole request body written to the logs

## What it does
Flags logging calls that write a request body as it came in:
- Node: `console.log(req.body)`, `logger.info({ body: req.body })`, `JSON.stringify(req.body)` in a
  log call;
- Python: `request.json()`, `await request.body()`, `request.get_json()`, `request.data`,
  `request.form`, a `body=`/`request_body=` field, or the body parameter of a route handler (a
  pydantic model such as `payload: UserCreate`) interpolated into a log message.
Logging a field of the body (`req.body.email`) is left to PR-LG-002 (secrets). The whole header map
counts too (`JSON.stringify(req.headers)`, `request.headers`, Go `slog.Any("headers", r.Header)`):
it carries the Authorization and Cookie values.

## Why it matters in production
Request bodies carry what users type: passwords on sign-up and login, reset tokens, addresses,
card and health data. Logged whole, every one of them lands in log storage, is shipped to
third-party log services and kept for months, readable by everyone with log access — a data leak
and a compliance problem (GDPR, PCI) that no one notices until an audit.

## Example
```javascript
app.post("/signup", (req, res) => {
  logger.info("signup", req.body);
```

## Use instead
```javascript
  logger.info("signup", { email: maskEmail(req.body.email) }); // only what you need, never secrets
```

## Known limitations
Loggers configured with a redaction list (pino `redact`, structlog processors) are not read.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-004",
    name="request-body-logged",
    category=Category.LOGGING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Log an identifier or the few fields you need (masked), never the whole request body.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude",),
)

JS_LOGGER = lazy_compile(
    r"^(console|logger|log|this\.logger|this\.log|req\.log|fastify\.log|app\.log)\.(log|info|debug|warn|error|trace)$"
    r"|^[\w.]*[Ll]og(ger)?\b[\w.]*(\.(child|get|scope)\([^()]*\))?\.(info|debug|warn|error|trace)$"  # Logger.get('api').debug
)
JS_BODY = lazy_compile(r"(?<![\w.])(req|request|ctx\.request)\.body(?![\w.\[])")
# The whole header map: Authorization, Cookie and API-key headers with it.
JS_HEADERS = lazy_compile(r"(?<![\w.])(req|request|ctx\.request|ctx)\.headers(?![\w.\[])")
HEADERS_MESSAGE = "every request header is logged: Authorization, Cookie and API-key values end up in the logs"


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              callee=lambda name: bool(JS_LOGGER.match(name)), skip_file=js.test_or_script)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if js.test_or_script(ctx) or not JS_LOGGER.match(js.callee(node)):
        return
    ctx.examine(RULE)
    if any(JS_BODY.search(text(a)) for a in js.args(node)):
        yield RULE.hit(node, "the whole request body is logged: passwords, tokens and personal data end up in the logs")
    elif any(JS_HEADERS.search(text(a)) for a in js.args(node)):
        yield RULE.hit(node, HEADERS_MESSAGE)


PY_LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log",
                  "adebug", "ainfo", "awarning", "aerror", "aexception"}
PY_BODY = lazy_compile(r"\brequest\.(json|body|get_json|data|form|get_data)\b|\brequest_info\.body\b")
BODY_KEYWORDS = {"body", "request_body", "payload", "request_payload"}
PY_HEADERS = lazy_compile(r"\brequest\.headers\b(?!\s*[.\[])")
PRIMITIVES = lazy_compile(r"^(int|str|bool|float|UUID|uuid\.UUID|datetime|date|Optional\[(int|str|bool)\])$")


def _body_params(func: ast.AST | None) -> set[str]:
    """Parameters of a route handler that hold the parsed body (a model, a list of models)."""
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
        return set()
    if not any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in {"post", "put", "patch"}
               for d in func.decorator_list):
        return set()
    found = set()
    defaults = dict(zip([a.arg for a in func.args.args][-len(func.args.defaults):] if func.args.defaults else [],
                        func.args.defaults, strict=False))
    for arg in func.args.args:
        if arg.annotation is None or arg.arg in {"self", "request", "db", "session", "background_tasks"}:
            continue
        annotation = ast.unparse(arg.annotation)
        default = defaults.get(arg.arg)
        if PRIMITIVES.match(annotation) or "Depends" in annotation or (default is not None and "Depends" in ast.unparse(default)):
            continue
        if re.search(r"(Schema|Create|Update|In|Request|Body|Payload|Model)\b", annotation):
            found.add(arg.arg)
    return found


@RULE.on_python(ast.Call, calls=sorted(PY_LOG_METHODS), skip_file=in_test_file)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not isinstance(node.func, ast.Attribute) or node.func.attr not in PY_LOG_METHODS:
        return
    owner = ast.unparse(node.func.value)
    if not re.search(r"(?i)log", owner):
        return
    ctx.examine(RULE)
    sources = [ast.unparse(a) for a in node.args] + [ast.unparse(k.value) for k in node.keywords]
    if any(PY_BODY.search(s) for s in sources) or any(k.arg in BODY_KEYWORDS for k in node.keywords):
        yield RULE.hit(node, "the request body is logged: passwords, tokens and personal data end up in the logs")
        return
    if any(PY_HEADERS.search(s) for s in sources):
        yield RULE.hit(node, HEADERS_MESSAGE)
        return
    params = _body_params(pyast.enclosing_function(node))
    if params and any(_whole(p, s) for p in params for s in sources):
        yield RULE.hit(node, "the parsed request body is logged whole: passwords, tokens and personal data end up in the logs")


def _whole(param: str, source: str) -> bool:
    """`payload`, `f"{payload}"`, `str(payload)`, `payload.model_dump()`: the body itself, not `len(payload)`."""
    name = re.escape(param)
    return bool(
        source == param
        or re.search(rf"\{{{name}(!r|!s)?\}}", source)
        or re.search(rf"\b(str|repr|dict|json\.dumps|jsonable_encoder)\({name}\b", source)
        or re.search(rf"\b{name}\.(model_dump|dict|json|model_dump_json)\(", source)
    )


# -- Go ---------------------------------------------------------------------------------------------

GO_REQUEST = lazy_compile(r"^(r|req|request|c\.Request|ctx\.Request)\.Header$")
# slog.Any("headers", r.Header), zap.Any(...), logrus WithField(...), log.Printf("%v", r.Header)
GO_LOG_CALL = lazy_compile(r"^(slog|zap)\.(Any|Reflect)$|\.WithFields?$|^(log|logger|l|slog)\.\w+$|\.(Debug|Info|Warn|Error|Printf|Println|Debugf|Infof|Warnf|Errorf)$")


def _go_log_call(name: str) -> bool:
    return bool(GO_LOG_CALL.search(name))


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=_go_log_call, skip_file=in_test_code)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if not _go_log_call(name) or non_production(ctx.path, ctx.is_test_file):
        return
    ctx.examine(RULE)
    if any(GO_REQUEST.match(text(a)) for a in go.call_args(node)):
        yield RULE.hit(node, HEADERS_MESSAGE)
