"""Find the files to audit: respect .gitignore, classify by name, never leave the root."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from prodready.engine.safeio import (
    DEFAULT_MAX_FILE_BYTES,
    Refused,
    check_regular,
    display_path,
    is_utf8_name,
    read_head,
    read_regular,
    too_large,
)
from prodready.lang.appconfig import is_app_config_path
from prodready.lazyre import lazy_compile
from prodready.model import Language

if TYPE_CHECKING:
    import pathspec

DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "env", ".env", "vendor",
        "dist", "build", "__pycache__", ".tox", ".nox", ".mypy_cache", ".ruff_cache",
        ".pytest_cache", ".next", ".nuxt", ".svelte-kit", "coverage", "htmlcov",
        "site-packages", ".prodready", "bower_components", ".terraform", ".idea", ".vscode",
        ".eggs", ".cache", ".parcel-cache", "target", ".gradle", "third_party",
    }
)
MAX_FILE_BYTES = DEFAULT_MAX_FILE_BYTES
MAX_IGNORE_PATTERNS = 2000  # per .gitignore: matching cost is files x patterns
MAX_IGNORE_BYTES = 256 * 1024

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
# `.conf` goes to the nginx reader first; one that is not nginx is read as settings there.
_APP_CONFIG_SUFFIXES = frozenset({".ini", ".toml", ".json", ".cfg", ".properties"})
_NOT_DOCKERFILE = frozenset(
    {".py", ".js", ".ts", ".go", ".md", ".txt", ".json", ".yml", ".yaml", ".sh", ".toml", ".j2", ".tpl", ".tmpl", ".rst"}
)
# [ \t]* not \s*: \s would span newlines and rescan every blank line (quadratic on blank files).
_K8S_HINT = lazy_compile(r"^[ \t]*apiVersion[ \t]*:", re.MULTILINE)
_SHELL_SHEBANG = re.compile(rb"#![ \t]*(/usr)?(/local)?/bin/(env[ \t]+)?(ba|da|a)?sh([ \t]|$)")
_K8S_KIND = lazy_compile(r"^[ \t]*kind[ \t]*:[ \t]*\w", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str  # posix, relative to root
    abspath: str
    language: Language
    grammar: str  # parser to use: python, javascript, typescript, tsx, go, dockerfile, yaml, ...
    size: int = 0  # bytes when discovered (the parallel pass hands out the largest files first)


@dataclass(slots=True, eq=False, repr=False)  # never compared or printed
class Discovery:
    files: list[SourceFile]
    skipped: list[tuple[str, str]]  # (path, reason)
    all_paths: list[str]  # every non-excluded file (for repo rules: .gitignore, README, tests)
    warnings: list[str] = field(default_factory=list)


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
        if _COMPOSE_TOP.search(head.decode("utf-8", "replace")) and not relpath.startswith(".github/"):
            # `contrib/docker-compose/basic.yml`: a compose file by its content (top-level `services:`
            # whose entries name an image or a build)
            return Language.COMPOSE, "yaml"
        if is_app_config_path(relpath) and not looks_like_kubernetes(head.decode("utf-8", "replace")):
            return Language.APPCONFIG, "yaml"
        return Language.KUBERNETES, "yaml"  # confirmed by content in the reader
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env") or lower in {".flaskenv", ".secrets"}:
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
    if suffix in _APP_CONFIG_SUFFIXES and is_app_config_path(relpath):
        return Language.APPCONFIG, suffix.lstrip(".")
    if suffix in _SUFFIX_LANG:
        return _SUFFIX_LANG[suffix]
    if suffix in (".sh", ".bash"):
        return Language.SHELL, "bash"
    if lower.endswith((".conf", ".conf.template", ".nginx")):
        return Language.NGINX, "nginx"  # confirmed by content in the reader
    if not suffix and head.startswith(b"#!"):
        first = head.split(b"\n", 1)[0]
        if b"python" in first:
            return Language.PYTHON, "python"
        if _SHELL_SHEBANG.match(first):
            return Language.SHELL, "bash"
    return None


_COMPOSE_TOP = lazy_compile(r"(?m)^services:[ \t]*(#.*)?\r?\n(?:[ \t]*(?:#.*)?\r?\n)*[ \t]+[\w.-]+:[ \t]*\r?\n(?:[ \t]+.*\r?\n){0,12}?[ \t]+(image|build):")


def looks_like_kubernetes(text: str) -> bool:
    return bool(_K8S_HINT.search(text) and _K8S_KIND.search(text))


_STARS = lazy_compile(r"\*{3,}")
_DOUBLE_STAR_SEGMENTS = lazy_compile(r"(?:\*\*/)+")


def sanitize_pattern(line: str) -> tuple[str | None, str]:
    """A gitignore pattern made safe to compile and match in linear time, or None and why not.
    Runs of `*` collapse (`***` is `**`, repeated `**/` is one); a pattern with more wildcards
    than any real one is dropped (each extra `*` multiplies the regex backtracking)."""
    pattern = line.rstrip("\r")
    if not pattern.strip() or pattern.startswith("#"):
        return None, ""
    if len(pattern) > 512:
        return None, "longer than 512 characters"
    pattern = _DOUBLE_STAR_SEGMENTS.sub("**/", _STARS.sub("**", pattern))
    segments = pattern.strip("/").split("/")
    if sum(1 for seg in segments if seg == "**") > 2:
        return None, "more than two ** segments"
    if any(seg.count("*") > 3 and seg != "**" for seg in segments) or pattern.count("*") > 8:
        return None, "too many wildcards"
    import pathspec  # imported where used: a tree without .gitignore or excludes never needs it

    try:
        pathspec.GitIgnoreSpec.from_lines([pattern])
    except Exception as exc:  # noqa: BLE001 - pathspec raises ValueError, re.error, ...
        return None, f"invalid pattern ({type(exc).__name__})"
    return pattern, ""


def compile_patterns(lines: Iterable[str], source: str, warnings: list[str]) -> pathspec.PathSpec | None:
    kept: list[str] = []
    dropped = 0
    first_reason = ""
    lines = list(lines)
    for number, line in enumerate(lines):
        if len(kept) >= MAX_IGNORE_PATTERNS:
            rest = sum(1 for later in lines[number:] if later.strip() and not later.startswith("#"))
            warnings.append(f"{source}: only the first {MAX_IGNORE_PATTERNS} patterns are used ({rest} more ignored)")
            break
        pattern, reason = sanitize_pattern(line)
        if pattern is not None:
            kept.append(pattern)
        elif reason:
            dropped += 1
            first_reason = first_reason or f"{line[:60]!r}: {reason}"
    if dropped:
        warnings.append(f"{source}: {dropped} pattern(s) ignored, e.g. {first_reason}")
    if not kept:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(kept)


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
        import pathspec

        single = pathspec.GitIgnoreSpec.from_lines([line])
        if not any(single.match_file(directory) for directory in above):
            kept.append(line)
    return kept


class _IgnoreRules:
    """.gitignore files found while walking, each applied below its own directory; .gitignore
    files and exclude patterns from above the root, applied with the root's path below them.
    Every pattern is sanitised first (hostile patterns are dropped with a warning)."""

    def __init__(self, extra_patterns: Iterable[str] = (), extra_prefix: str = "",
                 warnings: list[str] | None = None) -> None:
        self.specs: list[tuple[str, str, pathspec.PathSpec]] = []  # (base below root, prefix above, spec)
        self.warnings = warnings if warnings is not None else []
        self.add_outer(extra_prefix, list(extra_patterns), "config exclude")

    def add_outer(self, prefix: str, lines: list[str], source: str = "exclude") -> None:
        """Patterns from a directory at or above the root; ``prefix`` is the root's path below it."""
        safe = [p for p in (sanitize_pattern(line)[0] for line in lines) if p is not None]
        kept = _covering(prefix, safe)
        spec = compile_patterns(kept, source, self.warnings) if kept else None
        if spec is not None:
            self.specs.append(("", prefix.strip("/") + "/" if prefix.strip("/") else "", spec))

    def add(self, reldir: str, gitignore: Path) -> str | None:
        """Read one .gitignore; returns why it was not read, or None."""
        try:
            data = read_regular(str(gitignore), MAX_IGNORE_BYTES)
        except Refused as exc:
            return str(exc)
        lines = data.decode("utf-8", "replace").splitlines()
        rel = f"{reldir}/.gitignore" if reldir else ".gitignore"
        spec = compile_patterns(lines, display_path(rel), self.warnings)
        if spec is not None:
            self.specs.append((reldir, "", spec))
        return None

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
            lines = read_regular(str(gitignore), MAX_IGNORE_BYTES).decode("utf-8", "replace").splitlines()
        except (OSError, Refused):
            continue
        ignore.add_outer(root.relative_to(directory).as_posix(), lines)


