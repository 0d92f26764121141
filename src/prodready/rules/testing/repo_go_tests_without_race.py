"""Go tests run without the race detector

## What it does
Reads the commands that run the Go tests — Makefile targets, GitHub Actions / GitLab / Travis /
CircleCI steps, Taskfiles, shell scripts — and reports, at the first `go test` command, a Go
service whose tests never run with `-race`.

## Why it matters in production
Go services are concurrent by construction: every request is a goroutine. Data races on shared
maps, slices and configuration do not fail a test; they corrupt state or crash the process under
production load ("concurrent map writes" is a fatal error). `go test -race` finds them while the
tests run, at the cost of a slower CI job.

## Example
```make
test:
	go test -v -cover ./...
```

## Use instead
```make
test:
	go test -race -cover ./...
```

## Known limitations
Only commands written in those files are read; a test runner configured elsewhere (a Bazel rule, a
CI system's UI) is not seen, and then nothing is reported.

## References
- https://go.dev/doc/articles/race_detector
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from prodready.engine.context import ProjectContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TS-303",
    name="go-tests-without-race",
    category=Category.TESTING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO}),
    fix="Run the tests with `go test -race ./...` in CI (at least once per change).",
    references=("https://go.dev/doc/articles/race_detector",),
)

BUILD_FILES = lazy_compile(
    r"(^|/)(GNUmakefile|[Mm]akefile|[^/]+\.mk|Taskfile\.ya?ml|\.gitlab-ci\.ya?ml|\.travis\.ya?ml|"
    r"\.github/workflows/[^/]+\.ya?ml|\.circleci/config\.ya?ml|scripts?/[^/]+\.sh)$"
)
# `go test`, or the Go binary through a make/shell variable: `$(GO) test`, `${GO} test`, `$GO test`
GO_TEST = lazy_compile(r"(\bgo|\$\(GO\)|\$\{GO\}|\$GO\b)\s+test\b")
MAX_BYTES = 256_000


def _commands(root: Path, paths: list[str]) -> Iterator[tuple[str, int, str]]:
    for path in paths:
        if not BUILD_FILES.search(path):
            continue
        try:
            data = (root / path).read_bytes()[:MAX_BYTES]
        except OSError:
            continue
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
            if GO_TEST.search(line) and not line.lstrip().startswith("#"):
                yield path, number, line.strip()


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    if not any(path.endswith(".go") for path in model.source_files):
        return
    commands = list(_commands(Path(model.root), model.all_paths))
    if not commands:
        return
    ctx.examine(RULE)
    # `-race` on the line, or a variable the Makefile sets to it (GOFLAGS=-race, TESTFLAGS ?= -race)
    if any("-race" in line for _path, _number, line in commands) or any(
        re.search(r"-race\b", (Path(model.root) / path).read_text("utf-8", "replace")[:MAX_BYTES])
        for path in {p for p, _n, _l in commands}
    ):
        return
    path, number, line = commands[0]
    yield Hit(
        line=number,
        path=path,
        message=f"`{line[:80]}` runs the Go tests without -race: data races in the handlers go unnoticed until production",
    )
