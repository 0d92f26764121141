"""Where a route's handler lives and what it does first, read off the source text.

Route facts name a handler (`views.login_user`, `auth.Login`, `LoginView.as_view()`) at the line
that registers it. Reviewers point at the handler itself: the `def`, or the line that checks the
password. This finds those places in the project's files by definition name, without executing or
importing anything. Text search, not a symbol table: a name defined twice gives the first definition
in a file next to the route's (same directory first).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from prodready.engine.safeio import read_head
from prodready.lazyre import lazy_compile
from prodready.model import Hit

MAX_BYTES = 400_000
BODY_LINES = 80  # how far below a definition a handler's own work is looked for

# Calls that test a password or secret the client sent: where guessing happens.
CREDENTIAL_CHECK = lazy_compile(
    r"(?i)(\bcheck_?password\w*\s*\(|\bcheckpw\s*\(|\bverify_?password\w*\s*\(|\bpassword_?verify\s*\(|"
    r"\bcompare_?password\w*\s*\(|CompareHashAndPassword\s*\(|\bbcrypt\.compare(Sync)?\s*\(|\bargon2\w*\.verify\s*\(|"
    r"\b(pwd|password)_?context\.verify\s*\(|\bvalidate_?password\s*\(|\bis_?valid_?password\s*\(|"
    r"\bmatch_?password\s*\(|\bpassword_?matches\s*\(|\bcheck_?password_?hash\s*\(|"
    r"(^|[\s=(!])(await\s+)?(\w+\.)?authenticate(_user)?\s*\((?!\s*['\"])|"
    r"\.login\s*\(\s*\w+\s*,\s*\w*pass\w*\s*[,)]|\bverify\w*credentials?\s*\(|\b(validate|verify|check)_?(totp|otp|2fa|mfa)\w*\s*\()"
)


@dataclass(frozen=True, slots=True)
class Place:
    path: str
    line: int
    text: str


def short_name(handler: str) -> str:
    """`views.login_user` -> login_user; `LoginView.as_view()` -> LoginView; `h.Login(cfg)` -> Login."""
    name = handler.strip()
    wrapped = re.match(r"^[\w.]*(?:HandlerFunc|Handler|wrap\w*|asyncHandler|catchAsync)\(\s*([\w.]+)\s*\)$", name)
    if wrapped:
        name = wrapped.group(1)  # http.HandlerFunc(apiLogin), asyncHandler(controller.login)
    name = re.sub(r"\.as_view\(.*$", "", name)
    name = name.split("(", 1)[0]
    return name.rsplit(".", 1)[-1].strip()


def _definition(name: str) -> re.Pattern[str]:
    n = re.escape(name)
    return re.compile(
        rf"^(?P<indent>[ \t]*)(?:"
        rf"(?:async\s+)?def\s+{n}\s*\(|class\s+{n}\b|"  # Python
        rf"func\s+(?:\([^)]*\)\s*)?{n}\s*\(|"  # Go
        rf"(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*{n}\s*\(|"  # JS function
        rf"(?:export\s+)?(?:const|let|var)\s+{n}\s*(?::[^=]+)?=\s*(?:async\s*)?(?:\([^)]*\)|\w+)\s*(?::[^=]+)?=>|"  # arrow
        rf"(?:public\s+|private\s+|static\s+)*(?:async\s+)?{n}\s*\([^)]*\)\s*(?::[^{{]+)?\{{)",  # method
        re.MULTILINE,
    )


class HandlerSource:
    """The project's source files, read on demand (once each) to find handlers by name."""

    def __init__(self, root: str, sources: list[str]) -> None:
        self.root = Path(root)
        self.sources = sources
        self._texts: dict[str, str] = {}

    def text(self, path: str) -> str:
        if path not in self._texts:
            # (the engine's reader: never a FIFO or device, at most MAX_BYTES)
            self._texts[path] = read_head(str(self.root / path), MAX_BYTES).decode("utf-8", "replace")
        return self._texts[path]

    def definition(self, route_file: str, handler: str) -> Place | None:
        """The `def`/`func`/`function` of a route's handler: the route's own file first, then files
        of the same directory, then the rest."""
        name = short_name(handler)
        if not name or not re.fullmatch(r"[A-Za-z_$][\w$]*", name):
            return None
        pattern = _definition(name) if name != "default" else DEFAULT_EXPORT  # a file route's handler
        directory = posixpath.dirname(route_file)
        family = _family(route_file)
        if name in GENERIC_NAMES:
            ordered = [route_file]  # `export default withZipline(handler)`: only the route's own file says which
        else:
            # (the route's own file always: a Next.js app under apps/web/ is the server, whatever its directory says)
            candidates = [p for p in self.sources if _family(p) == family and not (family == "js" and BROWSER_DIR.search(p))]
            ordered = [route_file] + sorted((p for p in candidates if p != route_file),
                                            key=lambda p: (posixpath.dirname(p) != directory, p))
        for path in ordered:
            text = self.text(path)
            if name not in text:
                continue
            found = pattern.search(text)
            if found is not None:
                line = text.count("\n", 0, found.start()) + 1
                return Place(path, line, found.group(0).strip())
        return None

    def credential_check(self, definition: Place) -> Place | None:
        """The first password/secret check in the body below a handler's definition."""
        return _first_check(self.text(definition.path).splitlines(), definition)


# Front-end trees of a JS repository: a `login()` there is the browser's API client, not the handler.
BROWSER_DIR = lazy_compile(r"(^|/)(public|static|client|frontend|web|www|ui|assets|dist|build|app/components|src/components)/")


def _family(path: str) -> str:
    ext = posixpath.splitext(path)[1].lower()
    return {".py": "py", ".go": "go"}.get(ext, "js" if ext in {".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"} else ext)


DEFAULT_EXPORT = re.compile(r"^(?P<indent>[ \t]*)export\s+default\b.*$", re.MULTILINE)
GENERIC_NAMES = frozenset({"handler", "view", "index", "func", "handle", "main", "default"})


def _first_check(lines: list[str], definition: Place) -> Place | None:
    start = definition.line  # 1-based: lines[start] is the line after the definition
    head = lines[start - 1] if 0 < start <= len(lines) else ""
    indent = len(head) - len(head.lstrip())
    for offset, line in enumerate(lines[start : start + BODY_LINES]):
        stripped = line.strip()
        if not stripped:
            continue
        depth = len(line) - len(line.lstrip())
        if offset and depth <= indent and re.match(r"(def |async def |class |func |function |export |@)", stripped):
            return None  # the next definition: the handler ended without checking anything itself
        if CREDENTIAL_CHECK.search(line):
            return Place(definition.path, start + offset + 1, stripped)
    return None


def with_handler_places(model: Any, hits: Iterable[Hit], credential_check: bool = False) -> Iterator[Hit]:
    """Route findings (anchored where the route is registered) with the handler's definition, and
    with ``credential_check`` the line in it that tests the password, as further places."""
    routes = {(route.file, route.line): route for route in model.http_routes()}
    tests = set(model.test_files)
    source = HandlerSource(model.root, [p for p in model.source_files if p not in tests])
    for hit in hits:
        route = routes.get((hit.path, hit.line))
        places: tuple[Place, ...] = ()
        if route is not None and route.handler:
            definition = source.definition(route.file, route.handler)
            check = source.credential_check(definition) if definition is not None and credential_check else None
            places = tuple(p for p in (definition, check) if p is not None)
        found = tuple((p.path, p.line, p.text) for p in places if (p.path, p.line) not in {(e[0], e[1]) for e in hit.elsewhere})
        yield replace(hit, elsewhere=hit.elsewhere + found) if found else hit
