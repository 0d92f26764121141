"""Where the cache and history of a target live, and how they are written safely.

Default: ``TARGET/.prodready/`` when it is a real, writable directory inside the target. When it
is a link (planted in the audited repository), not a directory, or the target is read-only, the
store moves to the user's cache directory (``$XDG_CACHE_HOME/prodready/<hash of target>/``) and
the report says so. Nothing is ever written through a link.

The cache is authenticated: every cache file carries an HMAC keyed by a per-user secret kept in
the user's cache directory, so a ``cache.json`` committed to the audited tree cannot hide or add
findings (it is simply ignored).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

STORE_DIR = ".prodready"
KEY_BYTES = 32


def user_cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "prodready"


def user_store_for(target: Path) -> Path:
    digest = hashlib.sha256(os.fsencode(str(target))).hexdigest()[:20]
    return user_cache_root() / "targets" / digest


@dataclass(frozen=True)
class Store:
    directory: Path | None  # None: nowhere usable (no cache, no history)
    warning: str | None = None


def _is_real_dir(path: Path) -> bool | None:
    """True: a real directory; False: something else (link, file, ...); None: absent."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode)


def _make_private_dir(path: Path) -> bool:
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return False
    return _is_real_dir(path) is True and os.access(path, os.W_OK | os.X_OK)


def resolve_store(target: Path) -> Store:
    """The directory for cache and history of ``target`` (already resolved)."""
    local = target / STORE_DIR
    state = _is_real_dir(local)
    why = ""
    if state is None:
        try:
            local.mkdir(mode=0o755)
            state = _is_real_dir(local)
        except OSError as exc:
            why = f"cannot create {STORE_DIR}/ in the target ({exc.strerror or exc})"
    if state is True and not why:
        if os.access(local, os.W_OK | os.X_OK):
            _write_gitignore(local)
            return Store(local)
        why = f"{STORE_DIR}/ in the target is not writable"
    elif state is False and not why:
        why = f"{STORE_DIR} in the target is a link or not a directory: never written through"
    fallback = user_store_for(target)
    if _make_private_dir(fallback):
        return Store(fallback, f"{why}; cache and history kept in {fallback}")
    return Store(None, f"{why}; no usable user cache directory either: no cache, no history")


def _write_gitignore(directory: Path) -> None:
    path = directory / ".gitignore"
    if os.path.lexists(path):
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("*\n")


def is_regular_or_absent(path: Path) -> bool:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode)


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a fresh temporary file (O_EXCL) and rename over ``path``: a link planted at
    ``path`` or at a predictable temporary name is replaced, never followed."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def user_key() -> bytes | None:
    """The per-user secret that authenticates cache files (created on first use, mode 0600)."""
    root = user_cache_root()
    if not _make_private_dir(root):
        return None
    path = root / "cache-key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        pass
    except OSError:
        return None
    else:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            key = handle.read(KEY_BYTES + 1)
    except OSError:
        return None
    return key if len(key) == KEY_BYTES else None


def sign(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def verify(key: bytes, payload: bytes, mac: str) -> bool:
    return hmac.compare_digest(sign(key, payload), mac)
