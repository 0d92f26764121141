"""Supabase query whose error is never read

## What it does
Flags a supabase-js write or read — `supabase.from("jobs").insert(...)`, `.update()`,
`.upsert()`, `.delete()`, `.rpc()`, `storage.from(...).upload()` — used as a bare statement:
awaited with its `{ data, error }` result thrown away, not awaited at all, or ended with a
`.then()` whose callback never reads the error. A chain that is returned, assigned, destructured,
ended with `.throwOnError()` or handed to a `.then()` that reads `error` is fine.

## Why it matters in production
supabase-js does not throw when the database refuses a query: it resolves with `{ error }`. An
insert that violates a constraint, an update blocked by row-level security or a timed-out call
therefore "succeeds" in the code that ignored the result — the job row is never written, the key
is never marked used — and nothing is logged. Without `await` (or `.then()`), the query builder is
never even sent: PostgREST queries run only when the builder is awaited.

## Example
```ts
await supabase.from("training_jobs").insert({ id: jobId, status: "queued" });
return NextResponse.json({ jobId });
```

## Use instead
```ts
const { error } = await supabase.from("training_jobs").insert({ id: jobId, status: "queued" });
if (error) throw new Error(`could not record job: ${error.message}`);
```

## Known limitations
Only clients named `supabase` or obtained from a function whose name mentions Supabase or a
service/admin client (`getServiceClient()`, `createAdminClient()`) are recognised.

## References
- https://supabase.com/docs/reference/javascript/insert
- https://supabase.com/docs/reference/javascript/db-throwonerror
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-109",
    name="supabase-error-unchecked",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Destructure `{ error }` and handle it (or call `.throwOnError()`); await every query.",
    references=("https://supabase.com/docs/reference/javascript/db-throwonerror",),
)

QUERY = lazy_compile(
    r"^(?:this\.)?(?:supabase\w*|\w*[sS]upabase\w*\(\)|(?:get|create)\w*(?:Service|Admin|Server)\w*Client\(\))\s*"
    r"(?:\.storage)?\s*\.(?:from|rpc)\s*\("
)
WRITE = lazy_compile(r"\.(insert|update|upsert|delete|upload|remove|rpc)\s*\(")
# `.throwOnError()`, or a `.then(...)` whose callback reads the error; `.then(() => {})` reads nothing
HANDLED = lazy_compile(r"\.throwOnError\s*\(|\.then\s*\([^)]*\berr(or)?\b")


@once_per_file
def _skip(ctx: TreeContext) -> object:
    return "supabase" not in ctx.text or js.test_or_script(ctx)


@RULE.on_tree("expression_statement", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx) or not node.named_children:
        return
    expression = node.named_children[0]
    awaited = expression.type == "await_expression"
    call = expression.named_children[0] if awaited and expression.named_children else expression
    if call.type != "call_expression":
        return
    chain = text(call)
    if not QUERY.match(chain.lstrip()) or not WRITE.search(chain):
        return
    ctx.examine(RULE)
    if HANDLED.search(chain):
        return
    if awaited:
        yield RULE.hit(node, "the query's `{ error }` is thrown away: supabase-js resolves instead of throwing, so a failed write passes silently")
    else:
        yield RULE.hit(node, "the query is never awaited, so it is never sent (supabase-js runs a query only when awaited), and its error is never read")
