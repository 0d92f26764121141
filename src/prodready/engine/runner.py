"""Parse each file once, dispatch its nodes to the rules that asked for them, then run the
project pass on the ProjectModel. Parallel over files; per-file results cached by content hash."""

from __future__ import annotations

import ast
import contextlib
import gc
import hashlib
import json
import operator
import os
import re
import signal
import threading
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prodready import __version__
from prodready.engine import context as cx
from prodready.engine.discover import SourceFile, looks_like_kubernetes
from prodready.engine.safeio import Limits, Refused, data_depth_exceeds, read_regular
from prodready.engine.templating import render_defaults
from prodready.lang import golang as go_lang
from prodready.lang import python as pyast
from prodready.lang import treesitter as ts
from prodready.lazyre import lazy_compile
from prodready.model import RELATED_NEAR, Category, Finding, Hit, Language, Location, Severity
from prodready.redact import redact, redact_message
from prodready.rules.base import FactCollector, HandlerSet, RuleMeta, iter_hits
from prodready.rules.registry import Registry, python_call_modules, registry_for, rule_index
from prodready.tracking.fingerprint import fingerprint

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

MAX_EVIDENCE_LINES = 6
MAX_EVIDENCE_LINE_CHARS = 240  # one quoted line of code; a minified 300 kB token is cut
MAX_MESSAGE_CHARS = 400
MAX_REASON_CHARS = 200
BROWSER_LANGUAGES = frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT})
SUPPRESSION = lazy_compile(
    r"(?:#|//|<!--)[ \t]*+prodready:[ \t]*+ignore(?:\[(?P<rules>[A-Za-z0-9_, \t-]{0,400}+)\])?(?P<reason>[^\n]*)"
)


@dataclass(frozen=True)
class RunOptions:
    select: frozenset[str] | None = None  # only these rule ids (fixture tests, --select)
    ignore: frozenset[str] = frozenset()
    severity_overrides: tuple[tuple[str, str], ...] = ()
    limits: Limits = Limits()
    # Directories whose package.json declares a Node server (express, fastify, ws, ...) and no
    # browser framework: their JS/TS files are server code wherever they sit (src/llm.ts).
    node_server_dirs: frozenset[str] = frozenset()
    # Directories whose package.json is a browser app and nothing else: its code runs in the user's
    # browser, so only what leaks from the bundle (secrets) is judged there.
    browser_dirs: frozenset[str] = frozenset()

    def digest(self) -> str:
        payload = json.dumps(
            [sorted(self.select or []), sorted(self.ignore), sorted(self.severity_overrides), self.limits.digest(),
             sorted(self.node_server_dirs), sorted(self.browser_dirs)]
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def enabled(self, key: str) -> bool:
        """Whether a matcher runs (``key``: RuleMeta.key; select and ignore hold matcher keys)."""
        if key in self.ignore:
            return False
        return self.select is None or key in self.select


@dataclass
class Suppression:
    path: str
    line: int
    rules: frozenset[str] | None  # None = every rule
    reason: str
    applies_to: frozenset[int]  # finding lines this comment covers

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "rules": sorted(self.rules) if self.rules else None,
            "reason": self.reason,
        }


@dataclass
class FileResult:
    path: str
    language: Language
    findings: list[Finding] = field(default_factory=list)
    facts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    examined: dict[str, int] = field(default_factory=dict)
    suppressions: list[Suppression] = field(default_factory=list)
    skipped: str | None = None
    digest: str | None = None  # sha256 of the bytes this result was computed from (not serialised)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "language": self.language.value,
            "findings": [f.to_json() | {"title": f.title, "matcher": f.matcher} for f in self.findings],
            "facts": self.facts,
            "examined": self.examined,
            "suppressions": [
                s.to_json() | {"applies_to": sorted(s.applies_to)} for s in self.suppressions
            ],
            "skipped": self.skipped,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileResult:
        findings = []
        for item in data["findings"]:
            finding = Finding.from_json(item)
            findings.append(_with_title(finding, str(item.get("title", ""))))
        return cls(
            path=data["path"],
            language=Language(data["language"]),
            findings=findings,
            facts=data["facts"],
            examined=data["examined"],
            suppressions=[
                Suppression(
                    path=s["path"],
                    line=s["line"],
                    rules=frozenset(s["rules"]) if s["rules"] else None,
                    reason=s["reason"],
                    applies_to=frozenset(s["applies_to"]),
                )
                for s in data["suppressions"]
            ],
            skipped=data["skipped"],
        )


def _with_title(finding: Finding, title: str) -> Finding:
    from dataclasses import replace

    return replace(finding, title=title)


# ---------------------------------------------------------------------------------------------
# Dispatch tables, built once per process


@dataclass(eq=False, repr=False)  # never compared or printed: spare generating both
class Dispatch:
    python: dict[type[ast.AST], list[tuple[HandlerSet, Callable[..., Any]]]]
    python_calls: dict[str, list[tuple[HandlerSet, Callable[..., Any]]]]  # callee last name -> handlers
    # grammar -> kind -> (owner, handler, test of the callee text or None)
    tree: dict[str, dict[str, list[tuple[HandlerSet, Callable[..., Any], Callable[[str], object] | None]]]]
    queries: dict[str, Any]  # grammar -> tree_sitter.Query (one combined query)
    file: dict[Language, list[tuple[HandlerSet, Callable[..., Any]]]]
    sources: dict[str, str] = field(default_factory=dict)  # grammar -> source of its query
    # (grammar, extra kinds, dead kinds) -> the query without the dead kinds, plus a pattern for
    # the extra ones (see _run_tree)
    index_queries: dict[tuple[str, frozenset[str], frozenset[str]], Any] = field(default_factory=dict)
    filtered: frozenset[str] = frozenset()  # node kinds with a handler that has a callee= test
    skip_tests: dict[str, list[tuple[Callable[..., Any], Callable[[Any], object]]]] = field(default_factory=dict)
    python_skip_tests: list[tuple[Callable[..., Any], Callable[[Any], object]]] = field(default_factory=list)
    # handlers skipped in a file -> (python, python_calls) without them
    python_variants: dict[frozenset[Any], Any] = field(default_factory=dict)
    # (grammar, handlers skipped in the file) -> kind -> (owner, handler, owner is a rule), for
    # kinds without callee= tests
    unfiltered: dict[tuple[str, frozenset[Any]], dict[str, list[tuple[HandlerSet, Callable[..., Any], bool]]]] = field(
        default_factory=dict
    )
    # (grammar, handlers skipped in the file) -> (kind, callee text) -> the handlers whose
    # callee= test passes (see _run_tree)
    chosen: dict[
        tuple[str, frozenset[Any]], dict[tuple[str, str | None], list[tuple[HandlerSet, Callable[..., Any], bool]]]
    ] = field(default_factory=dict)
    # Rule modules not imported for these tables (full name -> the callee names one of which a
    # Python file must contain for the module to do anything there; see dispatch_for)
    left_out: dict[str, tuple[str, ...]] = field(default_factory=dict)


