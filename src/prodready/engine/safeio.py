"""Reading files from a tree anyone may have written: regular files only, bounded in size,
never blocking (FIFOs), never following a link out of the tree; and per-file limits."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

DEFAULT_MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Limits:
    """Per-file limits; each one hit is reported as the reason a file was skipped."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES  # config: max-file-size
    max_parse_seconds: float = 10.0  # config: max-parse-seconds (wall time of one file's analysis)
    max_yaml_nodes: int = 250_000  # config: max-yaml-nodes (after alias expansion)
    max_depth: int = 200  # config: max-depth (nesting of YAML / JSON / TOML data)

    def digest(self) -> str:
        return f"{self.max_file_bytes}:{self.max_parse_seconds}:{self.max_yaml_nodes}:{self.max_depth}"


class Refused(Exception):
    """The file is not read: the message says why (one line, shown in `skipped`)."""


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def kind_of(mode: int) -> str:
    for test, label in _KINDS:
        if test(mode):
            return label
    return "not a regular file"


def check_regular(path: str) -> os.stat_result:
    """stat (following links) and refuse anything but a regular file, without opening it."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise Refused(describe_os_error(exc)) from exc
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"not a regular file: {kind_of(info.st_mode)}")
    return info


def read_head(path: str, size: int = 128) -> bytes:
    """The first ``size`` bytes of a regular file (b"" for anything else)."""
    try:
        return read_regular(path, size, truncate=True)
    except Refused:
        return b""


def read_regular(path: str, limit: int = DEFAULT_MAX_FILE_BYTES, *, truncate: bool = False) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. Never blocks on a FIFO, never
    reads a device; the type is checked before and after opening (the path may change between)."""
    check_regular(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise Refused(describe_os_error(exc)) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"not a regular file: {kind_of(info.st_mode)}")
        if info.st_size > limit and not truncate:
            raise Refused(too_large(info.st_size, limit))
        chunks: list[bytes] = []
        total = 0
        expected = info.st_size + 1  # one byte more than the size: the read that sees the end is tiny
        while total <= limit:
            # os.read allocates the whole size asked for: asking for 1 MiB per file (then shrinking
            # it) cost more than the read itself on trees of small files.
            want = min(1 << 20, limit + 1 - total, expected - total if total < expected else 1 << 16)
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            if truncate:
                return b"".join(chunks)[:limit]
            raise Refused(too_large(total, limit))
        return b"".join(chunks)
    except OSError as exc:
        raise Refused(describe_os_error(exc)) from exc
    finally:
        os.close(fd)


def too_large(size: int, limit: int) -> str:
    return f"too large ({size // 1024} KiB > {limit // 1024} KiB limit, max-file-size)"


def describe_os_error(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return f"unreadable: {exc.strerror or type(exc).__name__}"


def display_path(path: str) -> str:
    """A path that can be printed and encoded: undecodable bytes (surrogate escapes) shown as U+FFFD."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def is_utf8_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def data_depth_exceeds(data: object, limit: int) -> bool:
    """Is parsed JSON/TOML/YAML data nested deeper than ``limit``? Iterative: never recurses."""
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((value, depth + 1) for value in item.values())
        elif isinstance(item, list):
            stack.extend((value, depth + 1) for value in item)
    return False
