"""Where a tree sits in its repository: the root found from ``.git``, and paths relative to it.

Reports keep paths relative to the audited target; formats read by CI (SARIF, annotations,
GitLab code quality, JUnit) need them relative to the repository root instead.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

DOCS_URL = "https://github.com/prodready/prodready/blob/main/docs/rules.md"


def find_repo_root(start: str | os.PathLike[str]) -> Path | None:
    """The nearest directory at or above ``start`` holding ``.git`` (a directory, or a file for
    worktrees and submodules); None outside any repository."""
    here = Path(start).resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        if (directory / ".git").exists():
            return directory
    return None


def prefix_within(target: str | os.PathLike[str], project_root: str | os.PathLike[str] | None) -> str:
    """The posix path of ``target`` below the repository root ("" at the root, "services/api/"
    below it). With no root given, the one found from ``.git``; outside a repository, ""."""
    target_path = Path(target).resolve()
    root = Path(project_root).resolve() if project_root else find_repo_root(target_path)
    if root is None:
        return ""
    try:
        rel = target_path.relative_to(root)
    except ValueError:
        return ""
    text = PurePosixPath(*rel.parts).as_posix() if rel.parts else ""
    return "" if text in ("", ".") else text + "/"


def docs_url(base: str | None = None) -> str:
    """Where the rule catalogue lives: ``--docs-url``, ``PRODREADY_DOCS_URL`` or the default."""
    return (base or os.environ.get("PRODREADY_DOCS_URL") or DOCS_URL).split("#", 1)[0]