_GRAMMAR_LANG = {
    "javascript": Language.JAVASCRIPT,
    "typescript": Language.TYPESCRIPT,
    "tsx": Language.TYPESCRIPT,
    "go": Language.GO,
}

_DISPATCH_CACHE: dict[tuple[RunOptions, Language], Dispatch] = {}


def dispatch_for(language: Language, options: RunOptions, text: str | None = None) -> Dispatch:
    """The handlers for files of one language: only the rule modules that read such files are
    imported (an audit of Python files never loads the Go rules or the tree-sitter grammars).

    Given the ``text`` of the (Python) file at hand, the tables may also leave out the rule
    modules whose every handler is a call handler filtered on callee names (``calls=``) that this
    text does not contain: such a module finds nothing and examines nothing in the file. The
    tables only grow: a later file that names one of a left-out module's callees gets tables with
    it (a module in the tables where it does nothing changes no answer). Without ``text`` (the
    pool's workers, other callers) every module is in."""
    key = (options, language)  # the options themselves (hashable): digest() costs a hash per file
    found = _DISPATCH_CACHE.get(key)
    if found is not None and (not found.left_out or (text is not None and not _names_any(found.left_out, text))):
        return found
    left_out: dict[str, tuple[str, ...]] = {}
    if text is not None and language == Language.PYTHON and text.isascii():
        # (a non-ASCII text may spell an identifier that NFKC-normalises to a callee name)
        candidates = found.left_out if found is not None else python_call_modules()
        left_out = {module: names for module, names in candidates.items() if not any(n in text for n in names)}
    dispatch = build_dispatch(registry_for(frozenset({language}), project=False, without=frozenset(left_out)), options, language)
    dispatch.left_out = left_out
    if len(_DISPATCH_CACHE) >= 64:
        _DISPATCH_CACHE.clear()  # a long-lived host auditing with ever new options stays bounded
    _DISPATCH_CACHE[key] = dispatch
    return dispatch


def _names_any(left_out: dict[str, tuple[str, ...]], text: str) -> bool:
    """Whether the text names a callee of one of the left-out modules (or may: not ASCII)."""
    if not text.isascii():
        return True
    return any(name in text for names in left_out.values() for name in names)


def build_dispatch(registry: Registry, options: RunOptions, language: Language | None = None) -> Dispatch:
    """Handler tables for the registry's rules and collectors (for ``language``'s files only when
    given: the other grammars are not loaded and their queries not compiled)."""
    owners: list[HandlerSet] = [r for r in registry.rules if options.enabled(r.key)]
    owners.extend(registry.collectors)
    python: dict[type[ast.AST], list[tuple[HandlerSet, Callable[..., Any]]]] = defaultdict(list)
    handler: Callable[..., Any]
    grammars = {g: lang for g, lang in _GRAMMAR_LANG.items() if language is None or lang == language}
    tree: dict[str, dict[str, list[tuple[HandlerSet, Callable[..., Any], Callable[[str], object] | None]]]] = {
        g: defaultdict(list) for g in grammars
    }
    file: dict[Language, list[tuple[HandlerSet, Callable[..., Any]]]] = defaultdict(list)
    python_calls: dict[str, list[tuple[HandlerSet, Callable[..., Any]]]] = defaultdict(list)
    for owner in owners:
        if language in (None, Language.PYTHON):
            for node_type, handler in owner.handlers.python:
                python[node_type].append((owner, handler))
            for names, handler in owner.handlers.python_calls:
                for name in names:
                    python_calls[name].append((owner, handler))
        for lang, kind, handler in owner.handlers.tree:
            for grammar_name, grammar_lang in grammars.items():
                if grammar_lang == lang and ts.has_kind(grammar_name, kind):
                    tree[grammar_name][kind].append((owner, handler, owner.handlers.tree_callee.get(handler)))
        for lang, file_handler in owner.handlers.file:
            if language in (None, lang):
                file[lang].append((owner, file_handler))
    queries: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for grammar_name, kinds in tree.items():
        if kinds:
            import tree_sitter

            source = " ".join(f"({kind}) @{kind.replace('.', '_')}" for kind in sorted(kinds))
            queries[grammar_name] = tree_sitter.Query(ts.grammar(grammar_name), source)
            sources[grammar_name] = source
    filtered = frozenset(
        kind for kinds in tree.values() for kind, entries in kinds.items() if any(w is not None for _, _, w in entries)
    )
    return Dispatch(
        python=dict(python), python_calls=dict(python_calls), tree=tree, queries=queries, file=dict(file),
        sources=sources, filtered=filtered, skip_tests=_skip_tests(tree),
        python_skip_tests=_python_skip_tests(python, python_calls),
    )


def _python_skip_tests(*tables: dict[Any, list[tuple[HandlerSet, Callable[..., Any]]]]) -> list[
    tuple[Callable[..., Any], Callable[[Any], object]]
]:
    """(handler, skip_file test) for the Python handlers in these tables that declared one."""
    found: dict[Callable[..., Any], Callable[[Any], object]] = {}
    for table in tables:
        for entries in table.values():
            for owner, handler in entries:
                test = owner.handlers.python_skip_file.get(handler)
                if test is not None:
                    found[handler] = test
    return list(found.items())