def discover(
    root: Path, exclude: Iterable[str] = (), *, exclude_prefix: str = "", extra_exclude: Iterable[str] = (),
    outer_gitignores: bool = True, max_file_bytes: int = MAX_FILE_BYTES,
) -> Discovery:
    """``exclude`` patterns are relative to the config file's directory, where ``root`` is at
    ``exclude_prefix``; ``extra_exclude`` (``--exclude``) patterns are relative to ``root``."""
    root = root.resolve()
    warnings: list[str] = []
    ignore = _IgnoreRules(exclude, exclude_prefix, warnings)
    ignore.add_outer("", list(extra_exclude), "--exclude")
    if outer_gitignores:
        _outer_gitignores(root, ignore)
    files: list[SourceFile] = []
    skipped: list[tuple[str, str]] = []
    all_paths: list[str] = []
    rescued: set[str] = set()  # ignored cmd/<name>/ directories kept for their Go sources
    root_text = str(root)

    def walk_error(exc: OSError) -> None:
        where = os.path.relpath(exc.filename, root_text) if exc.filename else "?"
        skipped.append((display_path(where.replace(os.sep, "/")), f"directory {describe(exc)}"))

    for dirpath, reldir, dirnames, filenames, links in _walk(root_text, walk_error):
        if ".gitignore" in filenames:
            reason = ignore.add(reldir, Path(dirpath) / ".gitignore")
            if reason:
                rel = f"{reldir}/.gitignore" if reldir else ".gitignore"
                skipped.append((display_path(rel), reason))
        kept = []
        for dirname in sorted(dirnames):
            rel = f"{reldir}/{dirname}" if reldir else dirname
            if dirname in DEFAULT_EXCLUDED_DIRS or dirname.endswith(".egg-info"):
                continue
            if dirname in links:
                continue
            if not is_utf8_name(dirname):
                skipped.append((display_path(rel) + "/", "directory name is not valid UTF-8"))
                continue
            if ignore.ignored(rel, True):
                if not _go_command_dir(reldir, os.path.join(dirpath, dirname)):
                    continue
                rescued.add(rel)
            kept.append(dirname)
        dirnames[:] = kept
        for filename in sorted(filenames):
            rel = f"{reldir}/{filename}" if reldir else filename
            abspath = os.path.join(dirpath, filename)
            if not is_utf8_name(filename):
                skipped.append((display_path(rel), "file name is not valid UTF-8"))
                continue
            # .env files are audited even when ignored: a committed-but-ignored secret still leaks.
            is_env = filename == ".env" or filename.startswith(".env.")
            # (in a rescued cmd/<name>/ only the file's own name is matched: its directory is ignored)
            if ignore.ignored(filename if reldir in rescued else rel, False) and not is_env:
                continue
            if filename in links:
                # realpath never raises on a loop (Path.resolve does); check_regular reports ELOOP.
                target = os.path.realpath(abspath)
                if os.path.commonpath([root_text, target]) != root_text:
                    skipped.append((rel, "symlink pointing outside the root"))
                    continue
            all_paths.append(rel)
            head = b""
            if "." not in filename:
                head = read_head(abspath)
            elif filename.endswith((".yml", ".yaml")) and not filename.lower().startswith(("docker-compose", "compose")):
                # a manifest in config/ is still a manifest; `contrib/basic.yml` may be a compose file
                head = read_head(abspath, 2048)
            kind = classify(rel, head)
            if kind is None:
                continue
            try:
                size = check_regular(abspath).st_size
            except Refused as exc:
                skipped.append((rel, str(exc)))
                continue
            if size > max_file_bytes:
                skipped.append((rel, too_large(size, max_file_bytes)))
                continue
            language, grammar = kind
            files.append(SourceFile(rel, abspath, language, grammar, size))
    return Discovery(files=files, skipped=skipped, all_paths=all_paths, warnings=warnings)


