"""Rate limiter kept in a module-level Map in a Next.js app (JS/TS).

## What it does
Reports rate-limit state held in a module-level `Map`/object (`const hits = new Map()` written by a
`checkRateLimit`-style function) in a Next.js application, where API routes and middleware run
in several serverless instances, edge isolates or `next start` replicas. (Services with explicit
workers or replicas are reported by PR-RA-003.)

## Why it matters in production
Every instance counts on its own and starts from zero after each cold start or deploy: "100
requests per minute per key" becomes 100 × instances, and an attacker that spreads requests (or
simply waits for a new instance) is never limited. The map also grows with every key seen.

## Example
```ts
const hits = new Map<string, { count: number; resetAt: number }>();
export function checkRateLimit(key: string) { ... hits.set(key, entry) ... }
```

## Use instead
```ts
import { Ratelimit } from "@upstash/ratelimit";
const limiter = new Ratelimit({ redis: Redis.fromEnv(), limiter: Ratelimit.slidingWindow(100, "1 m") });
```

## Known limitations
A Next.js app pinned to one long-running process still gets a per-process limit, which may be
acceptable there; the rule cannot see the deployment topology when it is outside the repository.

## References
- https://vercel.com/docs/functions/concepts#scaling
- https://upstash.com/docs/redis/sdks/ratelimit-ts/overview
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.rate_limiting.in_process_limiter_state import _multi_process

RULE = RuleMeta(
    id="PR-RA-101",
    name="js-in-memory-limiter-serverless",
    category=Category.RATE_LIMITING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Keep limiter counters in a shared store (Redis/Upstash, the database) so all instances enforce one limit.",
    references=("https://upstash.com/docs/redis/sdks/ratelimit-ts/overview",),
)
JS_SUFFIXES = (".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx")


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    stores = [s for s in model.signals("in-process-limiter") if str(s["file"]).endswith(JS_SUFFIXES)]
    if not stores:
        return
    ctx.examine(RULE)
    if "nextjs" not in model.frameworks or _multi_process(model):
        return  # not Next.js, or PR-RA-003 reports it with the worker/replica evidence
    seen: set[tuple[str, object]] = set()
    for store in stores:
        key = (str(store["file"]), store.get("line"))
        if key in seen:
            continue
        seen.add(key)
        detail = str(store.get("detail") or "module-level state")
        yield Hit(
            line=store.get("line"),
            path=str(store["file"]),
            message=f"rate-limit counters in {detail}: each Next.js instance counts separately and forgets on cold start",
        )