def _skip_tests(
    tree: dict[str, dict[str, list[tuple[HandlerSet, Callable[..., Any], Callable[[str], object] | None]]]],
) -> dict[str, list[tuple[Callable[..., Any], Callable[[Any], object]]]]:
    """grammar -> (handler, skip_file test) for the handlers that declared one."""
    found: dict[str, dict[Callable[..., Any], Callable[[Any], object]]] = {}
    for grammar_name, kinds in tree.items():
        for entries in kinds.values():
            for owner, handler, _ in entries:
                test = owner.handlers.tree_skip_file.get(handler)
                if test is not None:
                    found.setdefault(grammar_name, {})[handler] = test
    return {grammar_name: list(tests.items()) for grammar_name, tests in found.items()}


# ---------------------------------------------------------------------------------------------
# The per-file pass


class SkipFile(Exception):
    """The file cannot be analysed; the message says why (counted and reported, never fatal)."""


class NotAudited(SkipFile):
    """The file is not one prodready reads after all (a YAML file that is not Kubernetes)."""


def read_text(abspath: str, limit: int = Limits.max_file_bytes) -> str:
    return decode_source(read_bytes(abspath, limit))


def read_bytes(abspath: str, limit: int = Limits.max_file_bytes) -> bytes:
    try:
        return read_regular(abspath, limit)
    except Refused as exc:
        raise SkipFile(str(exc)) from exc