def _go_command_dir(parent: str, path: str) -> bool:
    """`cmd/<name>/` holding Go sources: a .gitignore line `<name>` is meant for the binary that
    `go build` writes under that name, not for the command's committed sources."""
    if parent.rsplit("/", 1)[-1] != "cmd":
        return False
    try:
        return any(entry.endswith(".go") for entry in os.listdir(path))
    except OSError:
        return False


def _walk(
    top: str, onerror: Callable[[OSError], None]
) -> Iterator[tuple[str, str, list[str], list[str], set[str]]]:
    """os.walk(top, followlinks=False) in the same order, also giving each directory's path
    relative to ``top`` ("/"-separated) and the names in it that are symbolic links (from the
    directory entries: no lstat per name). The caller removes the links from ``dirnames``, as
    it may remove any name, before the walk goes on into what is left."""
    stack: list[tuple[str, str]] = [(top, "")]
    while stack:
        dirpath, reldir = stack.pop()
        dirnames: list[str] = []
        filenames: list[str] = []
        links: set[str] = set()
        try:
            entries = os.scandir(dirpath)
        except OSError as exc:
            onerror(exc)
            continue
        failed = False
        with entries:
            while True:
                try:
                    entry = next(entries)
                except StopIteration:
                    break
                except OSError as exc:
                    onerror(exc)
                    failed = True
                    break
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                (dirnames if is_dir else filenames).append(entry.name)
                try:
                    if entry.is_symlink():
                        links.add(entry.name)
                except OSError:
                    pass
        if failed:
            continue  # as os.walk: a directory that cannot be listed to the end is not yielded
        yield dirpath, reldir, dirnames, filenames, links
        for dirname in reversed(dirnames):
            stack.append((os.path.join(dirpath, dirname), f"{reldir}/{dirname}" if reldir else dirname))


def describe(exc: OSError) -> str:
    from prodready.engine.safeio import describe_os_error

    return describe_os_error(exc)
