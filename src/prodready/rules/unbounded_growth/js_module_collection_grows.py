"""Module-level Map, Set, array or object in server code that only grows.

## What it does
In server-side JavaScript/TypeScript, finds collections declared at module level
(`new Map()`, `new Set()`, `[]`, `{}`) that functions add to (`.set`, `.add`, `.push`,
`obj[key] = ...`) while nothing in the module deletes from them (`.delete`, `.clear`, `.splice`,
`.shift`, `.pop`, `delete obj[key]`, reassignment, `length = 0`).

## Why it matters in production
A module-level collection lives as long as the process: an in-memory rate limiter keyed by IP or API
key, a cache of responses, a map of sessions — each new key stays forever and the heap grows until
the process is killed. An in-memory limiter needs a periodic cleanup of expired keys.

## Example
```ts
const hits = new Map<string, number[]>()
export function checkRateLimit(key: string) { hits.set(key, [...(hits.get(key) ?? []), Date.now()]) }
```

## Use instead
```ts
const hits = new LRUCache<string, number[]>({ max: 10_000, ttl: 60_000 })
// or delete expired keys on a timer
```

## Known limitations
Cleanup in another module is not seen.

## References
- https://nodejs.org/en/learn/diagnostics/memory
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, descendants, field, line_of, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-UG-001",
    name="collection-grows-forever",
    aliases=("PR-UG-101", "js-module-collection-grows"),
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Bound the collection (LRU/TTL cache) or delete entries when they expire; use Redis for shared limits.",
    references=("https://nodejs.org/en/learn/diagnostics/memory",),
    grouped=False,  # each collection (global) is a defect of its own
)


def _module_collections(root: Any) -> dict[str, int]:
    found: dict[str, int] = {}
    for statement in root.named_children:
        target = (
            statement.named_children[0]
            if statement.type == "export_statement" and statement.named_children
            else statement
        )
        if target.type not in {"lexical_declaration", "variable_declaration"}:
            continue
        for declarator in target.named_children:
            if declarator.type != "variable_declarator":
                continue
            value = field(declarator, "value")
            if value is None:
                continue
            if value.type == "new_expression" and text(field(value, "constructor")) in {
                "Map",
                "Set",
                "WeakRef",
            }:
                pass
            elif value.type == "array" and not value.named_children:
                pass
            elif value.type == "object" and not value.named_children:
                pass
            else:
                continue
            found[text(field(declarator, "name"))] = line_of(declarator)
    return found


LONG_LIVED_CLASS = lazy_compile(r"(Manager|Registry|Store|Hub|Cache|Metrics|Limiter|Tracker|Pool|Service|Gateway|Broker|Bus|Monitor)$")


def _empty_collection(value: Any) -> bool:
    if value.type == "new_expression":
        return text(field(value, "constructor")) in {"Map", "Set"} and not js.args(value)
    return value.type in {"array", "object"} and not value.named_children


def _class_collections(root: Any, source: str) -> dict[str, int]:
    """`private sessions = new Map()` in a class that lives as long as the process: one instantiated
    at module level in this file (`export const metrics = new Metrics()`) or named like a manager."""
    found: dict[str, int] = {}
    for klass in descendants(root, "class_declaration"):
        name = text(field(klass, "name"))
        module_instance = re.search(rf"^(export\s+)?(const|let|var)\s+\w+\s*(:\s*\w+\s*)?=\s*new\s+{re.escape(name)}\b", source, re.M)
        if not name or not (module_instance or LONG_LIVED_CLASS.search(name)):
            continue
        for member in descendants(klass, "public_field_definition", "field_definition"):
            value = field(member, "value")
            key = field(member, "name") or field(member, "property")
            if value is not None and key is not None and _empty_collection(value):
                found["this." + text(key)] = line_of(member)
    return found


EXPIRY_FIELD = lazy_compile(r"\b(expires|expiresAt|expiry|expireAt|expiration|ttl|deadline|validUntil)\b")
EXPIRY_LOGIC = lazy_compile(r"Date\.now\(\)|new Date\(|performance\.now\(\)|\b(expires|expiresAt|expiry|expireAt|expiration|ttl|deadline|validUntil|maxAge|[A-Z_]*MAX[A-Z_]*|[A-Z_]*LIMIT[A-Z_]*|size)\b|\.size\b")


def _expired_entries_kept(root: Any, name: str, writes: list[Any]) -> bool:
    """A TTL cache whose entries carry an expiry (`m.set(k, {value, expires})`) while every delete
    sits in code that has nothing to do with time or size (`invalidate(prefix)`): expired entries
    are skipped on read and stay in memory for good."""
    if not any(EXPIRY_FIELD.search(text(w)) for w in writes):
        return False
    n = re.escape(name)
    deletes = [
        c for c in descendants(root, "call_expression")
        if re.fullmatch(rf"{n}\.(delete|clear|splice|shift|pop)", js.callee(c))
    ]
    if not deletes:
        return False  # (`delete m[k]` or a length reset: judged as before)
    for call in deletes:
        # a sweep (a timer callback) or an expiry/size test guarding the delete bounds the cache
        guards = []
        for anc in ancestors(call):
            if anc.type in {"if_statement", "while_statement", "for_statement", "for_in_statement", "ternary_expression"}:
                guards.append(text(field(anc, "condition") or field(anc, "right") or anc)[:300])
            if anc.type in {"function_declaration", "function_expression", "arrow_function", "method_definition"}:
                caller = anc.parent.parent if anc.parent is not None and anc.parent.type == "arguments" else None
                if caller is not None and re.match(r"(setInterval|setTimeout|setImmediate|\w+\.schedule|cron)", text(caller)):
                    return False
                break
        if any(EXPIRY_LOGIC.search(g) for g in guards):
            return False
    return True


SETUP = lazy_compile(r"^_*(set|register|init|load|configure|setup|define|install|constructor$|[A-Z])")


def _not_server_file(ctx: TreeContext) -> bool:
    """skip_file=: check returns at once outside server code."""
    return not js.is_server_file(ctx)


@RULE.on_tree("program", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_not_server_file)
def check(root: Any, ctx: TreeContext) -> Iterator[Hit]:
    if not js.is_server_file(ctx):
        return
    source = ctx.text
    collections = _module_collections(root)
    if "class " in source:
        collections.update(_class_collections(root, source))
    if not collections:
        return
    for name, declared in collections.items():
        n = re.escape(name)
        writes = [
            c
            for c in descendants(root, "call_expression")
            if re.fullmatch(rf"{n}\.(set|add|push|unshift)", js.callee(c))
            and js.enclosing_function(c) is not None
        ]
        writes += [
            a
            for a in descendants(root, "assignment_expression")
            if re.fullmatch(rf"{n}\[.+\]", text(field(a, "left")), re.S)
            and js.enclosing_function(a) is not None
        ]
        if not writes:
            continue
        ctx.examine(RULE)
        reassigned = re.search(rf"(?<!const )(?<!let )(?<!var )(?<![.\w]){n}\s*=[^=>]", source)
        if name.startswith("this."):  # a class field: rebinding it in a method resets it
            reassigned = re.search(rf"{n}\s*=[^=>]", source)
        expiry_only = False
        if reassigned or re.search(
            rf"\b{n}\.(delete|clear|splice|shift|pop)\(|delete\s+{n}\[|\b{n}\.length\s*=|\b{n}\.(size|length)\s*(>|>=|===|==)",
            source,
        ):
            if reassigned or not _expired_entries_kept(root, name, writes):
                continue
            expiry_only = True
        if all(SETUP.match(js.function_name(js.enclosing_function(w))) for w in writes):
            continue  # filled by registration/start-up code (a registry), not per request
        if all(re.search(rf"{n}\.get\([^)]*\)\s*(\?\?|\|\|)\s*0\)\s*\+", text(w)) for w in writes):
            continue  # a counter per name (`m.set(k, (m.get(k) ?? 0) + 1)`): as many keys as names
        first = min(writes, key=lambda w: w.start_byte)
        where = 'held by a long-lived object' if name.startswith('this.') else 'module-level'
        grows = f"`{name}` ({where}, line {declared}) grows in {js.function_name(js.enclosing_function(first)) or 'a handler'}()"
        yield Hit(
            line=line_of(first),
            message=f"{grows}: its entries carry an expiry, but expired ones are only skipped, never deleted"
            if expiry_only else f"{grows} and nothing deletes from it",
            anchor=name,
            related=((declared, f"`{name}` is declared here"),),
        )
        if re.search(r"(?i)(rate|limit|hits|attempt|requests)", name):
            ctx.emit("signal", line=declared, name="in-process-limiter", detail=f"module-level `{name}`")
