"""Memory, open files or threads grow under load and do not level off (runtime).

## What it does
Samples the process tree's RSS, open file descriptors and threads with psutil while traffic runs
(`--cmd` or `--pid`), fits a least-squares slope and reports growth that is large, steady and does
not level off (the last third still grows at least half as fast as the first).

## Why it matters in production
Steady growth under traffic ends in an out-of-memory kill or `Too many open files` hours or days
later, usually at peak load.

## Example
```
rss: 48 MiB -> 131 MiB in 20 s, slope 4.1 MiB/s, still rising
```

## Use instead
```python
recent = collections.deque(maxlen=1000)   # not a module-level list that only grows
```

## Known limitations
Short runs see only fast leaks; run longer with `--duration` to see slow ones. Allocator warm-up is excluded.

## References
- https://docs.python.org/3/library/tracemalloc.html
"""

from __future__ import annotations

from prodready.model import Category, Confidence, Language, Severity
from prodready.rules.base import RuleMeta

# A runtime rule: no handlers, so the static engine never dispatches it; `prodready verify` reports it.
RULE = RuleMeta(
    id="PR-UG-401",
    name="resource-grows-under-load",
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.RUNTIME}),
    fix="Bound the collection, cache or pool that grows (maxlen, TTL, LRU size), close what is opened per request, and re-run under load.",
    references=("https://docs.python.org/3/library/tracemalloc.html",),
)
