"""Find the files to audit: respect .gitignore, classify by name, never leave the root."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pathspec

from prodready.model import Language

DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "env", ".env", "vendor",
        "dist", "build", "__pycache__", ".tox", ".nox", ".mypy_cache", ".ruff_cache",
        ".pytest_cache", ".next", ".nuxt", ".svelte-kit", "coverage", "htmlcov",
        "site-packages", ".prodready", "bower_components", ".terraform", ".idea", ".vscode",
        ".eggs", ".cache", ".parcel-cache", "target", ".gradle", "third_party",
    }
)
MAX_FILE_BYTES = 1_000_000

_SUFFIX_LANG = {
    ".py": (Language.PYTHON, "python"),
    ".pyi": None,
    ".js": (Language.JAVASCRIPT, "javascript"),
    ".jsx": (Language.JAVASCRIPT, "javascript"),
    ".mjs": (Language.JAVASCRIPT, "javascript"),
    ".cjs": (Language.JAVASCRIPT, "javascript"),
    ".ts": (Language.TYPESCRIPT, "typescript"),
    ".mts": (Language.TYPESCRIPT, "typescript"),
    ".cts": (Language.TYPESCRIPT, "typescript"),
    ".tsx": (Language.TYPESCRIPT, "tsx"),
    ".go": (Language.GO, "go"),
}
_MANIFESTS = {
    "pyproject.toml": "pyproject",
    "package.json": "package.json",
    "go.mod": "go.mod",
    "pipfile": "pipfile",
    "setup.cfg": "setup.cfg",
}
_NOT_DOCKERFILE = frozenset(
    {".py", ".js", ".ts", ".go", ".md", ".txt", ".json", ".yml", ".yaml", ".sh", ".toml", ".j2", ".tpl", ".tmpl", ".rst"}
)
_K8S_HINT = re.compile(r"^\s*apiVersion\s*:", re.MULTILINE)
_K8S_KIND = re.compile(r"^\s*kind\s*:\s*\w+", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # posix, relative to root
    abspath: str
    language: Language
    grammar: str  # parser to use: python, javascript, typescript, tsx, go, dockerfile, yaml, ...


@dataclass(slots=True)
class Discovery:
    files: list[SourceFile]
    skipped: list[tuple[str, str]]  # (path, reason)
    all_paths: list[str]  # every non-excluded file (for repo rules: .gitignore, README, tests)


def classify(relpath: str, head: bytes = b"") -> tuple[Language, str] | None:
    name = relpath.rsplit("/", 1)[-1]
    lower = name.lower()
    if lower.endswith(".min.js"):
        return None
    is_variant = lower.startswith("dockerfile.") and os.path.splitext(lower)[1] not in _NOT_DOCKERFILE
    if lower == "dockerfile" or is_variant or lower.endswith(".dockerfile") or lower == "containerfile":
        return Language.DOCKERFILE, "dockerfile"
    if lower.endswith((".yml", ".yaml")):
        if lower.startswith(("docker-compose", "compose")):
            return Language.COMPOSE, "yaml"
        return Language.KUBERNETES, "yaml"  # confirmed by content in the reader
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
        return Language.DOTENV, "dotenv"
    if lower in {"readme.md", "readme.rst", "readme.txt", "readme"} or (
        relpath.startswith("docs/") and lower.endswith(".md") and relpath.count("/") == 1
    ):
        return Language.MANIFEST, "readme"  # read for documented env vars, not audited as code
    if lower == ".gitignore" and "/" not in relpath:
        return Language.MANIFEST, "gitignore"  # read by the repo rules (.env coverage)
    if lower in _MANIFESTS:
        return Language.MANIFEST, _MANIFESTS[lower]
    if re.fullmatch(r"requirements[\w.-]*\.(txt|in)", lower):
        return Language.MANIFEST, "requirements"
    suffix = os.path.splitext(lower)[1]
    if suffix in _SUFFIX_LANG:
        return _SUFFIX_LANG[suffix]
    if not suffix and head.startswith(b"#!") and b"python" in head.split(b"\n", 1)[0]:
        return Language.PYTHON, "python"
    return None


def looks_like_kubernetes(text: str) -> bool:
    return bool(_K8S_HINT.search(text) and _K8S_KIND.search(text))


def _covering(prefix: str, lines: Iterable[str]) -> list[str]:
    """Drop the patterns that would exclude the audited directory itself (``prefix``, relative to
    the patterns' directory) or one above it: a directory named explicitly is audited."""
    parts = [p for p in prefix.strip("/").split("/") if p]
    above = ["/".join(parts[: n + 1]) + "/" for n in range(len(parts))]
    kept = []
    for line in lines:
        if not above or not line.strip() or line.lstrip().startswith("#"):
            kept.append(line)
            continue
        single = pathspec.GitIgnoreSpec.from_lines([line])
        if not any(single.match_file(directory) for directory in above):
            kept.append(line)
    return kept


class _IgnoreRules:
    """.gitignore files found while walking, each applied below its own directory; .gitignore
    files and exclude patterns from above the root, applied with the root's path below them."""

    def __init__(self, extra_patterns: Iterable[str] = (), extra_prefix: str = "") -> None:
        self.specs: list[tuple[str, str, pathspec.PathSpec]] = []  # (base below root, prefix above, spec)
        self.add_outer(extra_prefix, list(extra_patterns))

    def add_outer(self, prefix: str, lines: list[str]) -> None:
        """Patterns from a directory at or above the root; ``prefix`` is the root's path below it."""
        kept = _covering(prefix, lines)
        if any(line.strip() and not line.lstrip().startswith("#") for line in kept):
            self.specs.append(("", prefix.strip("/") + "/" if prefix.strip("/") else "", pathspec.GitIgnoreSpec.from_lines(kept)))

    def add(self, reldir: str, gitignore: Path) -> None:
        try:
            lines = gitignore.read_text("utf-8", "replace").splitlines()
        except OSError:
            return
        self.specs.append((reldir, "", pathspec.GitIgnoreSpec.from_lines(lines)))

    def ignored(self, relpath: str, is_dir: bool) -> bool:
        for base, prefix, spec in self.specs:
            if base and not relpath.startswith(base + "/"):
                continue
            sub = relpath[len(base) + 1 :] if base else relpath
            if spec.match_file(prefix + sub + ("/" if is_dir else "")):
                return True
        return False


def _outer_gitignores(root: Path, ignore: _IgnoreRules) -> None:
    """.gitignore files from the repository root down to (not including) ``root``."""
    from prodready.repo import find_repo_root

    top = find_repo_root(root)
    if top is None or top == root:
        return
    chain = [d for d in root.parents if d == top or top in d.parents]
    for directory in reversed(chain):
        gitignore = directory / ".gitignore"
        if not gitignore.is_file():
            continue
        try:
            lines = gitignore.read_text("utf-8", "replace").splitlines()
        except OSError:
            continue
        ignore.add_outer(root.relative_to(directory).as_posix(), lines)


def discover(
    root: Path, exclude: Iterable[str] = (), *, exclude_prefix: str = "", extra_exclude: Iterable[str] = (),
    outer_gitignores: bool = True,
) -> Discovery:
    """``exclude`` patterns are relative to the config file's directory, where ``root`` is at
    ``exclude_prefix``; ``extra_exclude`` (``--exclude``) patterns are relative to ``root``."""
    root = root.resolve()
    ignore = _IgnoreRules(exclude, exclude_prefix)
    ignore.add_outer("", list(extra_exclude))
    if outer_gitignores:
        _outer_gitignores(root, ignore)
    files: list[SourceFile] = []
    skipped: list[tuple[str, str]] = []
    all_paths: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        reldir = os.path.relpath(dirpath, root)
        reldir = "" if reldir == "." else reldir.replace(os.sep, "/")
        if ".gitignore" in filenames:
            ignore.add(reldir, Path(dirpath) / ".gitignore")
        kept = []
        for dirname in sorted(dirnames):
            rel = f"{reldir}/{dirname}" if reldir else dirname
            if dirname in DEFAULT_EXCLUDED_DIRS or dirname.endswith(".egg-info"):
                continue
            if os.path.islink(os.path.join(dirpath, dirname)):
                continue
            if ignore.ignored(rel, True):
                continue
            kept.append(dirname)
        dirnames[:] = kept
        for filename in sorted(filenames):
            rel = f"{reldir}/{filename}" if reldir else filename
            abspath = os.path.join(dirpath, filename)
            # .env files are audited even when ignored: a committed-but-ignored secret still leaks.
            is_env = filename == ".env" or filename.startswith(".env.")
            if ignore.ignored(rel, False) and not is_env:
                continue
            if os.path.islink(abspath):
                try:
                    target = Path(abspath).resolve()
                    target.relative_to(root)
                except (OSError, ValueError):
                    skipped.append((rel, "symlink pointing outside the root"))
                    continue
            all_paths.append(rel)
            head = b""
            if "." not in filename:
                try:
                    with open(abspath, "rb") as handle:
                        head = handle.read(128)
                except OSError:
                    head = b""
            kind = classify(rel, head)
            if kind is None:
                continue
            try:
                size = os.path.getsize(abspath)
            except OSError as exc:
                skipped.append((rel, f"unreadable: {exc.strerror or exc}"))
                continue
            if size > MAX_FILE_BYTES:
                skipped.append((rel, f"too large ({size // 1024} KiB > {MAX_FILE_BYTES // 1024} KiB)"))
                continue
            language, grammar = kind
            files.append(SourceFile(rel, abspath, language, grammar))
    return Discovery(files=files, skipped=skipped, all_paths=all_paths)
