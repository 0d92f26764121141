"""Database engine or client without a query timeout.

## What it does
Flags SQLAlchemy `create_engine` / `create_async_engine` calls for networked databases whose
`connect_args` set no statement, command or connect timeout, and MongoDB clients (`MongoClient`,
`AsyncIOMotorClient`) without `serverSelectionTimeoutMS` or `socketTimeoutMS`, and asyncpg pools and
connections without `command_timeout`. Node: `mongoose.connect(uri, {...})` and
`new MongoClient(uri, {...})` without `serverSelectionTimeoutMS`/`socketTimeoutMS`/`timeoutMS` (in
the options or the URL), ioredis `new Redis({...})` without `commandTimeout`, ldapjs `createClient({...})`
without `connectTimeout`/`timeout`, S3 storage clients (AWS SDK v3 `new S3Client({...})` without a
`requestHandler`, minio `new Client({...})` without a `transportAgent`); options passed as a
variable are given the benefit of the doubt. Go: `mongo.Connect`/`mongo.NewClient` in a file that
sets none of `SetTimeout`, `SetSocketTimeout`, `SetServerSelectionTimeout` (or `timeoutMS` in the URI),
and go-redis clients whose options set `ReadTimeout`/`WriteTimeout` to -1 (timeouts switched off), and
bbolt files opened without `Options.Timeout` (`bolt.Open(path, 0600, nil)`, `storm.Open(path)`,
`bolt.Options{}` handed to a constructor): Open waits forever for the file lock. Django: a
PostgreSQL or MySQL entry of `DATABASES` whose `OPTIONS` set no `connect_timeout`. LDAP:
python-ldap `ldap.initialize()` in a file that sets neither `OPT_NETWORK_TIMEOUT` nor
`OPT_TIMEOUT` (also when the module is imported in a function and kept on the instance), ldap3
`Server()` in a file that sets neither `connect_timeout` nor `receive_timeout`, go-ldap `DialURL`/`Dial` without `DialWithDialer` where no `SetTimeout` follows,
and ldapauth-fork `new LdapAuth({...})` without `timeout`/`connectTimeout`.

## Why it matters in production
A slow query or a database that stops answering holds the connection and the request forever.
The pool drains, new requests queue behind it, and one bad query becomes an outage.

## Example
```python
engine = create_engine(DATABASE_URL, pool_size=10)
```

## Use instead
```python
engine = create_engine(
    DATABASE_URL,
    pool_pre_ping=True,
    connect_args={"connect_timeout": 5, "options": "-c statement_timeout=30000"},
)
```

The clients, the options that bound their operations and their defaults come from the knowledge
table (`prodready/knowledge/python.toml`).

## Known limitations
`connect_args` built in a variable are assumed to carry a timeout. Server-side timeouts set on the
database role are not visible in code. SQLite URLs are ignored.

## References
- https://docs.sqlalchemy.org/en/20/core/engines.html#custom-dbapi-connect-arguments-on-connect-routines
- https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT
- https://pymongo.readthedocs.io/en/stable/api/pymongo/mongo_client.html
- https://mongoosejs.com/docs/connections.html#options
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext, PyContext, TreeContext
from prodready.knowledge import Client, client_for, clients
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import descendants, field, string_value, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules import _django as django
from prodready.rules._pyutil import is_script_like, keyword_value
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-003",
    name="database-client-without-timeout",
    category=Category.TIMEOUTS,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Set a statement/command timeout in connect_args (Postgres: options='-c statement_timeout=...'); "
    "Mongo: serverSelectionTimeoutMS and socketTimeoutMS.",
    references=("https://docs.sqlalchemy.org/en/20/core/engines.html",),
)

ENGINES = {
    "sqlalchemy.create_engine",
    "sqlalchemy.engine.create_engine",
    "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlmodel.create_engine",
}
def _has_timeout_arg(connect_args: ast.AST | None) -> bool:
    if connect_args is None:
        return False
    if not isinstance(connect_args, ast.Dict):
        return True  # built elsewhere: give the benefit of the doubt
    for key, value in zip(connect_args.keys, connect_args.values, strict=False):
        if key is None:
            return True
        text = pyast.const_str(key) or ""
        if "timeout" in text.lower():
            return True
        if text == "options" and "timeout" in (pyast.const_str(value) or "").lower():
            return True
    return False


def _local_options(call: ast.Call) -> dict[str, ast.expr] | None:
    """The keys of `**engine_kwargs` when the function builds that dict itself (a dict literal plus
    `engine_kwargs["key"] = value`); None when anything else could add to it."""
    splats = [k.value for k in call.keywords if k.arg is None]
    function = pyast.enclosing_function(call)
    if len(splats) != 1 or not isinstance(splats[0], ast.Name) or function is None:
        return None
    name = splats[0].id
    options: dict[str, ast.expr] = {}
    built = False
    for node in ast.walk(function):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == name:
                    if not isinstance(node.value, ast.Dict) or any(k is None for k in node.value.keys):
                        return None
                    built = True
                    options.update({pyast.const_str(k) or "?": v for k, v in zip(node.value.keys, node.value.values, strict=False)})
                elif isinstance(target, ast.Subscript) and pyast.dotted(target.value) == name:
                    key = pyast.const_str(target.slice)
                    if key is None:
                        return None
                    options[key] = node.value  # type: ignore[assignment]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and pyast.dotted(node.func.value) == name:
            return None  # engine_kwargs.update(...), setdefault(...): not followed
        elif isinstance(node, ast.arg) and node.arg == name:
            return None  # handed in by the caller
    return options if built else None


# The engine builders, and the last name of every database client the knowledge table lists.
CALLEES = sorted({"create_async_engine", "create_engine"} | {
    call.rsplit(".", 1)[-1] for client in clients("python") if client.kind == "database" for call in client.calls
})


@RULE.on_python(ast.Call, calls=CALLEES, skip_file=is_script_like)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if is_script_like(ctx):
        return  # migration runners and one-off scripts are bounded by their operator
    name = ctx.call_name(node)
    if name in ENGINES:
        url = pyast.const_str(node.args[0]) if node.args else None
        if url is not None and url.startswith("sqlite"):
            return
        if any("sqlite" in (pyast.dotted(a) or pyast.const_str(a) or "").lower() for a in node.args):
            return
        ctx.examine(RULE)
        connect_args = keyword_value(node, "connect_args")
        if pyast.has_splat(node):
            options = _local_options(node)
            if options is None:
                return  # options built elsewhere: give the benefit of the doubt
            connect_args = options.get("connect_args", connect_args)
        if _has_timeout_arg(connect_args):
            return
        if url is not None and "timeout" in url:
            return
        yield RULE.hit(node, f"{name.split('.')[-1]}() without a statement/connect timeout in connect_args")
    else:
        client = client_for("python", name or "", kind="database")
        if client is None:
            return
        ctx.examine(RULE)
        if pyast.has_splat(node) or any(pyast.keyword(node, k) for k in client.timeout_options):
            return
        url = pyast.const_str(node.args[0]) if node.args else None
        if client.url_options and url and any(k in url for k in client.timeout_options):
            return
        yield RULE.hit(node, f"{(name or '').split('.')[-1]}() without {'/'.join(client.timeout_options[:2])}: {client.default}")


def _resolved(callee: Any, ctx: TreeContext) -> str:
    """`mongoose.connect` / `mongodb#MongoClient` / `ioredis#default`: the call as the table names it."""
    name = text(callee)
    head, _, rest = name.partition(".")
    module = ctx.imports.get(head)
    if module is None:
        return ""
    if "#" in module:
        return module if not rest else f"{module.split('#')[0]}.{rest}"
    return f"{module}.{rest}" if rest else module


def _no_clients(ctx: TreeContext) -> object:
    text = ctx.text
    return ctx.is_test_file or not ("mongo" in text or "redis" in text or "ldap" in text or "S3" in text or "minio" in text)


@RULE.on_tree("call_expression", "new_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              skip_file=_no_clients)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    callee = field(node, "constructor") if node.type == "new_expression" else field(node, "function")
    if callee is None or callee.type not in {"identifier", "member_expression"}:
        return
    client = client_for("javascript", _resolved(callee, ctx))
    if client is None:
        return
    ctx.examine(RULE)
    # `{...} as LdapAuth.Options` / `satisfies`: the object literal inside a TypeScript cast
    arguments = [_uncast(a) for a in js.args(node)]
    if any(a.type == "spread_element" for a in arguments):
        return
    index = client.options_arg
    if index is not None and len(arguments) > index and arguments[index].type == "identifier":
        # `const config = {...}; new S3Client(config)`: the options object built in the same function
        local = _js_local_options(node, text(arguments[index]), client.timeout_options)
        if local is not None:
            arguments[index] = local
    objects = [a for a in arguments if a.type == "object"]
    if _bounded(client, arguments, objects):
        return
    yield RULE.hit(node, f"{client.name} client without {'/'.join(client.timeout_options[:2])}: {client.default}")


def _js_local_options(node: Any, name: str, timeout_options: Any) -> Any:
    """The object literal `name` is declared with in the enclosing function, when no timeout option
    is set on it later there (`config.requestHandler = ...`) and no computed key is."""
    function = js.enclosing_function(node)
    if function is None:
        return None
    options = "|".join(re.escape(o) for o in timeout_options)
    if re.search(rf"\b{re.escape(name)}\.({options})\s*=(?!=)|\b{re.escape(name)}\[", text(function)):
        return None
    for declarator in descendants(function, "variable_declarator"):
        value = field(declarator, "value")
        if text(field(declarator, "name")) == name and value is not None and value.type == "object":
            return None if any(c.type == "spread_element" for c in value.named_children) else value
    return None


def _uncast(argument: Any) -> Any:
    while argument.type in {"as_expression", "satisfies_expression", "parenthesized_expression"} and argument.named_children:
        argument = argument.named_children[0]
    return argument


def _bounded(client: Client, arguments: list[Any], objects: list[Any]) -> bool:
    if client.options_arg is not None and len(arguments) > client.options_arg:
        options = arguments[client.options_arg]
        if options.type != "object" and not objects:
            return True  # options built elsewhere (an object literal later on is read below: new Redis(url, {...}))
    for argument in arguments:
        if argument.type in {"identifier", "member_expression"} and not objects and argument is not arguments[0]:
            return True
    if client.url_options and arguments:
        url = string_value(arguments[0]) or text(arguments[0])
        if any(option in url for option in client.timeout_options):
            return True
    return any(js.object_value(o, option) is not None for o in objects for option in client.timeout_options)


def _no_mongo(ctx: TreeContext) -> object:
    return ctx.is_test_file or "mongo" not in ctx.text


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: client_for("go", c) is not None,
              skip_file=_no_mongo)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """Go: options are built with setters anywhere in the file (`options.Client().SetTimeout(...)`)."""
    client = client_for("go", go.callee(node))
    if client is None or ctx.is_test_file:
        return
    ctx.examine(RULE)
    if any(option in ctx.text for option in client.timeout_options):
        return
    yield RULE.hit(node, f"{client.name} client without {'/'.join(client.timeout_options[:2])}: {client.default}")


GO_REDIS_CONSTRUCTORS = frozenset({"redis.NewClient", "redis.NewClusterClient", "redis.NewUniversalClient", "redis.NewFailoverClient"})
# go-redis: -1 switches the socket timeout off (0 means the 3 s default).
GO_REDIS_NO_TIMEOUT = re.compile(r"\b(ReadTimeout|WriteTimeout)\s*(?::|=)\s*-1\b")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=GO_REDIS_CONSTRUCTORS.__contains__, skip_file=lambda ctx: ctx.is_test_file)
def check_go_redis(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """go-redis options that set ReadTimeout/WriteTimeout to -1: commands wait forever on a stuck server."""
    if go.callee(node) not in GO_REDIS_CONSTRUCTORS or ctx.is_test_file:
        return
    ctx.examine(RULE)
    disabled = GO_REDIS_NO_TIMEOUT.search(ctx.text)
    if disabled is None:
        return
    yield Hit(
        line=ctx.text.count("\n", 0, disabled.start()) + 1,
        message=f"go-redis {disabled.group(1)} = -1 disables the socket timeout: a stuck or overloaded Redis blocks every caller with no deadline",
    )


BOLT_OPEN = frozenset({"bolt.Open", "bbolt.Open", "storm.Open"})
BOLT_MESSAGE = (
    "bbolt file opened without Options.Timeout: while another process holds its lock (a second instance, a "
    "CLI run beside the server) Open blocks forever"
)


def _no_bolt(ctx: TreeContext) -> object:
    return ctx.is_test_file or "bolt" not in ctx.text


@RULE.on_tree("call_expression", languages=(Language.GO,), skip_file=_no_bolt)
def check_go_bolt(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """bbolt (and storm over it): `bolt.Open(path, 0600, nil)`, `storm.Open(path)`, `bolt.Options{}`
    handed to a constructor (options kept in a variable are judged where they are filled in)."""
    if _no_bolt(ctx):
        return
    for argument in go.call_args(node):
        literal = argument.named_children[-1] if argument.type == "unary_expression" and argument.named_children else argument
        if literal.type == "composite_literal" and go.composite_type(literal) in {"bolt.Options", "bbolt.Options"}:
            ctx.examine(RULE)
            if "Timeout" not in text(literal):
                yield RULE.hit(literal, BOLT_MESSAGE)
            return
    callee = go.callee(node)
    if callee not in BOLT_OPEN:
        return
    ctx.examine(RULE)
    arguments = go.call_args(node)
    if callee == "storm.Open":
        options = [a for a in arguments[1:] if "BoltOptions" in text(a)]
        if options and "Timeout" in text(options[0]) or any("Timeout" in text(a) for a in arguments[1:]):
            return
        if not options and any(a.type == "identifier" for a in arguments[1:]):
            return  # options built elsewhere
        yield RULE.hit(node, BOLT_MESSAGE)
        return
    if len(arguments) >= 3 and text(arguments[2]) == "nil":
        yield RULE.hit(node, BOLT_MESSAGE)


@RULE.on_project
def check_go_sql(ctx: ProjectContext) -> Iterator[Hit]:
    """Go: a Postgres/MySQL connection whose DSN sets no connect or statement timeout, in a project
    where no DSN or driver config sets one."""
    model = ctx.model
    opens = model.facts.get("go_db_open", [])
    dsns = model.facts.get("go_dsn", [])
    if not opens and not dsns:
        return
    ctx.examine(RULE, len(opens) + len(dsns))
    if model.has_signal("go-db-timeout"):
        return
    # one finding per file: the DSN the code writes is where the parameters belong (the open
    # calls of that file listed beside it); a file that only opens, at its first open
    files = dict.fromkeys(str(f["file"]) for f in [*dsns, *opens])
    for path in files:
        here_dsns = [d for d in dsns if d["file"] == path]
        here_opens = [o for o in opens if o["file"] == path]
        first = (here_dsns or here_opens)[0]
        related = tuple((int(o["line"]), "the connection is opened here") for o in here_opens if o is not first)
        yield Hit(
            line=first.get("line"),
            path=path,
            message="database connection with no connect_timeout or statement_timeout (MySQL: timeout/readTimeout) in its "
            "DSN: an unreachable or stalled database blocks start-up and every query forever",
            related=related[:3],
        )


# OPTIONS keys that bound a Django connection: libpq's connect_timeout (or a statement_timeout passed
# in `options`), MySQLdb's connect_timeout/read_timeout
DJANGO_TIMEOUT_OPTIONS = frozenset({"connect_timeout", "options", "read_timeout", "timeout"})


@RULE.on_python(ast.Module, skip_file=django.no_databases)
def check_django(node: ast.Module, ctx: PyContext) -> Iterator[Hit]:
    """Django DATABASES entries for PostgreSQL/MySQL whose OPTIONS set no connect timeout."""
    if django.no_databases(ctx):
        return
    for database in django.network_databases(ctx):
        ctx.examine(RULE)
        options = database.key("OPTIONS")
        if options is None:
            engine = database.key("ENGINE")
            line = engine[0].lineno if engine is not None else database.entry.lineno
            yield Hit(line=line, message=f"{database.engine} database with no OPTIONS: no connect_timeout, so an unreachable "
                      "database holds each worker for the driver's default (minutes, or for ever)")
            continue
        key, value = options
        if not isinstance(value, ast.Dict):
            continue  # options built elsewhere (from the environment): given the benefit of the doubt
        names = {k.value for k in value.keys if isinstance(k, ast.Constant)}
        if names & DJANGO_TIMEOUT_OPTIONS or None in value.keys:
            continue
        yield Hit(line=key.lineno, message=f"{database.engine} OPTIONS set no connect_timeout: an unreachable database holds "
                  "each worker for the driver's default (minutes, or for ever)")


# python-ldap: initialize() connects lazily with the OS defaults (no network or operation timeout)
# unless OPT_NETWORK_TIMEOUT / OPT_TIMEOUT are set, globally or on the connection.
PY_LDAP_TIMEOUTS = ("OPT_NETWORK_TIMEOUT", "OPT_TIMEOUT")


# A module imported inside a function (an optional backend) and kept on the instance: `self.ldap = ldap`.
LOCAL_LDAP_IMPORT = re.compile(r"^[ \t]*import (ldap3?)\b", re.MULTILINE)


def _imports_ldap(ctx: PyContext, module: str) -> bool:
    return ctx.imports_module(module) or module in LOCAL_LDAP_IMPORT.findall(ctx.text)


def _no_python_ldap(ctx: PyContext) -> bool:
    return is_script_like(ctx) or "initialize" not in ctx.text or not _imports_ldap(ctx, "ldap")


@RULE.on_python(ast.Call, calls=["initialize"], skip_file=_no_python_ldap)
def check_python_ldap(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node) or ""
    if _no_python_ldap(ctx) or not (name == "ldap.initialize" or name.endswith(".ldap.initialize")):
        return
    ctx.examine(RULE)
    if any(option in ctx.text for option in PY_LDAP_TIMEOUTS) or pyast.keyword(node, "timeout") is not None:
        return
    yield RULE.hit(node, "ldap.initialize() with neither OPT_NETWORK_TIMEOUT nor OPT_TIMEOUT set: a bind or search against "
                   "an unreachable or hung LDAP server blocks the login for ever")


# ldap3: Server() connects with no connect_timeout and Connection() waits for answers with no
# receive_timeout unless they are given (both default to None: the socket's blocking default).
LDAP3_TIMEOUTS = ("connect_timeout", "receive_timeout")


def _no_ldap3(ctx: PyContext) -> bool:
    return is_script_like(ctx) or "Server" not in ctx.text or not _imports_ldap(ctx, "ldap3")


@RULE.on_python(ast.Call, calls=["Server"], skip_file=_no_ldap3)
def check_ldap3(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node) or ""
    if _no_ldap3(ctx) or not (name in {"ldap3.Server", "Server"} or name.endswith(".ldap3.Server")):
        return
    if name == "Server" and not re.search(r"^[ \t]*from ldap3 import [^\n]*\bServer\b", ctx.text, re.MULTILINE):
        return
    ctx.examine(RULE)
    if pyast.has_splat(node) or any(option in ctx.text for option in LDAP3_TIMEOUTS):
        return
    yield RULE.hit(node, "ldap3 Server() without connect_timeout (and no receive_timeout on its connections): a bind "
                   "or search against an unreachable or hung LDAP server blocks the login for ever")


# go-ldap: Dial/DialURL use a net.Dialer with no timeout unless DialWithDialer is given, and
# operations wait for ever unless the connection's SetTimeout is called.
GO_LDAP = re.compile(r"^(github\.com/go-ldap/ldap(/v\d)?|gopkg\.in/ldap\.v\d)$")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.endswith((".DialURL", ".Dial", ".DialTLS")),
              skip_file=lambda ctx: ctx.is_test_file or "ldap" not in ctx.text)
def check_go_ldap(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or "ldap" not in ctx.text:
        return
    package, _, function = go.callee(node).partition(".")
    if function not in {"DialURL", "Dial", "DialTLS"} or not GO_LDAP.match(ctx.imports.get(package, "")):
        return
    ctx.examine(RULE)
    if "DialWithDialer" in text(node) or ".SetTimeout(" in ctx.text:
        return
    yield RULE.hit(node, f"{package}.{function}() without DialWithDialer or SetTimeout: connecting to and querying an "
                   "unreachable or hung LDAP server waits for ever")