def decode_source(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SkipFile(f"invalid UTF-16 at byte {exc.start}") from exc
    if b"\x00" in data[:8192]:
        raise SkipFile("binary file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SkipFile(f"invalid UTF-8 at byte {exc.start}") from exc


class _Deadline(BaseException):
    """Raised by SIGALRM inside one file's analysis (BaseException: no rule can swallow it)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupt the analysis of one file after ``seconds`` (POSIX, main thread; else no limit)."""
    usable = (
        seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise _Deadline()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _in_package(path: str, package_dirs: frozenset[str]) -> bool:
    """Whether the nearest package.json above ``path`` is one of ``package_dirs`` ('' = the root)."""
    directory = path.rsplit("/", 1)[0] if "/" in path else ""
    while True:
        if directory in package_dirs:
            return True
        if not directory:
            return False
        directory = directory.rsplit("/", 1)[0] if "/" in directory else ""


def _make_context(source: SourceFile, text: str, limits: Limits = Limits()) -> cx.FileContext:
    lang = source.language
    if lang == Language.PYTHON:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text, filename=source.path)
        except SyntaxError as exc:
            raise SkipFile(f"syntax error at line {exc.lineno}: {exc.msg}") from exc
        except (ValueError, RecursionError, MemoryError) as exc:
            raise SkipFile(f"cannot parse: {exc}") from exc
        all_nodes, by_type = pyast.index_tree(tree)
        return cx.PyContext(
            path=source.path, language=lang, text=text, tree=tree,
            imports=pyast.import_map(by_type), all_nodes=all_nodes, by_type=by_type,
        )
    if lang in (Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO):
        if source.grammar == "javascript" and _looks_minified(text):
            raise SkipFile("minified or generated code")
        tree_obj = ts.parser(source.grammar).parse(text.encode("utf-8"))
        root = tree_obj.root_node
        if root.has_error and _error_ratio(root) > 0.2:
            raise SkipFile("syntax errors (could not parse most of the file)")
        from prodready.lang.imports import go_imports, js_imports

        ts.analysing(root, source.grammar)
        imports = go_imports(root) if lang == Language.GO else js_imports(root)
        return cx.TreeContext(
            path=source.path, language=lang, text=text, grammar=source.grammar, root=root,
            imports=imports,
        )
    if lang == Language.DOCKERFILE:
        from prodready.lang.dockerfile import parse_dockerfile  # here: only for Dockerfiles

        return cx.DockerfileContext(
            path=source.path, language=lang, text=text, dockerfile=parse_dockerfile(text)
        )
    if lang in (Language.COMPOSE, Language.KUBERNETES):
        kustomization = source.path.rsplit("/", 1)[-1].lower() in ("kustomization.yaml", "kustomization.yml")
        if lang == Language.KUBERNETES and not (looks_like_kubernetes(text) or kustomization):
            raise NotAudited("not a Kubernetes manifest")
        import yaml  # here, not at the top: only an audit with YAML files pays for PyYAML

        from prodready.lang.yamlload import YamlLimitError, load_yaml_documents

        try:
            documents = load_yaml_documents(text, max_nodes=limits.max_yaml_nodes, max_depth=limits.max_depth)
        except YamlLimitError as exc:
            raise SkipFile(str(exc)) from exc
        except yaml.YAMLError as exc:
            if "{{" in text:
                raise SkipFile("Helm or Go template: not valid YAML until rendered") from exc
            raise SkipFile(f"invalid YAML: {str(exc).splitlines()[0]}") from exc
        return cx.YamlContext(path=source.path, language=lang, text=text, documents=documents)
    if lang == Language.APPCONFIG:
        from prodready.lang.appconfig import parse_app_config

        return cx.AppConfigContext(path=source.path, language=lang, text=text, entries=parse_app_config(text, source.path))
    if lang == Language.SHELL:
        from prodready.lang.shell import read_script

        script = read_script(text)
        if script.error_ratio > 0.2:
            raise SkipFile("syntax errors (could not parse most of the script)")
        return cx.ShellContext(path=source.path, language=lang, text=text, script=script)
    if lang == Language.NGINX:
        from prodready.lang.appconfig import is_app_config_path, parse_app_config
        from prodready.lang.nginx import NginxSyntaxError, looks_like_nginx, parse_nginx

        if not looks_like_nginx(text):
            if is_app_config_path(source.path):  # beego's conf/app.conf: INI settings, not nginx
                entries = parse_app_config(text, source.path)
                return cx.AppConfigContext(path=source.path, language=Language.APPCONFIG, text=text, entries=entries)
            raise NotAudited("not an nginx configuration")
        try:
            config = parse_nginx(text)
        except NginxSyntaxError as exc:
            where = f" at line {exc.line}" if exc.line else ""
            raise SkipFile(f"invalid nginx configuration{where}: {str(exc)[:120]}") from exc
        return cx.NginxContext(path=source.path, language=lang, text=text, config=config)
    if lang == Language.DOTENV:
        from prodready.lang.dotenv import parse_dotenv

        return cx.DotenvContext(path=source.path, language=lang, text=text, entries=parse_dotenv(text))
    if lang == Language.MANIFEST:
        return cx.ManifestContext(
            path=source.path, language=lang, text=text, kind=source.grammar,
            data=_parse_manifest(source.grammar, text, limits.max_depth),
        )
    raise SkipFile(f"no reader for {lang.value}")


def _parse_manifest(kind: str, text: str, max_depth: int = Limits.max_depth) -> Any:
    import tomllib  # here: most audits read no pyproject.toml

    try:
        if kind == "pyproject":
            data: Any = tomllib.loads(text)
        elif kind == "package.json":
            # prodready: ignore[PR-IV-003] manifest text read from the audited tree, not a request; shape checked by callers
            data = json.loads(text)
        else:
            return None
    except RecursionError as exc:
        raise SkipFile(f"{kind} nested too deeply (max-depth {max_depth})") from exc
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise SkipFile(f"invalid {kind}: {str(exc)[:200]}") from exc
    if data_depth_exceeds(data, max_depth):
        raise SkipFile(f"{kind} nested deeper than {max_depth} levels (max-depth)")
    if not isinstance(data, dict):
        raise SkipFile(f"invalid {kind}: top level is a {type(data).__name__}, not an object")
    return data


def _looks_minified(text: str) -> bool:
    lines = text.splitlines() or [""]
    return len(text) > 5000 and len(text) / len(lines) > 300


def _error_ratio(root: Any) -> float:
    total = max(root.end_byte - root.start_byte, 1)
    bad = sum(n.end_byte - n.start_byte for n in ts.descendants(root, "ERROR"))
    return bad / total


def _run_python(ctx: cx.PyContext, dispatch: Dispatch, hits: list[tuple[RuleMeta, Hit]]) -> None:
    """The hot loop: every node of the file, handed to the handlers registered for its type."""
    table, by_callee = _python_tables(ctx, dispatch)
    if not table and not by_callee:
        return
    get = table.get
    call_type = ast.Call
    # ctx.call_name, inlined (it is asked for every call): the same memo, filled the same way
    call_names = ctx._call_names
    imports = ctx.imports
    call_name = pyast.call_name
    for node in ctx.all_nodes:
        handlers = get(type(node))
        if by_callee and type(node) is call_type:
            key = id(node)
            if key in call_names:
                name = call_names[key]
            else:
                name = call_names[key] = call_name(node, imports)  # type: ignore[arg-type]
            if name:
                wanted = by_callee.get(name.rsplit(".", 1)[-1])
                if wanted:
                    handlers = wanted + handlers if handlers else wanted
        if handlers is None:
            continue
        for owner, handler in handlers:
            produced = handler(node, ctx)
            if produced is not None:
                for hit in produced:
                    if isinstance(owner, RuleMeta):
                        hits.append((owner, hit))


def _python_tables(ctx: cx.PyContext, dispatch: Dispatch) -> tuple[
    dict[type[ast.AST], list[tuple[HandlerSet, Callable[..., Any]]]], dict[str, list[tuple[HandlerSet, Callable[..., Any]]]]
]:
    """The Python handler tables without the handlers that do nothing in this file (skip_file=):
    test code is most of many trees, and most handlers return at once there."""
    skipped = _skipped_in(ctx, dispatch.python_skip_tests)
    if not skipped:
        return dispatch.python, dispatch.python_calls
    found = dispatch.python_variants.get(skipped)
    if found is None:
        if len(dispatch.python_variants) >= 256:
            dispatch.python_variants.clear()  # bounded: text pre-filters make many skip sets possible
        table = {kind: [e for e in entries if e[1] not in skipped] for kind, entries in dispatch.python.items()}
        calls = {name: [e for e in entries if e[1] not in skipped] for name, entries in dispatch.python_calls.items()}
        found = dispatch.python_variants[skipped] = (table, calls)
    return found


def _run_tree(ctx: cx.TreeContext, dispatch: Dispatch, hits: list[tuple[RuleMeta, Hit]]) -> None:
    """Every captured node, in document order, handed to the handlers registered for its kind
    (the hot loop of a JS/TS/Go file: no call in it that can be left out)."""
    import tree_sitter

    query = dispatch.queries.get(ctx.grammar)
    if query is None:
        return
    table = dispatch.tree[ctx.grammar]
    skipped = _skipped_in(ctx, dispatch.skip_tests.get(ctx.grammar, ()))
    # Kinds whose every handler is skipped in this file (string literals outside the few files
    # that name a TLS setting, declarations in test code) are not dispatched: not captured as
    # such, so their nodes are neither built nor sorted (handlers run as they did: none for them).
    dead = frozenset(kind for kind, entries in table.items() if all(e[1] in skipped for e in entries)) if skipped else frozenset()
    # One pass over the tree (a query walks all of it, as costly as a third of the parse) also
    # gathers the kinds rules asked `descendants` for in earlier files: the index reuses them.
    asked = ts.asked_kinds(ctx.grammar)
    extra = frozenset(asked.difference(table)) | dead.intersection(asked)
    if extra or dead:
        query = _with_index_kinds(dispatch, ctx.grammar, extra, dead)
    captures = tree_sitter.QueryCursor(query).captures(ctx.root) if query is not None else {}
    index_nodes = captures.pop(_INDEX_CAPTURE, [])
    known = {kind: captures.get(kind.replace(".", "_"), []) for kind in table if kind not in dead}
    known.update({kind: [] for kind in extra})
    for node in index_nodes:
        known[node.type].append(node)
    ts.captured(ctx.root, known)
    ordered = sorted((node for nodes in captures.values() for node in nodes), key=_START_BYTE)
    callee_of: Callable[[Any, str], str | None] = _callee_text if ctx.grammar != "go" else _go_callee
    # (kind, callee) -> the handlers whose callee= test passes, for every file; and the same
    # without this file's skipped handlers (a few distinct skip sets: test code or not).
    passing = dispatch.chosen.setdefault((ctx.grammar, frozenset()), {})
    chosen = dispatch.chosen.setdefault((ctx.grammar, skipped), {}) if skipped else passing
    for cache in (passing, chosen):
        if len(cache) > 100_000:
            cache.clear()  # bounded: distinct callee texts of a huge tree
    filtered = dispatch.filtered
    unfiltered = dispatch.unfiltered.setdefault((ctx.grammar, skipped), {})
    for kind, entries in table.items():
        if kind not in unfiltered:
            unfiltered[kind] = [
                (owner, handler, isinstance(owner, RuleMeta)) for owner, handler, _ in entries if handler not in skipped
            ]
    append = hits.append
    for node in ordered:
        kind = node.type
        selected = unfiltered.get(kind)
        if not selected:
            continue  # no handler left for this kind in this file
        if kind in filtered:
            # The callee= tests are pure functions of the callee text, which repeats across
            # calls (`fmt.Sprintf`, `err.Error`): run them once per distinct text and kind.
            callee = callee_of(node, kind)
            key = (kind, callee)
            selected = chosen.get(key)
            if selected is None:
                every = passing.get(key)
                if every is None:
                    every = passing[key] = [
                        (owner, handler, isinstance(owner, RuleMeta))
                        for owner, handler, wanted in table[kind]
                        if wanted is None or (callee is not None and wanted(callee))
                    ]
                selected = chosen[key] = [entry for entry in every if entry[1] not in skipped]
        for owner, handler, is_rule in selected:
            produced = handler(node, ctx)
            if produced is not None:
                for hit in produced:  # consumed even for collectors: their generators do the work
                    if is_rule:
                        append((owner, hit))  # type: ignore[arg-type]  # is_rule: a RuleMeta


_START_BYTE = operator.attrgetter("start_byte")
_INDEX_CAPTURE = "prodready_index"


def _skipped_in(ctx: cx.FileContext, tests: Iterable[tuple[Callable[..., Any], Callable[[Any], object]]]) -> frozenset[Any]:
    """The handlers that do nothing in this file (skip_file=), each distinct test run once."""
    verdicts: dict[Callable[[Any], object], bool] = {}
    for _, test in tests:
        if test not in verdicts:
            verdicts[test] = bool(test(ctx))
    return frozenset(handler for handler, test in tests if verdicts[test])


def _with_index_kinds(dispatch: Dispatch, grammar: str, kinds: frozenset[str], dead: frozenset[str] = frozenset()) -> Any:
    """The grammar's dispatch query without the patterns of the ``dead`` kinds, plus one last
    pattern capturing ``kinds`` (compiled once per pair; None when it would capture nothing)."""
    import tree_sitter

    key = (grammar, kinds, dead)
    if key in dispatch.index_queries:
        return dispatch.index_queries[key]
    if len(dispatch.index_queries) >= 256:
        dispatch.index_queries.clear()  # bounded: asked kinds grow and skip sets vary per file
    patterns = dispatch.sources[grammar] if not dead else " ".join(
        f"({kind}) @{kind.replace('.', '_')}" for kind in sorted(dispatch.tree[grammar]) if kind not in dead
    )
    if kinds:
        alternatives = " ".join(f"({kind})" for kind in sorted(kinds))
        patterns = f"{patterns} [{alternatives}] @{_INDEX_CAPTURE}"
    found = tree_sitter.Query(ts.grammar(grammar), patterns) if patterns.strip() else None
    dispatch.index_queries[key] = found
    return found


def _callee_text(node: Any, kind: str) -> str | None:
    return ts.call_callee(node)


def _go_callee(node: Any, kind: str) -> str | None:
    """What a Go handler's callee= test reads: the callee of a call, or of the call that is an
    assignment's first right-hand value (None when that value is not a call)."""
    if kind == "call_expression":
        return go_lang.callee(node)  # memoised per file: the Go rules ask for it again
    right = node.child_by_field_name("right")
    first = right.named_child(0) if right is not None else None  # named_children[0], without the list
    return go_lang.callee(first) if first is not None and first.type == "call_expression" else None


def analyze_source(source: SourceFile, options: RunOptions, text: str | None = None) -> FileResult:
    """Everything the engine learns from one file: findings, facts, tallies, suppressions.
    Never raises for a bad file: every failure becomes ``skipped`` with a one-line reason."""
    result = FileResult(path=source.path, language=source.language)
    limits = options.limits
    try:
        with deadline(limits.max_parse_seconds):
            _analyze_into(result, source, options, text)
    except _Deadline:
        _fail(result, f"analysis took longer than {limits.max_parse_seconds:g} s (max-parse-seconds)")
    except NotAudited:
        _fail(result, "not-audited")
    except SkipFile as exc:
        _fail(result, str(exc))
    except (RecursionError, MemoryError):
        _fail(result, "too deeply nested or too large to analyse")
    except Exception as exc:  # noqa: BLE001 - one bad file never stops an audit
        _fail(result, f"analysis failed ({type(exc).__name__}); the rest of the tree was audited")
    return result


def _unparsed_test_file(source: SourceFile, text: str, options: RunOptions) -> cx.TreeContext | None:
    """A JS/TS/Go test file in which every tree handler declares (skip_file=) that it does
    nothing: its context without a syntax tree, so the file is not parsed at all (in Go services
    test files are a third of the files). Text-only file handlers still run on it."""
    if source.language not in (Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO):
        return None
    light = cx.TreeContext(path=source.path, language=source.language, text=text, grammar=source.grammar)
    if not light.is_test_file:
        return None
    dispatch = dispatch_for(source.language, options, None)
    tests = dispatch.skip_tests.get(source.grammar, [])
    handlers = {handler for entries in dispatch.tree.get(source.grammar, {}).values() for _, handler, _ in entries}
    if not handlers or len({handler for handler, _ in tests}) < len(handlers):
        return None  # some handler runs in every file
    try:
        skipped = _skipped_in(light, tests)
    except (AttributeError, TypeError):  # a test that reads the (absent) tree: parse as usual
        return None
    return light if handlers <= skipped else None


def _fail(result: FileResult, reason: str) -> None:
    result.skipped = reason
    result.findings, result.facts, result.examined, result.suppressions = [], {}, {}, []


def _analyze_into(result: FileResult, source: SourceFile, options: RunOptions, text: str | None) -> None:
    verbatim = False
    if text is None:
        data = read_bytes(source.abspath, options.limits.max_file_bytes)
        result.digest = hashlib.sha256(data).hexdigest()
        text = decode_source(data)
        verbatim = not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
    decoded = text
    text = render_defaults(source.abspath, source.path, text)
    ctx = _unparsed_test_file(source, text, options) or _make_context(source, text, options.limits)
    ctx.verbatim = verbatim and text is decoded
    if options.node_server_dirs and isinstance(ctx, cx.TreeContext) and ctx.language != Language.GO:
        ctx.node_server_package = _in_package(source.path, options.node_server_dirs)
    dispatch = dispatch_for(source.language, options, ctx.text if isinstance(ctx, cx.PyContext) else None)
    hits: list[tuple[RuleMeta, Hit]] = []

    def emit(owner: HandlerSet, produced: Iterable[Hit] | None) -> None:
        for hit in iter_hits(produced):
            if isinstance(owner, RuleMeta):
                hits.append((owner, hit))

    if isinstance(ctx, cx.PyContext):
        _run_python(ctx, dispatch, hits)
    elif isinstance(ctx, cx.TreeContext) and ctx.root is not None:
        _run_tree(ctx, dispatch, hits)
    for owner, handler in dispatch.file.get(ctx.language, ()):
        emit(owner, handler(ctx))
    if hits and options.browser_dirs and ctx.language in BROWSER_LANGUAGES and _in_package(source.path, options.browser_dirs):
        hits = [(rule, hit) for rule, hit in hits if rule.category == Category.SECRETS]
    # The lines are split only when there is something to quote or a suppression to read.
    result.findings = make_findings(hits, ctx.path, ctx.lines, options) if hits else []
    result.facts = _redact_facts(ctx.facts)
    result.examined = dict(ctx.examined)
    # a README documents suppressions (its examples suppress nothing); a file that never names
    # prodready has none to read
    result.suppressions = (
        find_suppressions(ctx.path, ctx.lines) if ctx.language != Language.MANIFEST and "prodready" in ctx.text else []
    )
    if isinstance(ctx, cx.PyContext):
        pyast.release_tree(ctx.all_nodes)


def _redact_facts(facts: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Facts leave the worker (cache, JSON): mask secret env defaults and compose values now."""
    from prodready.project import redacted_default

    for record in facts.get("env_var", []):
        default = record.get("default")
        if isinstance(default, str):
            record["default"] = redacted_default(str(record.get("name", "")), default)
    for record in facts.get("compose_service", []):
        for key, value in list(record.items()):
            if isinstance(value, str) and key not in ("file", "name"):
                record[key] = redact(value)
    return facts


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Files are analysed with the cyclic collector off: trees are released explicitly (see
    release_tree), so the collector would only re-scan live data; it runs once afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(1)


def make_findings(
    hits: list[tuple[RuleMeta, Hit]], default_path: str | None, lines: list[str] | None,
    options: RunOptions, line_source: Callable[[str], list[str]] | None = None,
) -> list[Finding]:
    findings: list[Finding] = []
    occurrences: Counter[tuple[str, str | None, str, str]] = Counter()
    overrides = dict(options.severity_overrides)
    seen: set[tuple[str, str | None, int | None, str]] = set()
    for rule, hit in hits:
        path = hit.path if hit.path is not None else default_path
        if hit.line is None and hit.path is None and default_path is None:
            path = None
        key = (rule.key, path, hit.line, hit.message)
        if key in seen:
            continue
        seen.add(key)
        file_lines = lines
        if line_source is not None and path is not None and hit.line is not None:
            file_lines = line_source(path)
        end_line = hit.end_line if hit.end_line is not None else hit.line
        redacted: str | None = None
        if hit.evidence is not None:
            raw = hit.evidence
        elif hit.line is not None and file_lines:
            last = min(end_line or hit.line, hit.line + MAX_EVIDENCE_LINES - 1)
            raw = "\n".join(file_lines[hit.line - 1 : last]).rstrip()
            redacted = _redact_in_context(file_lines, hit.line, last)
        else:
            raw = ""
        occ_key = (rule.key, path, hit.anchor, " ".join(raw.split()))
        occurrence = occurrences[occ_key]
        occurrences[occ_key] += 1
        # Project-wide findings have no code: their identity is rule + path + anchor, so a message
        # that carries counts ("12 source files and no tests") does not change it.
        code = raw
        # An old id (the matcher's key) overrides the severity of that matcher's findings alone.
        severity = Severity(overrides.get(rule.key, overrides.get(rule.id, rule.severity.value)))
        finding_print = fingerprint(rule.key, path, code, hit.anchor, occurrence)
        findings.append(
            Finding(
                # Seeded by the matcher's key (its old id): fingerprints did not change when ids merged.
                fingerprint=finding_print,
                rule=rule.id,
                category=rule.category,
                severity=severity,
                confidence=rule.confidence,
                path=path,
                line=hit.line,
                end_line=end_line if hit.line is not None else None,
                message=clip(redact_message(hit.message), MAX_MESSAGE_CHARS),
                evidence=clip_lines(_dedent(redacted) if redacted is not None else redact(_dedent(raw)), MAX_EVIDENCE_LINE_CHARS),
                fix=rule.fix,
                references=rule.references,
                title=rule.title,
                matcher=rule.key if rule.key != rule.id else "",
            )
        )
        if hit.related and hit.line is not None and path is not None or hit.elsewhere:
            findings[-1] = _with_related(findings[-1], hit, file_lines, line_source)
    return findings


def _with_related(
    finding: Finding, hit: Hit, file_lines: list[str] | None, line_source: Callable[[str], list[str]] | None,
) -> Finding:
    """The finding with its related places (`Hit.related`, `Hit.elsewhere`) as further locations, after its own."""
    from dataclasses import replace

    places = [finding.all_locations[0]]
    wanted = [(finding.path, line, what) for line, what in hit.related] + list(hit.elsewhere)
    for path, line, what in wanted:
        if path == finding.path and (line is None or hit.line is not None and abs(line - hit.line) <= RELATED_NEAR):
            continue  # a place a few lines away is the same place to a reader
        if line is None:  # a whole file (a project-wide finding's other place)
            places.append(Location(path, None, None, clip(redact_message(what), MAX_MESSAGE_CHARS), "", finding.fingerprint))
            continue
        lines = file_lines if path == finding.path else (line_source(path) if line_source and path else None)
        raw = lines[line - 1].strip() if lines and 0 < line <= len(lines) else ""
        # (the finding's own fingerprint: a related place is part of the same instance, so a baseline
        # that accepted the finding accepts it too)
        places.append(Location(
            path, line, line, clip(redact_message(what), MAX_MESSAGE_CHARS), redact(raw), finding.fingerprint,
        ))
    return replace(finding, locations=tuple(places)) if len(places) > 1 else finding


CONTEXT_LINES = 3


def _redact_in_context(lines: list[str], first: int, last: int) -> str | None:
    """Redact the evidence lines together with the lines just above them, so a value whose
    secret name is on an earlier line (`- name: DB_PASSWORD` / `value: ...`) is still masked."""
    start = max(first - 1 - CONTEXT_LINES, 0)
    window = lines[start:last]
    masked = redact("\n".join(window)).split("\n")
    if len(masked) != len(window):
        return None  # a multi-line secret was collapsed: fall back to the snippet alone
    return "\n".join(masked[first - 1 - start :]).rstrip()


def _dedent(text: str) -> str:
    lines = text.splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines)


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, saying how much was cut (applied after redaction)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters]"


def clip_lines(text: str, limit: int) -> str:
    return "\n".join(clip(line, limit) for line in text.split("\n"))


def find_suppressions(path: str, lines: list[str]) -> list[Suppression]:
    """Suppression comments, in one pass over the lines plus one backwards pass (linear)."""
    matches: dict[int, re.Match[str]] = {}
    for number, line in enumerate(lines, start=1):
        if "prodready" not in line:
            continue
        match = SUPPRESSION.search(line)
        if match:
            matches[number] = match
    if not matches:
        return []
    # next_code[n]: the first line after n that is neither blank nor a suppression comment.
    next_code: dict[int, int] = {}
    following = len(lines) + 1
    for number in range(len(lines), 0, -1):
        if number in matches:
            next_code[number] = following
        if lines[number - 1].strip() and number not in matches:
            following = number
    # Reasons are shown for unused suppressions: redact them in one pass (not one per comment).
    raw_reasons = [clip(m.group("reason").strip(" -:—"), MAX_REASON_CHARS) for m in matches.values()]
    reasons = redact("\n".join(raw_reasons)).split("\n")
    if len(reasons) != len(raw_reasons):
        reasons = [redact(r) for r in raw_reasons]
    found: list[Suppression] = []
    for (number, match), reason in zip(matches.items(), reasons, strict=True):
        line = lines[number - 1]
        rules = match.group("rules")
        rule_set = frozenset(r.strip().upper() for r in rules.split(",") if r.strip()) if rules else None
        before = line[: match.start()].strip()
        # A comment alone on its line covers the next code line; a trailing one covers its own.
        covers = frozenset({number}) if before else frozenset({number, next_code[number]})
        found.append(Suppression(path=path, line=number, rules=rule_set, reason=reason, applies_to=covers))
    return found


# ---------------------------------------------------------------------------------------------
# Whole run


def _analyze_batch(args: tuple[list[SourceFile], RunOptions]) -> list[FileResult]:
    sources, options = args
    with cyclic_gc_paused():
        return [analyze_source(source, options) for source in sources]


class ResultCache:
    """Per-file results keyed by content hash + tool version + rules + options (JSON, never pickle).

    The file is authenticated with an HMAC keyed by a per-user secret outside the audited tree:
    a planted or edited cache.json is ignored, never trusted. Corrupt entries are recomputed."""

    MAX_BYTES = 256 * 1024 * 1024

    def __init__(self, directory: Path | None, options: RunOptions, target: str = "") -> None:
        self.path = directory / "cache.json" if directory else None
        rules_digest = hashlib.sha256(
            ",".join(f"{r.key}:{r.severity.value}" for r in rule_index()).encode()
        ).hexdigest()[:12]
        self.salt = f"{__version__}:{rules_digest}:{options.digest()}:{target}"
        self.entries: dict[str, dict[str, Any]] = {}
        self.dirty = False
        self.key = None
        if self.path is not None:
            from prodready.engine import store

            self.key = store.user_key()
        if self.key is None:
            self.path = None  # no way to authenticate: no cache at all
        if self.path is not None and self.key is not None:
            self.entries = self._load(self.path, self.key)

    def _load(self, path: Path, key: bytes) -> dict[str, dict[str, Any]]:
        from prodready.engine import store

        try:
            raw = read_regular(str(path), self.MAX_BYTES)
        except Refused:
            return {}
        mac, _, payload = raw.partition(b"\n")
        if not store.verify(key, payload, mac.decode("ascii", "replace")):
            return {}
        try:
            data = json.loads(payload)
        except (ValueError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("salt") != self.salt or not isinstance(data.get("files"), dict):
            return {}
        return {k: v for k, v in data["files"].items() if isinstance(v, dict)}

    @staticmethod
    def key_of(abspath: str, limit: int = Limits.max_file_bytes) -> str | None:
        try:
            return hashlib.sha256(read_regular(abspath, limit)).hexdigest()
        except Refused:
            return None

    def get(self, source: SourceFile, digest: str | None) -> FileResult | None:
        entry = self.entries.get(source.path)
        if digest is None or not entry or entry.get("hash") != digest:
            return None
        try:
            result = FileResult.from_json(entry["result"])
        except (KeyError, ValueError, TypeError, AttributeError):
            return None
        if result.path != source.path:
            return None
        result.digest = digest
        return result

    def put(self, source: SourceFile, digest: str | None, result: FileResult) -> None:
        if digest is None or self.path is None:
            return
        self.entries[source.path] = {"hash": digest, "result": result.to_json()}
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        if self.path is None or self.key is None:
            return
        from prodready.engine import store

        stale = set(self.entries) - keep
        for path in stale:
            del self.entries[path]
        if not (self.dirty or stale):
            return
        payload = json.dumps({"salt": self.salt, "files": self.entries}).encode()
        try:
            store.atomic_write(self.path, store.sign(self.key, payload).encode() + b"\n" + payload)
        except OSError:
            pass  # the audit is complete without a cache


def run_files(
    sources: list[SourceFile],
    options: RunOptions,
    cache: ResultCache,
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> list[FileResult]:
    results: dict[str, FileResult] = {}
    todo: list[tuple[SourceFile, str | None]] = []
    for source in sources:
        digest = cache.key_of(source.abspath, options.limits.max_file_bytes) if cache.path else None
        cached = cache.get(source, digest)
        if cached is not None:
            results[source.path] = cached
            if progress:
                progress(1)
        else:
            todo.append((source, digest))
    pending = [s for s, _ in todo]
    if jobs > 1 and len(pending) >= 40:
        for language in sorted({s.language for s in pending}):
            dispatch_for(language, options)  # inherited by forked workers
        _run_parallel(pending, options, jobs, results, progress)
    else:
        with cyclic_gc_paused():
            for source in pending:
                results[source.path] = analyze_source(source, options)
                if progress:
                    progress(1)
    for source in pending:
        result = results[source.path]
        # Keyed by the hash of the bytes the worker actually parsed (read once), so a file that
        # changes during the audit can never store a result under the wrong content.
        if result.digest is not None and not (result.skipped or "").startswith("analysis took"):
            cache.put(source, result.digest, result)
    cache.save({s.path for s in sources})
    return [results[s.path] for s in sources]


def _worker_init() -> None:
    """In each worker: die with the parent (Linux), default SIGTERM, leave SIGINT to the parent;
    the cyclic collector on (the CLI turns it off for its own start-up), run after each batch."""
    gc.enable()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Terminated(BaseException):
    pass


@contextmanager
def _terminate_on_sigterm() -> Iterator[None]:
    """SIGTERM while workers run: raise in the parent so the pool's workers are killed too."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: object) -> None:
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        try:
            # prodready: ignore[PR-PM-003] our own analysis workers hold no state: on SIGTERM or Ctrl-C they stop at once
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)


def _run_parallel(
    pending: list[SourceFile], options: RunOptions, jobs: int, results: dict[str, FileResult],
    progress: Callable[[int], None] | None,
) -> None:
    """Batches over a fork pool. A worker that dies (a crash in a parser on hostile input) costs
    only the file that killed it: unfinished files are retried one per task, then alone."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    # Largest files first, in small batches: the workers finish together instead of one waiting
    # on the other's last big batch (results are keyed by path, so the order changes nothing).
    remaining = sorted(pending, key=lambda source: -source.size)
    size = max(4, min(64, len(pending) // (jobs * 16) or 1))
    workers = jobs
    while remaining:
        batches = [remaining[i : i + size] for i in range(0, len(remaining), size)]
        failed: list[SourceFile] = []
        # The workers inherit the parent's objects (modules, rule tables: ~100k made while the
        # collector was off, none of them garbage): frozen, a worker's first collection does not
        # walk them all, writing to (and so copying) every page they sit on: 20 ms per worker.
        # (gc.freeze before fork, as its documentation says; forked at the first submit.)
        gc.freeze()
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init)
        try:
            with _terminate_on_sigterm():
                try:
                    futures = {pool.submit(_analyze_batch, (batch, options)): batch for batch in batches}
                finally:
                    gc.unfreeze()  # the workers are forked: the parent collects as before
                for future in as_completed(futures):
                    try:
                        batch_result = future.result()
                    except BrokenProcessPool:
                        failed.extend(futures[future])
                        continue
                    for result in batch_result:
                        results[result.path] = result
                        if progress:
                            progress(1)
        except BaseException:
            _kill_workers(pool)
            raise
        pool.shutdown(wait=True)
        if not failed:
            return
        if size == 1 and workers == 1 and len(failed) == len(remaining):
            # Alone in its own worker and still killing it: that file is the culprit.
            culprit, remaining = failed[0], failed[1:]
            results[culprit.path] = FileResult(
                path=culprit.path, language=culprit.language, skipped="the analysis process crashed on this file"
            )
            if progress:
                progress(1)
            continue
        if size == 1 and len(failed) == len(remaining):
            workers = 1
        remaining, size = failed, 1


def run_project_rules(
    registry: Registry, model: Any, options: RunOptions, root: Path
) -> tuple[list[Finding], dict[str, int]]:
    ctx = cx.ProjectContext(model=model)
    hits: list[tuple[RuleMeta, Hit]] = []
    for rule in registry.rules:
        if not options.enabled(rule.key):
            continue
        for handler in rule.handlers.project:
            produced: list[Hit] = []
            try:
                with deadline(options.limits.max_parse_seconds):
                    produced = list(iter_hits(handler(ctx)))
            # prodready: ignore[PR-EH-001] a failing project rule is skipped so the audit completes; the other rules still report
            except (Exception, _Deadline):  # noqa: BLE001 - a project rule never stops the audit
                continue
            hits.extend((rule, hit) for hit in produced)
    line_cache: dict[str, list[str]] = {}

    def lines_of(path: str) -> list[str]:
        if path not in line_cache:
            try:
                data = read_regular(str(root / path), options.limits.max_file_bytes)
                line_cache[path] = data.decode("utf-8", "replace").splitlines()
            except Refused:
                line_cache[path] = []
        return line_cache[path]

    findings = make_findings(hits, None, None, options, line_source=lines_of)
    return findings, dict(ctx.examined)


def collectors_of(registry: Registry) -> tuple[FactCollector, ...]:
    return registry.collectors
