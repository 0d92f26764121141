"""Image build installs whatever version is newest today

## What it does
Flags `RUN` steps of a Dockerfile that make each build install different software:
`pip install gunicorn pymysql` with no version (a requirements/lock file is fine), `npm install`
where a lock file exists (`npm ci` enforces it), `npm install -g pkg` without `@version`, and
remote installer scripts piped into a shell (`curl … | sh`, `curl … | python3 -`).

## Why it matters in production
The same commit builds a different image next week: a new major version of a server or driver, or
a compromised release, ships without any code change or review, and a rollback to "the same"
commit does not restore the old behaviour. Piped installers also run whatever the remote serves at
build time, unchecked.

## Example
```dockerfile
RUN pip install gunicorn pymysql cryptography
RUN curl -sSL https://install.python-poetry.org | python3 -
```

## Use instead
```dockerfile
RUN pip install --no-cache-dir -r requirements.txt       # versions pinned (or hashed) there
RUN pip install --no-cache-dir "poetry==1.8.3"
```

## Known limitations
Constraints given through `PIP_CONSTRAINT` or a `-c` file elsewhere are not read.

## References
- https://docs.docker.com/build/building/best-practices/#pin-base-image-versions
- https://pip.pypa.io/en/stable/topics/repeatable-installs/
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from prodready.engine.context import DockerfileContext
from prodready.lang.dockerfile import line_within
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CT-320",
    name="unpinned-build-dependencies",
    category=Category.CONTAINER,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.DOCKERFILE}),
    fix="Install from a pinned requirements/lock file (pip -r, npm ci, poetry install --no-root with poetry.lock) and pin tool versions.",
    references=("https://pip.pypa.io/en/stable/topics/repeatable-installs/",),
)

PIP_INSTALL = lazy_compile(r"\bpip3?\s+install\b([^&|;]*)")
NPM_INSTALL = lazy_compile(r"\bnpm\s+(install|i)\b([^&|;]*)")
PIPED_INSTALLER = lazy_compile(r"\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(sh|bash|python3?|node)\b")
DEV_FILE = lazy_compile(r"(?i)(^|[./-])(dev|development|local|test|testing|ci|e2e|debug)([./-]|$)")
VERSIONED_URL = lazy_compile(r"https?://\S*\d+\.\d+\.\d+")
PINNED = lazy_compile(r"(==|>=|<=|~=|===|@)|\.whl$|\.tar\.gz$|^\.|^/|^git\+|^https?:")


def _unpinned_pip(arguments: str) -> list[str]:
    try:
        words = shlex.split(arguments)
    except ValueError:
        words = arguments.split()
    names: list[str] = []
    skip_next = False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        if word in {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url", "-t", "--target", "-f", "--find-links"}:
            return [] if word in {"-r", "--requirement", "-c", "--constraint"} else names
        if word.startswith("-"):
            skip_next = word in {"--prefix", "--root", "--platform", "--python-version"}
            continue
        if "$" in word or PINNED.search(word):
            continue
        if word in {"pip", "setuptools", "wheel", "uv"}:
            continue  # the installer itself
        names.append(word)
    return names


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    has_lock = "package-lock.json" in ctx.text or "npm-shrinkwrap" in ctx.text
    if DEV_FILE.search(ctx.path.rsplit("/", 1)[-1]) or "/.devcontainer/" in f"/{ctx.path}":
        return  # development and CI images may float
    dev_stages = {
        i.stage for i in ctx.dockerfile.instructions
        if i.keyword == "FROM" and re.search(r"(?i)\bas\s+(dev|development|test|testing|debug|local)\w*\s*$", i.value)
    }
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword != "RUN" or instruction.stage in dev_stages:
            continue
        value = instruction.value
        piped = PIPED_INSTALLER.search(value)
        if piped and not VERSIONED_URL.search(value[: piped.end()]):
            ctx.examine(RULE)
            yield Hit(
                line=line_within(ctx.lines, instruction, PIPED_INSTALLER),
                message="a remote installer script is piped into a shell at build time: unpinned and unchecked",
            )
            continue
        for match in PIP_INSTALL.finditer(value):
            ctx.examine(RULE)
            names = _unpinned_pip(match.group(1))
            if names:
                yield Hit(
                    line=line_within(ctx.lines, instruction, PIP_INSTALL),
                    message=f"pip installs {', '.join(names[:4])} without versions: each build may ship a different release",
                )
                break
        for match in NPM_INSTALL.finditer(value):
            ctx.examine(RULE)
            arguments = match.group(2)
            packages = [w for w in arguments.split() if not w.startswith("-")]
            if packages and all(PINNED.search(p) or "$" in p for p in packages):
                continue
            if packages or has_lock:
                what = f"npm installs {', '.join(packages[:3])} without versions" if packages else "npm install ignores the lock file (npm ci enforces it)"
                yield Hit(line=line_within(ctx.lines, instruction, NPM_INSTALL), message=f"{what}: builds are not reproducible")
                break
