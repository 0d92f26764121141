"""Read-only browsing of the caller's own data directory (datasets, outputs)."""
from __future__ import annotations

import itertools
import logging
import os
import stat
from datetime import datetime, timezone

from flask import Blueprint, Response, current_app, g, jsonify, request

from app.auth import require_api_key
from app.errors import NotFound, ValidationError
from app.paths import open_confined, relative_to_owner, resolve_user_path
from app.ratelimit import rate_limit
from app.validation import bounded_int

log = logging.getLogger(__name__)

bp = Blueprint("filesystem", __name__, url_prefix="/api/filesystem")


def _settings():
    return current_app.config["SETTINGS"]


def _resolve(must_exist: bool = True):
    return resolve_user_path(_settings().data_root, g.principal.owner_id,
                             request.args.get("path", "."), must_exist=must_exist)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symlink"
    return "other"


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat()


@bp.get("/list")
@require_api_key("training")
@rate_limit("filesystem", "rate_limit_filesystem")
def list_directory():
    settings = _settings()
    directory = _resolve()
    if not directory.is_dir():
        raise ValidationError("path is not a directory")

    limit = settings.fs_max_list_entries
    entries = []
    with os.scandir(directory) as it:
        # Take one more than the limit so we can tell the caller the listing was cut.
        for entry in itertools.islice(it, limit + 1):
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue  # removed between readdir and stat
            entries.append({
                "name": entry.name,
                "type": _kind(st.st_mode),
                "size": st.st_size if stat.S_ISREG(st.st_mode) else None,
                "modified_at": _iso(st.st_mtime),
            })
    truncated = len(entries) > limit
    entries = sorted(entries[:limit], key=lambda e: e["name"])
    return jsonify({
        "path": relative_to_owner(settings.data_root, g.principal.owner_id, directory),
        "entries": entries,
        "truncated": truncated,
    })


@bp.get("/read")
@require_api_key("training")
@rate_limit("filesystem", "rate_limit_filesystem")
def read_file():
    settings = _settings()
    path = _resolve()
    offset = bounded_int(request.args.get("offset"), name="offset", default=0, minimum=0, maximum=2**62)
    length = bounded_int(request.args.get("length"), name="length", default=settings.fs_max_read_bytes,
                         minimum=1, maximum=settings.fs_max_read_bytes)
    try:
        with open_confined(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            fh.seek(offset)
            data = fh.read(length)
    except (IsADirectoryError, NotADirectoryError) as exc:
        raise ValidationError("path is not a regular file") from exc
    except FileNotFoundError as exc:
        raise NotFound("no such file") from exc
    except OSError as exc:
        # ELOOP from O_NOFOLLOW: the path was swapped for a symlink after it was resolved.
        log.warning("refused to read path", extra={"owner_id": g.principal.owner_id, "error": str(exc)})
        raise ValidationError("path cannot be read") from exc

    return Response(data, mimetype="application/octet-stream", headers={
        "X-File-Size": str(size),
        "X-Range": f"{offset}-{offset + len(data)}",
        "Content-Disposition": "attachment",
    })


@bp.get("/info")
@require_api_key("training")
@rate_limit("filesystem", "rate_limit_filesystem")
def info():
    settings = _settings()
    path = _resolve()
    try:
        st = path.lstat()
    except FileNotFoundError as exc:
        raise NotFound("no such file or directory") from exc
    return jsonify({
        "path": relative_to_owner(settings.data_root, g.principal.owner_id, path),
        "type": _kind(st.st_mode),
        "size": st.st_size,
        "modified_at": _iso(st.st_mtime),
    })
