"""Entrypoint changes the owner of a whole tree on every start

## What it does
Flags `chown -R` (or `chown --recursive`) run by a container's start script — the entrypoint or
start script the image or compose file runs before the server — on a data volume or the
application directory.

## Why it matters in production
The script walks every file of the tree on every start: on a volume with many files (uploads,
caches, a large database directory) the container takes minutes to start, fails its health
check deadline and is restarted in a loop. Run as root on every start, it also hides permission
mistakes and, on the application directory, makes the code writable by the user the server runs
as.

## Example
```sh
#!/bin/sh
chown -R app:app /data
exec su-exec app ./server
```

## Use instead
Set the ownership once, in the image (`COPY --chown`, `RUN chown` before `VOLUME`) or with an
init step that only fixes the volume's top directory (`chown app:app /data`), and run the
container as that user (`USER app`, `user:` in compose, `fsGroup` in Kubernetes).

## Known limitations
A chown guarded by a check of the top directory's owner (`[ "$(stat -c %u /data)" != ... ]`) is
still reported when the check is not on the same line.

## References
- https://docs.docker.com/engine/storage/volumes/
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#configure-volume-permission-and-ownership-change-policy-for-pods
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._process import program
from prodready.rules._scripts import start_scripts
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CT-322",
    name="entrypoint-recursive-chown",
    category=Category.CONTAINER,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.SHELL}),
    fix="Set ownership once in the image (COPY --chown, RUN chown before VOLUME) or only on the volume's top directory, and run as that user.",
    references=("https://docs.docker.com/engine/storage/volumes/",),
)


def _recursive_chown(words: list[str]) -> str | None:
    """The path a `chown -R owner path` changes, else None."""
    if not words or posixpath.basename(words[0]) != "chown":
        return None
    flags = [w for w in words[1:] if w.startswith("-")]
    if not any(f == "--recursive" or (not f.startswith("--") and "R" in f) for f in flags):
        return None
    operands = [w for w in words[1:] if not w.startswith("-")]
    return operands[-1] if len(operands) >= 2 else None


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    for start in start_scripts(ctx.model):
        if not (start.referenced or start.named_start or start.named_prestart) or start.hook:
            continue
        if not (start.referenced or start.hand_over() or start.named_prestart):
            continue  # a one-shot job, not what every container start runs
        ctx.examine(RULE)
        for command in start.script.commands:
            target = _recursive_chown(program(command.argv))
            if target is None or command.context == "function" and not start.script.unconditional(command):
                continue  # (a branch counts: `if [ "$(id -u)" = 0 ]; then chown -R ...` runs on every root start)
            yield Hit(
                line=command.line,
                end_line=command.end_line,
                path=start.path,
                message=f"`chown -R` of {target} on every container start: a large volume makes each start walk every "
                "file (slow starts, missed health-check deadlines)",
            )
            break  # one per script
