"""Image build runs or unpacks a download it never verifies

## What it does
Flags Dockerfile steps of the shipped image that fetch software from the network and use it
without checking a digest or signature: `ADD https://…` without `--checksum=`, a versioned
installer script piped into a shell (`curl …/0.4.17/install.sh | sh`; an unversioned one is
PR-CT-320's), and a `curl`/`wget` download unpacked or made executable (`tar`, `unzip`,
`chmod +x`, `dpkg -i`) in a `RUN` that never runs `sha256sum`, `gpg --verify` or the like.

## Why it matters in production
The image then contains whatever the remote served at build time. A compromised release page, a
hijacked domain or a man-in-the-middle on the build network ships straight into production, and a
rebuild of the same commit can produce a different binary without anyone noticing.

## Example
```dockerfile
ADD https://github.com/golang-migrate/migrate/releases/download/v4.7.1/migrate.linux-amd64.tar.gz /tmp
RUN tar -xzf /tmp/migrate.linux-amd64.tar.gz -C /usr/local/bin
```

## Use instead
```dockerfile
ADD --checksum=sha256:5c1f6b1c… https://github.com/golang-migrate/migrate/releases/download/v4.7.1/migrate.linux-amd64.tar.gz /tmp
```
or download, `echo "<sha256>  file" | sha256sum -c -`, then unpack — or copy the tool from its
official image (`COPY --from=migrate/migrate:v4.17.0 /usr/local/bin/migrate /usr/local/bin/`).

## Known limitations
A checksum verified in a later `RUN` than the download is not connected to it.

## References
- https://docs.docker.com/reference/dockerfile/#add---checksum
- https://slsa.dev/spec/v1.0/threats
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.engine.context import DockerfileContext
from prodready.lang.dockerfile import line_within
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CT-324",
    name="remote-download-unverified",
    category=Category.CONTAINER,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.DOCKERFILE}),
    fix="Pin a digest: ADD --checksum=sha256:…, or check the download with sha256sum -c / gpg --verify before using it.",
    references=("https://docs.docker.com/reference/dockerfile/#add---checksum",),
)

REMOTE = re.compile(r"^https?://")
PIPED_INSTALLER = lazy_compile(r"\b(curl|wget)\b[^|;&]*\|\s*(sudo\s+)?(sh|bash|python3?|node)\b")
VERSIONED_URL = lazy_compile(r"https?://\S*\d+\.\d+\.\d+")
DOWNLOAD = lazy_compile(r"\b(curl|wget)\b[^;&|]*https?://")
USES_DOWNLOAD = lazy_compile(r"\btar\s+-?\w*x|\bunzip\b|\bchmod\s+(\+x|[0-7]*[157]\b)|\bdpkg\s+-i\b|\binstall\s+-m")
VERIFIED = lazy_compile(r"sha(1|256|512)?sum|shasum|gpg\s+(--batch\s+)?--verify|cosign\s+verify|minisign|md5sum\s+-c|--checksum")


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    for instruction in ctx.dockerfile.shipped_stage():
        if instruction.keyword == "ADD":
            sources = [w for w in instruction.words() if not w.startswith("--")][:-1]
            remote = [s for s in sources if REMOTE.match(s)]
            if not remote:
                continue
            ctx.examine(RULE)
            if "checksum" not in instruction.flags:
                yield Hit(line=instruction.line, end_line=instruction.end_line,
                          message=f"ADD {remote[0][:70]} with no --checksum: the build ships whatever that URL serves today")
            continue
        if instruction.keyword != "RUN" or not DOWNLOAD.search(instruction.value):
            continue
        ctx.examine(RULE)
        value = instruction.value
        if VERIFIED.search(value):
            continue
        piped = PIPED_INSTALLER.search(value)
        if piped and VERSIONED_URL.search(value[: piped.end()]):
            yield Hit(line=line_within(ctx.lines, instruction, PIPED_INSTALLER),
                      message="a versioned installer script is piped into a shell with no checksum: the build runs whatever it serves")
        elif not piped and USES_DOWNLOAD.search(value):
            yield Hit(line=line_within(ctx.lines, instruction, DOWNLOAD),
                      message="a downloaded archive or binary is unpacked or made executable with no checksum or signature check")
