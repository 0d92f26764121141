"""Go struct guarded by a mutex, accessed without it.

## What it does
For a struct with a `sync.Mutex`/`sync.RWMutex` field, finds fields that some methods access while
holding the lock, and reports methods that read or write those fields without locking.

## Why it matters in production
A data race: concurrent map access panics ("concurrent map read and map write") and takes the whole
process down; torn reads return garbage. The race detector (`go test -race`) finds these only when a
test happens to exercise them concurrently.

## Example
```go
func (h *Hub) Count() int { return len(h.sessions) }   // Register() locks h.mu around h.sessions
```

## Use instead
```go
func (h *Hub) Count() int {
    h.mu.RLock(); defer h.mu.RUnlock()
    return len(h.sessions)
}
```

## Known limitations
Methods documented as "caller must hold the lock" are reported; suppress with that reason.
Analysis is per file.

## References
- https://go.dev/ref/mem
- https://go.dev/doc/articles/race_detector
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import descendants, field, line_of, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-201",
    name="go-unlocked-field-access",
    category=Category.CONCURRENCY,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Take the struct's mutex (RLock for reads) in every method that touches the guarded fields.",
    references=("https://go.dev/ref/mem",),
)


def _guarded_structs(root: Any) -> dict[str, set[str]]:
    """Struct name -> names of its mutex fields."""
    result: dict[str, set[str]] = {}
    for spec in descendants(root, "type_spec"):
        typ = field(spec, "type")
        if typ is None or typ.type != "struct_type":
            continue
        mutexes: set[str] = set()
        for decl in descendants(typ, "field_declaration"):
            if text(field(decl, "type")) in {"sync.Mutex", "sync.RWMutex"}:
                mutexes.update(text(c) for c in decl.named_children if c.type == "field_identifier")
        if mutexes:
            result[text(field(spec, "name"))] = mutexes
    return result


@RULE.on_tree("source_file", languages=(Language.GO,), skip_file=in_test_file)
def check(root: Any, ctx: TreeContext) -> Iterator[Hit]:
    if "Mutex" not in ctx.text:
        return  # no field typed sync.Mutex or sync.RWMutex: no guarded struct
    structs = _guarded_structs(root)
    if not structs or ctx.path.endswith("_test.go"):
        return
    methods: dict[str, list[Any]] = defaultdict(list)
    for method in descendants(root, "method_declaration"):
        methods[go.receiver_type(method)].append(method)
    for struct, mutexes in structs.items():
        locked_fields: set[str] = set()
        unlocked: list[tuple[Any, set[str]]] = []
        written: set[str] = set()
        for method in methods.get(struct, []):
            receiver = go.receiver_name(method)
            body = text(field(method, "body"))
            written |= _written_fields(receiver, body)
            used = set(re.findall(rf"\b{re.escape(receiver)}\.(\w+)", body)) - mutexes
            locks = any(
                f"{receiver}.{m}.Lock()" in body or f"{receiver}.{m}.RLock()" in body for m in mutexes
            )
            if locks:
                locked_fields |= used
            else:
                unlocked.append((method, used))
        locking_names = {go.function_name(m) for m in methods.get(struct, []) if m not in {u for u, _ in unlocked}}
        for method, used in unlocked:
            # A field no method ever writes is configuration set at construction: reading it is safe.
            racy = sorted(used & locked_fields & written)
            if not racy:
                continue
            ctx.examine(RULE)
            name = go.function_name(method)
            if _called_only_under_lock(name, methods.get(struct, []), locking_names) or _documents_held_lock(method):
                continue
            if re.search(r"(Locked|WithLock|NoLock)$", name):
                continue  # Go convention: `removeLocked` runs with the caller holding the lock
            body_node = field(method, "body")
            receiver = go.receiver_name(method)
            fields = "|".join(map(re.escape, racy))
            # the first index into the map or slice (`o.allowed[k]`) is the racy read a reviewer names;
            # failing that, the first mention (`len(o.allowed)`)
            first = re.search(rf"\b{re.escape(receiver)}\.(?:{fields})\[", text(body_node)) or re.search(
                rf"\b{re.escape(receiver)}\.(?:{fields})\b", text(body_node))
            line = line_of(method)
            if first is not None and body_node is not None:
                line = body_node.start_point[0] + text(body_node)[: first.start()].count("\n") + 1
            yield Hit(
                line=line,
                message=f"{struct}.{name}() accesses {', '.join(racy)} without {min(mutexes)} while other methods lock it",
                anchor=f"{struct}.{name}",
            )


def _written_fields(receiver: str, body: str) -> set[str]:
    """Fields a method assigns, writes by index, appends to, deletes from or increments."""
    r = re.escape(receiver)
    return set(re.findall(rf"\b{r}\.(\w+)(?:\[[^\]]*\])?\s*(?:=[^=]|\+=|-=|\+\+|--)", body)) | set(
        re.findall(rf"delete\(\s*{r}\.(\w+)", body)
    )


def _called_only_under_lock(name: str, methods: list[Any], locking_names: set[str]) -> bool:
    """An unexported helper every caller of which takes the lock first ("caller holds the lock")."""
    if not name[:1].islower():
        return False
    callers = [m for m in methods if re.search(rf"\.{re.escape(name)}\(", text(field(m, "body")))]
    return bool(callers) and all(go.function_name(m) in locking_names for m in callers)


def _documents_held_lock(method: Any) -> bool:
    comment = method.prev_named_sibling
    return comment is not None and comment.type == "comment" and bool(
        re.search(r"(?i)(must|should) (be )?(hold|held|called with)|lock (is |must be )?held|with .*lock held|caller .*lock", text(comment))
    )
