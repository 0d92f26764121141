"""Entrypoint script without `set -e`: a failed setup step still starts the server.

## What it does
Reads the shell scripts a container starts with (named by a Dockerfile `ENTRYPOINT`/`CMD`, a
compose `command:` or a pod's `command:`, or named like `entrypoint.sh`, `start.sh`, `boot.sh`)
that end by starting the server or `exec "$@"`, and `prestart.sh` scripts, and flags the first setup step — a command that is not `echo`, `export`, `sleep` or
another builtin — that runs at the top level with nothing testing its exit status (`set -e`,
`set -o errexit`, `-e` on the shebang, `cmd || exit 1`, `if ! cmd`, `&&`, a later `$?` check) before
the command that ends the script.

## Why it matters in production
A shell runs on after a failing command. A migration that fails, a `collectstatic` that cannot
write, a config template that does not render: the script goes on and starts the server anyway,
which then serves errors against a half-migrated database or without its assets — and reports
healthy. For a one-shot job (`prestart.sh`) the exit status is the last command's, so the job
"succeeds" and everything that waits for it starts.

## Example
```bash
#!/bin/sh
python manage.py migrate --noinput
python manage.py collectstatic --noinput
exec gunicorn config.wsgi
```

## Use instead
```bash
#!/bin/sh
set -eu
python manage.py migrate --noinput
python manage.py collectstatic --noinput
exec gunicorn config.wsgi
```

## Known limitations
Only top-level steps are judged; a step inside an `if` body or a loop may be meant to fail
softly. A `prestart.sh` that the base image sources under its own `set -e` (the tiangolo images)
is not flagged.

## References
- https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html
- https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#set
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
    id="PR-CT-316",
    name="entrypoint-without-errexit",
    category=Category.CONTAINER,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.SHELL}),
    fix="Add `set -e` (or `set -eu`) at the top of the script, or end each setup step with `|| exit 1`.",
    references=("https://www.gnu.org/software/bash/manual/html_node/The-Set-Builtin.html",),
)

# Builtins and utilities whose failure changes nothing that matters for the start.
HARMLESS = frozenset({
    "echo", "printf", "export", "set", "unset", "sleep", "true", "false", ":", "trap", "shift", "local",
    "declare", "readonly", "typeset", "umask", "ulimit", "cd", "pushd", "popd", "source", ".", "test", "[", "[[",
    "wait", "exit", "return", "eval", "alias", "shopt", "hash", "type", "command", "which", "date", "ls", "cat",
    "env", "printenv", "id", "whoami", "mkdir", "touch", "chmod", "chown", "chgrp", "ln", "rm", "logger", "pwd",
    "uname", "hostname", "tee", "break", "continue", "read", "getopts", "unalias", "cp", "mv", "ps",
    "df", "du", "stat", "head", "tail", "wc", "sort", "uniq", "basename", "dirname", "realpath", "readlink",
})


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    for start in start_scripts(ctx.model):
        if not (start.referenced or start.named_start or start.named_prestart) or start.hook:
            continue
        script = start.script
        finals = script.finals
        handing_over = bool(start.hand_over())
        if not finals or not (handing_over or start.named_prestart):
            continue  # a one-shot job (seeding, backups): its failures are its own business
        ctx.examine(RULE)
        last_line = min(c.line for c in finals)
        for command in script.commands:
            if command.line >= last_line:
                break
            if command.context != "top" or command.checked or command.background or command.final:
                continue
            words = program(command.argv)
            if not words or posixpath.basename(words[0]) in HARMLESS or words[0].startswith("$"):
                continue
            if script.errexit_at(command.line):
                continue
            then = "the server starts anyway" if handing_over else "the script goes on and its exit status hides the failure"
            yield Hit(
                line=command.line,
                end_line=command.end_line,
                path=start.path,
                message=f"`{posixpath.basename(start.path)}` has no `set -e`: if `{' '.join(words[:3])}` fails, {then}",
            )
            break  # one finding per script: the fix is one line at the top
