"""Helpers over tree-sitter JavaScript/TypeScript nodes for JS rules and facts."""

from __future__ import annotations

import re
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang.treesitter import MEMO, ancestors, call_function, descendants, field, string_value, text
from prodready.lazyre import lazy_compile

Node = Any

SERVER_MODULES = (
    "express", "koa", "fastify", "@nestjs/core", "@nestjs/common", "next/server", "http", "https", "node:http",
    "ws", "socket.io", "pg", "mysql2", "mongoose",
    "redis", "ioredis", "@prisma/client", "jsonwebtoken", "bullmq", "hono", "@hapi/hapi", "next",
    "crypto", "node:crypto", "server-only", "next/headers", "bcrypt", "bcryptjs", "argon2", "drizzle-orm",
    "@vercel/kv", "@upstash/redis", "nodemailer", "stripe", "mysql", "sequelize", "typeorm", "knex", "mongodb",
    "express-rate-limit", "rate-limiter-flexible", "@koa/router", "koa-router", "passport", "openai", "@anthropic-ai/sdk",
    "busboy", "multer", "formidable",
)
SERVER_PATH = lazy_compile(r"(^|/)(server|api|routes?|controllers?|middlewares?|services?|workers?|jobs|backend|handlers?)(/|\.|$)|(^|/)pages/api/|(^|/)app/.*route\.[jt]s$")
CLIENT_PATH = lazy_compile(r"(^|/)(components?|hooks|public|static|client|frontend|ui|styles|views)(/|$)|\.(jsx|tsx)$")


class _PathPattern:
    """A pattern over file paths that remembers its answers: rules ask ``SCRIPT_PATH.search(ctx.path)``
    about the file's own path for every node they are handed (a regex search each time)."""

    def __init__(self, source: str) -> None:
        self._pattern = lazy_compile(source)
        self._answers: dict[str, re.Match[str] | None] = {}

    def search(self, path: str) -> re.Match[str] | None:
        answers = self._answers
        if path in answers:
            return answers[path]
        if len(answers) >= 4096:
            answers.clear()  # bounded: one entry per file path
        found = answers[path] = self._pattern.search(path)
        return found


SCRIPT_PATH = _PathPattern(r"(^|/)(scripts?|bin|tools|commands?|cli|migrations|seeds?|docs|examples?|e2e|cypress|playwright|extra|release|bench|benchmarks?|fixtures|__mocks__|mocks)(/|$)|(\.config|\.setup)\.[cm]?[jt]s$|(^|/)(seed|seeder|seeds|migrate|setup-database|generate\w*)\.[cm]?[jt]s$")


# DOM and browser-storage globals: code that touches them runs in a browser. Isomorphic modules
# guard them with `typeof window`.
BROWSER_GLOBALS = lazy_compile(r"\b(?:window|document|navigator|localStorage|sessionStorage)\.[A-Za-z_]")
NODE_BUILTINS = frozenset({"fs", "fs/promises", "path", "crypto", "child_process", "os", "stream", "stream/promises",
                           "zlib", "net", "tls", "dns", "worker_threads", "cluster", "readline"})
NODE_BUFFER = lazy_compile(r"\bBuffer\.(from|alloc|concat|isBuffer)\b|:\s*Buffer\b")
SERVER_DIR = lazy_compile(r"(^|/)(server|backend)(/|$)")


def _uses_browser_globals(source: str) -> bool:
    return BROWSER_GLOBALS.search(source) is not None and "typeof window" not in source and "typeof document" not in source


def test_or_script(ctx: TreeContext) -> bool:
    """skip_file= test for handlers whose first checks return in test code or a SCRIPT_PATH file."""
    return ctx.is_test_file or bool(SCRIPT_PATH.search(ctx.path))


def is_server_file(ctx: TreeContext) -> bool:
    """Node server code (not browser components, build configs, scripts or tests). Once per file:
    rules ask it for every node they are handed."""
    memo = getattr(ctx, "memo", None)
    if memo is None:
        return _is_server_file(ctx)
    known = memo.get("js-server-file")
    if known is None:
        known = memo["js-server-file"] = _is_server_file(ctx)
    return bool(known)


