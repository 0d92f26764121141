"""Confinement of user-supplied paths to the owner's data directory."""
from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from app.errors import NotFound, ValidationError

MAX_PATH_LENGTH = 1024
MAX_PATH_DEPTH = 32


def owner_root(data_root: Path, owner_id: str) -> Path:
    return (data_root / owner_id).resolve()


def resolve_user_path(data_root: Path, owner_id: str, user_path: str, *, must_exist: bool = True) -> Path:
    """Return the real path for ``user_path`` inside the owner's directory.

    Rejects absolute paths, NUL bytes and anything that resolves (after
    following symlinks) outside the owner's root.
    """
    if not isinstance(user_path, str):
        raise ValidationError("path must be a string")
    if len(user_path) > MAX_PATH_LENGTH:
        raise ValidationError(f"path longer than {MAX_PATH_LENGTH} characters")
    if "\x00" in user_path:
        raise ValidationError("path contains a NUL byte")

    pure = PurePosixPath(user_path or ".")
    if pure.is_absolute():
        raise ValidationError("path must be relative to your data directory")
    if len(pure.parts) > MAX_PATH_DEPTH:
        raise ValidationError("path is nested too deeply")

    root = owner_root(data_root, owner_id)
    candidate = (root / pure).resolve(strict=False)
    if candidate != root and not candidate.is_relative_to(root):
        raise ValidationError("path escapes your data directory")
    if must_exist and not candidate.exists():
        raise NotFound("no such file or directory")
    return candidate


def relative_to_owner(data_root: Path, owner_id: str, path: Path) -> str:
    return str(path.relative_to(owner_root(data_root, owner_id))) or "."


def open_confined(path: Path):
    """Open an already-resolved regular file without following a final symlink."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValidationError("not a regular file")
        return os.fdopen(fd, "rb")
    except Exception:
        os.close(fd)
        raise
