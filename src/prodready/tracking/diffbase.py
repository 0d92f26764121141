"""PR mode: the findings a change introduces relative to a base commit.

The base commit is exported with ``git archive`` into a temporary directory (a marker ``.git``
makes it a repository root there too, so configuration is found the same way), the same projects
are audited there, and every place already present at the base is hidden with the baseline code.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from prodready.model import AuditReport


class DiffBaseError(ValueError):
    """The base revision cannot be exported (no git, not a repository, unknown revision)."""


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, timeout=600, check=False)
    except FileNotFoundError as exc:
        raise DiffBaseError("--diff-base needs git on PATH") from exc
    except subprocess.TimeoutExpired as exc:
        raise DiffBaseError(f"git {args[0]} timed out") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffBaseError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def repository_root(path: Path) -> Path:
    start = path if path.is_dir() else path.parent
    return Path(_git(start, "rev-parse", "--show-toplevel").decode().strip()).resolve()


@contextmanager
def exported(repo: Path, revision: str) -> Iterator[Path]:
    """The tree of ``revision`` in a temporary directory, removed afterwards."""
    try:
        commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
    except DiffBaseError:
        commit = ""
    if not commit:
        raise DiffBaseError(f"unknown revision: {revision} (in a shallow CI clone, fetch it first)")
    archive = _git(repo, "archive", "--format=tar", commit)
    with tempfile.TemporaryDirectory(prefix="prodready-base-") as tmp:
        dest = Path(tmp)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(dest, filter="data")
        (dest / ".git").mkdir(exist_ok=True)
        yield dest


def fingerprints(report: AuditReport) -> set[str]:
    """Every place of every finding (what a baseline accepts)."""
    return {loc.fingerprint or f.fingerprint for f in report.findings for loc in f.all_locations}


def base_fingerprints(
    repo: Path, revision: str, project_roots: list[Path], audit_dir: Callable[[Path], AuditReport],
) -> set[str]:
    """Fingerprints of the findings at ``revision`` in the same projects (by path in the repo)."""
    accepted: set[str] = set()
    with exported(repo, revision) as tree:
        for root in project_roots:
            try:
                rel = root.resolve().relative_to(repo)
            except ValueError as exc:
                raise DiffBaseError(f"{root} is not inside the repository {repo}") from exc
            there = tree / rel
            if there.is_dir():  # a project that is new in this change has nothing at the base
                accepted |= fingerprints(audit_dir(there))
    return accepted
