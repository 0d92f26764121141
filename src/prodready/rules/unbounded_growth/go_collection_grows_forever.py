"""Go map or slice in long-lived state that only grows.

## What it does
For struct fields and package-level variables of map or slice type, finds writes in functions
(`x.sessions[id] = s`, `x.times = append(x.times, d)`) and reports the field when nothing in the
file ever deletes from it (`delete(x.sessions, k)`), trims it (`x.times = x.times[n:]`), or
replaces it outside a constructor.

## Why it matters in production
Sessions, response-time samples and rate-limiter events accumulate for the life of the process:
memory grows until the OOM killer restarts the pod. Typical cases: a sessions map, a slice of
response-time samples, rate-limiter events.

## Example
```go
func (h *Hub) Register(conn *websocket.Conn) {
    h.sessions[id] = &Session{Conn: conn}
}
```

## Use instead
```go
func (h *Hub) Unregister(id string) {
    h.mu.Lock(); defer h.mu.Unlock()
    delete(h.sessions, id)
}
// and a periodic sweep of expired sessions; a ring buffer for samples
```

## Known limitations
Cleanup in another file of the package is not seen (analysis is per file); suppress with where it
happens.

## References
- https://go.dev/blog/maps
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import descendants, field, line_of, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-UG-001",
    name="collection-grows-forever",
    aliases=("PR-UG-201", "go-collection-grows-forever"),
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Delete entries when they end (and sweep expired ones periodically); cap slices as ring buffers.",
    references=("https://go.dev/blog/maps",),
    grouped=False,  # each collection (global) is a defect of its own
)

# Constructors and one-time loading (a translation catalog parsed at start-up is not a leak).
CONSTRUCTOR = lazy_compile(
    r"^(New|new|Make|make|init|Init|Reset|reset|Clear|clear|[Ll]oad|[Pp]arse|[Ss]etup|[Cc]onfigure|"
    r"UnmarshalJSON|UnmarshalYAML|UnmarshalText|Unmarshal|Decode|Scan|"
    # registration at start-up: middlewares, hooks, providers, routes, jobs (not `Register`: a hub
    # registers its clients at run time)
    r"Use$|Mount|On[A-Z]|With[A-Z]|[Aa]dd(Provider|Handler|Route|Middleware|Tool|Binding|Job|Hook|Listener|Plugin))"
)
GENERATED = lazy_compile(r"(?m)^// Code generated .* DO NOT EDIT\.$")


# Structs made for one query, request or batch and dropped after it: their slices cannot grow forever.
SHORT_LIVED = lazy_compile(
    r"(?i)(builder|query|request|response|params|options|batch|result|payload|form|dto|mock|fake|stub|args|"
    r"parser|validator|collector|accumulator|loader|scanner|decoder|encoder|visitor|view|page|template|"
    r"sheet|carrier|export|tree|node)$"
)


NOT_SERVICE_CODE = lazy_compile(r"(?i)(^|/)_?examples?/|mocks?[_/.]|_mock\.go$|(^|/)fakes?/")


def _struct_name(decl: Any) -> str:
    current = decl.parent
    while current is not None and current.type != "type_spec":
        current = current.parent
    name = field(current, "name") if current is not None else None
    return text(name) if name is not None else ""


def _fields(root: Any, package_vars: set[str]) -> dict[str, str]:
    """Field or package variable name -> 'map' | 'slice'. Package variables are also added to
    ``package_vars``: a bare `name = append(name, x)` can only write one of those (or a local), a
    struct field is always written through a selector."""
    found: dict[str, str] = {}
    for decl in descendants(root, "field_declaration"):
        typ = field(decl, "type")
        kind = (
            "map"
            if typ is not None and typ.type == "map_type"
            else "slice"
            if typ is not None and typ.type == "slice_type"
            else None
        )
        if kind and not SHORT_LIVED.search(_struct_name(decl)):
            for child in decl.named_children:
                if child.type == "field_identifier":
                    found[text(child)] = kind
    for spec in descendants(root, "var_spec"):
        if (
            spec.parent is not None
            and spec.parent.type in {"var_declaration"}
            and spec.parent.parent is not None
            and spec.parent.parent.type == "source_file"
        ):
            value = text(spec)
            kind = "map" if "map[" in value else "slice" if "[]" in value else None
            name = field(spec, "name")
            if kind and name is not None:
                found[text(name)] = kind
                package_vars.add(text(name))
    return found


def _shared_write(node: Any, name: str, package_vars: set[str]) -> bool:
    """The write reaches the long-lived collection: `s.errs = append(...)` (a field, through a
    selector) or a package variable not shadowed by a local of the same name."""
    left = text(field(node, "left"))
    func = go.enclosing_top_function(node)
    body = text(func) if func is not None else ""
    if "." in left.split("[")[0]:
        # `body.Sections = append(body.Sections, s)` on a struct this function made (`body :=
        # teamsBody{}`, `var page Page`): it lives for this call, not for the process
        base = left.split("[")[0].split(".")[0]
        return not _local(base, body)
    if name not in package_vars:
        return False  # a bare name is never a struct field: it is a local
    return not _local(name, body)


def _local(name: str, body: str) -> bool:
    """`name` is made fresh in the function (`name := T{...}`, `&T{}`, `new(T)`, `make(...)`, `var name
    T`), not an alias of stored state (`j, ok := r.jobs[key]`, `s := h.sessions[id]`)."""
    bare = re.escape(name)
    return bool(re.search(
        rf"\bvar\s+{bare}\s+[^=\n]+$|\bvar\s+{bare}\b[^=\n]*=\s*&?[\w.\[\]]*\{{|"
        rf"\b{bare}\s*:=\s*(&?[\w.]+(\[[^\]]*\])?\{{|new\(|make\(|\[\]|map\[)",
        body, re.MULTILINE,
    ))


@RULE.on_tree("source_file", languages=(Language.GO,), skip_file=in_test_file)
def check(root: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.path.endswith("_test.go") or NOT_SERVICE_CODE.search(ctx.path) or GENERATED.search(ctx.text[:2000]):
        return  # (generated code: ent's mutations and transactions live for one operation)
    package_vars: set[str] = set()
    fields = _fields(root, package_vars)
    if not fields:
        return
    source = ctx.text
    # The assignments outside constructors that name a field on the left (every test below
    # needs the name there), read once for every field (not once per field).
    assignments = []
    for node in descendants(root, "assignment_statement", "short_var_declaration"):
        left = text(field(node, "left"))
        if not any(name in left for name in fields):
            continue
        func = go.enclosing_top_function(node)
        if func is None or CONSTRUCTOR.match(go.function_name(func)):
            continue
        assignments.append((node, left, text(field(node, "right"))))
    for name, kind in sorted(fields.items()):
        member = rf"(?:\b\w+\.)?{re.escape(name)}"
        writes = []
        for node, left, right in assignments:
            if name not in left:  # every pattern below needs the name in the left-hand side
                continue
            # (the substring tests first: each pattern holds the name, so it is compiled anew
            # for every field; they are what any match of it needs)
            if kind == "map" and left.endswith("]") and name + "[" in left and re.fullmatch(rf"{member}\[.+\]", left):
                writes.append(node)
            elif (
                kind == "slice"
                and left.endswith(name)
                and right.startswith("append(")
                and re.fullmatch(member, left)
                and re.match(rf"append\(\s*{member}\s*,", right)
            ):
                writes.append(node)
        writes = [w for w in writes if _shared_write(w, name, package_vars)]
        if not writes:
            continue
        ctx.examine(RULE)
        # A search that starts with the optional `x.` of `member` finds a match exactly when one
        # starting at the name itself does; starting at the literal name is what keeps it fast.
        # The two reassignment forms are one pattern, and the calls are only looked for where
        # their name occurs: a pattern per field is compiled, so fewer patterns is less time.
        bare = re.escape(name)
        removed = (
            ("delete(" in source and re.search(rf"delete\(\s*{member}\s*,", source))
            or re.search(rf"{bare}\s*=\s*(?:{member}\[|make|nil|map\[|\[\])", source)
            or ("clear(" in source and re.search(rf"clear\(\s*{member}\s*\)", source))
        )
        if removed:
            continue
        first = writes[0]
        yield Hit(
            line=line_of(first),
            message=f"`{name}` ({kind}) grows in {go.function_name(go.enclosing_top_function(first))}() and nothing in this file removes from it",
            anchor=name,
        )
