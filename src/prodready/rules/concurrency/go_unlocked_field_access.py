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
    structs = _guarded_structs(root)
    if not structs or ctx.path.endswith("_test.go"):
        return
    methods: dict[str, list[Any]] = defaultdict(list)
    for method in descendants(root, "method_declaration"):
        methods[go.receiver_type(method)].append(method)
    for struct, mutexes in structs.items():
        locked_fields: set[str] = set()
        unlocked: list[tuple[Any, set[str]]] = []
        for method in methods.get(struct, []):
            receiver = go.receiver_name(method)
            body = text(field(method, "body"))
            used = set(re.findall(rf"\b{re.escape(receiver)}\.(\w+)", body)) - mutexes
            locks = any(
                f"{receiver}.{m}.Lock()" in body or f"{receiver}.{m}.RLock()" in body for m in mutexes
            )
            if locks:
                locked_fields |= used
            else:
                unlocked.append((method, used))
        for method, used in unlocked:
            racy = sorted(used & locked_fields)
            if not racy:
                continue
            ctx.examine(RULE)
            name = go.function_name(method)
            yield Hit(
                line=line_of(method),
                message=f"{struct}.{name}() accesses {', '.join(racy)} without {min(mutexes)} while other methods lock it",
                anchor=f"{struct}.{name}",
            )