def _is_server_file(ctx: TreeContext) -> bool:
    if ctx.is_test_file or SCRIPT_PATH.search(ctx.path):
        return False
    if "'use client'" in ctx.text[:200] or '"use client"' in ctx.text[:200]:
        return False
    modules = set(ctx.imports.values())
    imports_server = any(m.split("#")[0] in SERVER_MODULES for m in modules)
    if CLIENT_PATH.search(ctx.path) and not re.search(r"(^|/)pages/api/|route\.[jt]s$", ctx.path):
        return False
    if not imports_server and _uses_browser_globals(ctx.text) and not SERVER_DIR.search(ctx.path):
        return False  # a browser module in a package that also holds a server (one package.json for both)
    if imports_server or SERVER_PATH.search(ctx.path) or getattr(ctx, "node_server_package", False):
        return True
    # Node's own modules (fs, stream, crypto...) or Buffers: code that only runs on the server
    node_only = any(m.split("#")[0].removeprefix("node:") in NODE_BUILTINS for m in modules)
    return (node_only or NODE_BUFFER.search(ctx.text) is not None) and not _uses_browser_globals(ctx.text)


def callee(call: Node) -> str:
    key = ("callee", call.id)
    found = MEMO.get(key)
    if found is None:
        found = MEMO[key] = text(call_function(call))
    return str(found)


def member_parts(node: Node) -> tuple[str, str] | None:
    if node is None or node.type != "member_expression":
        return None
    return text(field(node, "object")), text(field(node, "property"))


def args(call: Node) -> list[Node]:
    key = ("args", call.id)
    found = MEMO.get(key)
    if found is None:
        arguments = field(call, "arguments")
        found = MEMO[key] = (
            [a for a in arguments.named_children if a.type != "comment"] if arguments is not None else []
        )
    return list(found)


def enclosing_function(node: Node) -> Node | None:
    for anc in ancestors(node):
        if anc.type in {"function_declaration", "function_expression", "arrow_function", "method_definition", "function"}:
            return anc
    return None


def function_name(func: Node | None) -> str:
    if func is None:
        return ""
    name = field(func, "name")
    if name is not None:
        return text(name)
    parent = func.parent
    if parent is not None and parent.type == "variable_declarator":
        return text(field(parent, "name"))
    if parent is not None and parent.type == "pair":
        return text(field(parent, "key"))
    return ""


def is_top_level(node: Node) -> bool:
    return enclosing_function(node) is None


def object_has_key(node: Node | None, key: str) -> bool:
    if node is None or node.type != "object":
        return False
    for child in node.named_children:
        if child.type == "pair" and (string_value(field(child, "key")) or text(field(child, "key"))) == key:
            return True
        if child.type == "shorthand_property_identifier" and text(child) == key:
            return True
        if child.type == "spread_element":
            return True
    return False


def local_object(identifier: Node) -> Node | None:
    """The `{...}` literal an identifier argument was declared with in the same function
    (`const options = {...}; request(options)`), when nothing else writes to it; else None."""
    if identifier is None or identifier.type != "identifier":
        return None
    name = text(identifier)
    scope = enclosing_function(identifier)
    if scope is None:
        scope = next((a for a in ancestors(identifier) if a.parent is None), None)
    if scope is None:
        return None
    declared = [d for d in descendants(scope, "variable_declarator") if text(field(d, "name")) == name]
    if len(declared) != 1:
        return None
    value = field(declared[0], "value")
    if value is None or value.type != "object":
        return None
    escaped = re.escape(name)
    body = text(scope)
    if re.search(rf"(?<![.\w]){escaped}\s*(?:\.\s*\w+|\[[^\]]*\])?\s*=[^=>]|Object\.assign\(\s*{escaped}\b", body.replace(text(declared[0]), "")):
        return None  # changed after it was built: its keys are not all in view
    return value


def object_value(node: Node | None, key: str) -> Node | None:
    if node is None or node.type != "object":
        return None
    for child in node.named_children:
        if child.type == "pair" and (string_value(field(child, "key")) or text(field(child, "key"))) == key:
            return field(child, "value")
    return None


def express_session_options(call: Node, imports: dict[str, str]) -> Node | None:
    """The options object of an `express-session` call (`session({...})`), else None."""
    if imports.get(callee(call), "").split("#")[0] != "express-session":
        return None
    arguments = args(call)
    options = arguments[0] if arguments else None
    return options if options is not None and options.type == "object" else None
