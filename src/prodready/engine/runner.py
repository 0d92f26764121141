"""Parse each file once, dispatch its nodes to the rules that asked for them, then run the
project pass on the ProjectModel. Parallel over files; per-file results cached by content hash."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import tomllib
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from prodready import __version__
from prodready.engine import context as cx
from prodready.engine.discover import SourceFile, looks_like_kubernetes
from prodready.engine.templating import render_defaults
from prodready.lang import python as pyast
from prodready.lang import treesitter as ts
from prodready.lang.dockerfile import parse_dockerfile
from prodready.lang.dotenv import parse_dotenv
from prodready.lang.yamldoc import load_yaml_documents
from prodready.model import Finding, Hit, Language, Severity
from prodready.redact import redact, redact_message
from prodready.rules.base import FactCollector, HandlerSet, RuleMeta, iter_hits
from prodready.rules.registry import Registry, load_registry
from prodready.tracking.fingerprint import fingerprint

MAX_EVIDENCE_LINES = 6
SUPPRESSION = re.compile(
    r"(?:#|//|<!--)\s*prodready:\s*ignore(?:\[(?P<rules>[A-Za-z0-9_,\s-]+)\])?(?P<reason>[^\n]*)"
)


@dataclass(frozen=True)
class RunOptions:
    select: frozenset[str] | None = None  # only these rule ids (fixture tests, --select)
    ignore: frozenset[str] = frozenset()
    severity_overrides: tuple[tuple[str, str], ...] = ()

    def digest(self) -> str:
        payload = json.dumps(
            [sorted(self.select or []), sorted(self.ignore), sorted(self.severity_overrides)]
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def enabled(self, rule_id: str) -> bool:
        if rule_id in self.ignore:
            return False
        return self.select is None or rule_id in self.select


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

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "language": self.language.value,
            "findings": [f.to_json() | {"title": f.title} for f in self.findings],
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


@dataclass
class Dispatch:
    python: dict[type[ast.AST], list[tuple[HandlerSet, Callable[..., Any]]]]
    python_calls: dict[str, list[tuple[HandlerSet, Callable[..., Any]]]]  # callee last name -> handlers
    tree: dict[str, dict[str, list[tuple[HandlerSet, Callable[..., Any]]]]]  # grammar -> kind
    queries: dict[str, Any]  # grammar -> tree_sitter.Query (one combined query)
    file: dict[Language, list[tuple[HandlerSet, Callable[..., Any]]]]


_GRAMMAR_LANG = {
    "javascript": Language.JAVASCRIPT,
    "typescript": Language.TYPESCRIPT,
    "tsx": Language.TYPESCRIPT,
    "go": Language.GO,
}

_DISPATCH_CACHE: dict[str, Dispatch] = {}


def build_dispatch(registry: Registry, options: RunOptions) -> Dispatch:
    import tree_sitter

    key = options.digest()
    if key in _DISPATCH_CACHE:
        return _DISPATCH_CACHE[key]
    owners: list[HandlerSet] = [r for r in registry.rules if options.enabled(r.id)]
    owners.extend(registry.collectors)
    python: dict[type[ast.AST], list[tuple[HandlerSet, Callable[..., Any]]]] = defaultdict(list)
    handler: Callable[..., Any]
    tree: dict[str, dict[str, list[tuple[HandlerSet, Callable[..., Any]]]]] = {
        g: defaultdict(list) for g in _GRAMMAR_LANG
    }
    file: dict[Language, list[tuple[HandlerSet, Callable[..., Any]]]] = defaultdict(list)
    python_calls: dict[str, list[tuple[HandlerSet, Callable[..., Any]]]] = defaultdict(list)
    for owner in owners:
        for node_type, handler in owner.handlers.python:
            python[node_type].append((owner, handler))
        for names, handler in owner.handlers.python_calls:
            for name in names:
                python_calls[name].append((owner, handler))
        for lang, kind, handler in owner.handlers.tree:
            for grammar_name, grammar_lang in _GRAMMAR_LANG.items():
                if grammar_lang == lang and ts.has_kind(grammar_name, kind):
                    tree[grammar_name][kind].append((owner, handler))
        for lang, file_handler in owner.handlers.file:
            file[lang].append((owner, file_handler))
    queries: dict[str, Any] = {}
    for grammar_name, kinds in tree.items():
        if kinds:
            source = " ".join(f"({kind}) @{kind.replace('.', '_')}" for kind in sorted(kinds))
            queries[grammar_name] = tree_sitter.Query(ts.grammar(grammar_name), source)
    dispatch = Dispatch(python=dict(python), python_calls=dict(python_calls), tree=tree, queries=queries, file=dict(file))
    _DISPATCH_CACHE[key] = dispatch
    return dispatch


# ---------------------------------------------------------------------------------------------
# The per-file pass


class SkipFile(Exception):
    """The file cannot be analysed; the message says why (counted and reported, never fatal)."""


class NotAudited(SkipFile):
    """The file is not one prodready reads after all (a YAML file that is not Kubernetes)."""


def read_text(abspath: str) -> str:
    try:
        with open(abspath, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise SkipFile(f"unreadable: {exc.strerror or exc}") from exc
    if b"\x00" in data[:8192]:
        raise SkipFile("binary file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SkipFile(f"invalid UTF-8 at byte {exc.start}") from exc


def _make_context(source: SourceFile, text: str) -> cx.FileContext:
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

        imports = go_imports(root) if lang == Language.GO else js_imports(root)
        return cx.TreeContext(
            path=source.path, language=lang, text=text, grammar=source.grammar, root=root,
            imports=imports,
        )
    if lang == Language.DOCKERFILE:
        return cx.DockerfileContext(
            path=source.path, language=lang, text=text, dockerfile=parse_dockerfile(text)
        )
    if lang in (Language.COMPOSE, Language.KUBERNETES):
        if lang == Language.KUBERNETES and not looks_like_kubernetes(text):
            raise NotAudited("not a Kubernetes manifest")
        try:
            documents = load_yaml_documents(text)
        except yaml.YAMLError as exc:
            raise SkipFile(f"invalid YAML: {str(exc).splitlines()[0]}") from exc
        return cx.YamlContext(path=source.path, language=lang, text=text, documents=documents)
    if lang == Language.DOTENV:
        return cx.DotenvContext(path=source.path, language=lang, text=text, entries=parse_dotenv(text))
    if lang == Language.MANIFEST:
        return cx.ManifestContext(
            path=source.path, language=lang, text=text, kind=source.grammar,
            data=_parse_manifest(source.grammar, text),
        )
    raise SkipFile(f"no reader for {lang.value}")


def _parse_manifest(kind: str, text: str) -> Any:
    try:
        if kind == "pyproject":
            return tomllib.loads(text)
        if kind == "package.json":
            return json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise SkipFile(f"invalid {kind}: {exc}") from exc
    return None


def _looks_minified(text: str) -> bool:
    lines = text.splitlines() or [""]
    return len(text) > 5000 and len(text) / len(lines) > 300


def _error_ratio(root: Any) -> float:
    total = max(root.end_byte - root.start_byte, 1)
    bad = sum(n.end_byte - n.start_byte for n in ts.descendants(root, "ERROR"))
    return bad / total


def _run_python(ctx: cx.PyContext, dispatch: Dispatch, hits: list[tuple[RuleMeta, Hit]]) -> None:
    """The hot loop: every node of the file, handed to the handlers registered for its type."""
    table = dispatch.python
    by_callee = dispatch.python_calls
    if not table and not by_callee:
        return
    get = table.get
    call_type = ast.Call
    for node in ctx.all_nodes:
        handlers = get(type(node))
        if by_callee and type(node) is call_type:
            name = ctx.call_name(node)  # type: ignore[arg-type]
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


def _run_tree(ctx: cx.TreeContext, dispatch: Dispatch, emit: Callable[[HandlerSet, Iterable[Hit] | None], None]) -> None:
    import tree_sitter

    query = dispatch.queries.get(ctx.grammar)
    if query is None:
        return
    table = dispatch.tree[ctx.grammar]
    captures = tree_sitter.QueryCursor(query).captures(ctx.root)
    ordered = sorted(
        (node for nodes in captures.values() for node in nodes), key=lambda node: node.start_byte
    )
    for node in ordered:
        for owner, handler in table.get(node.type, ()):
            emit(owner, handler(node, ctx))


def analyze_source(source: SourceFile, options: RunOptions, text: str | None = None) -> FileResult:
    """Everything the engine learns from one file: findings, facts, tallies, suppressions."""
    result = FileResult(path=source.path, language=source.language)
    try:
        if text is None:
            text = read_text(source.abspath)
        text = render_defaults(source.abspath, source.path, text)
        ctx = _make_context(source, text)
    except NotAudited:
        result.skipped = "not-audited"
        return result
    except SkipFile as exc:
        result.skipped = str(exc)
        return result
    registry = load_registry()
    dispatch = build_dispatch(registry, options)
    hits: list[tuple[RuleMeta, Hit]] = []

    def emit(owner: HandlerSet, produced: Iterable[Hit] | None) -> None:
        for hit in iter_hits(produced):
            if isinstance(owner, RuleMeta):
                hits.append((owner, hit))

    try:
        if isinstance(ctx, cx.PyContext):
            _run_python(ctx, dispatch, hits)
        elif isinstance(ctx, cx.TreeContext):
            _run_tree(ctx, dispatch, emit)
        for owner, handler in dispatch.file.get(ctx.language, ()):
            emit(owner, handler(ctx))
    except RecursionError:
        result.skipped = "too deeply nested to analyse"
        return result
    result.findings = make_findings(hits, ctx.path, ctx.lines, options)
    result.facts = ctx.facts
    result.examined = dict(ctx.examined)
    result.suppressions = find_suppressions(ctx.path, ctx.lines)
    return result


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
        key = (rule.id, path, hit.line, hit.message)
        if key in seen:
            continue
        seen.add(key)
        file_lines = lines
        if line_source is not None and path is not None and hit.line is not None:
            file_lines = line_source(path)
        end_line = hit.end_line if hit.end_line is not None else hit.line
        if hit.evidence is not None:
            raw = hit.evidence
        elif hit.line is not None and file_lines:
            last = min(end_line or hit.line, hit.line + MAX_EVIDENCE_LINES - 1)
            raw = "\n".join(file_lines[hit.line - 1 : last]).rstrip()
        else:
            raw = ""
        occ_key = (rule.id, path, hit.anchor, " ".join(raw.split()))
        occurrence = occurrences[occ_key]
        occurrences[occ_key] += 1
        # Project-wide findings have no code: their identity is rule + path + anchor, so a message
        # that carries counts ("12 source files and no tests") does not change it.
        code = raw
        severity = Severity(overrides.get(rule.id, rule.severity.value))
        findings.append(
            Finding(
                fingerprint=fingerprint(rule.id, path, code, hit.anchor, occurrence),
                rule=rule.id,
                category=rule.category,
                severity=severity,
                confidence=rule.confidence,
                path=path,
                line=hit.line,
                end_line=end_line if hit.line is not None else None,
                message=redact_message(hit.message),
                evidence=redact(_dedent(raw)),
                fix=rule.fix,
                references=rule.references,
                title=rule.title,
            )
        )
    return findings


def _dedent(text: str) -> str:
    lines = text.splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines)


def find_suppressions(path: str, lines: list[str]) -> list[Suppression]:
    found: list[Suppression] = []
    for number, line in enumerate(lines, start=1):
        if "prodready" not in line:
            continue
        match = SUPPRESSION.search(line)
        if not match:
            continue
        rules = match.group("rules")
        rule_set = frozenset(r.strip().upper() for r in rules.split(",") if r.strip()) if rules else None
        before = line[: match.start()].strip()
        # A comment alone on its line covers the next code line; a trailing one covers its own.
        if before:
            covers = frozenset({number})
        else:
            nxt = number + 1
            while nxt <= len(lines) and (not lines[nxt - 1].strip() or SUPPRESSION.search(lines[nxt - 1])):
                nxt += 1
            covers = frozenset({number, nxt})
        found.append(
            Suppression(path=path, line=number, rules=rule_set,
                        reason=match.group("reason").strip(" -:—"), applies_to=covers)
        )
    return found


# ---------------------------------------------------------------------------------------------
# Whole run


@dataclass
class RunResult:
    files: list[FileResult]
    project_findings: list[Finding]
    project_examined: dict[str, int]
    model: Any


def _analyze_batch(args: tuple[list[SourceFile], RunOptions]) -> list[FileResult]:
    sources, options = args
    return [analyze_source(source, options) for source in sources]


class ResultCache:
    """Per-file results keyed by content hash + tool version + rules + options (JSON, never pickle:
    a cache file inside an audited tree must not be able to run code)."""

    def __init__(self, directory: Path | None, options: RunOptions) -> None:
        self.path = directory / "cache.json" if directory else None
        registry = load_registry()
        rules_digest = hashlib.sha256(
            ",".join(f"{r.id}:{r.severity.value}" for r in registry.rules).encode()
        ).hexdigest()[:12]
        self.salt = f"{__version__}:{rules_digest}:{options.digest()}"
        self.entries: dict[str, dict[str, Any]] = {}
        self.dirty = False
        if self.path and self.path.is_file():
            try:
                data = json.loads(self.path.read_text("utf-8"))
                if data.get("salt") == self.salt and isinstance(data.get("files"), dict):
                    self.entries = data["files"]
            except (OSError, ValueError):
                self.entries = {}

    @staticmethod
    def key(abspath: str) -> str | None:
        try:
            with open(abspath, "rb") as handle:
                return hashlib.sha256(handle.read()).hexdigest()
        except OSError:
            return None

    def get(self, source: SourceFile, digest: str | None) -> FileResult | None:
        entry = self.entries.get(source.path)
        if digest is None or not entry or entry.get("hash") != digest:
            return None
        try:
            return FileResult.from_json(entry["result"])
        except (KeyError, ValueError, TypeError):
            return None

    def put(self, source: SourceFile, digest: str | None, result: FileResult) -> None:
        if digest is None or self.path is None:
            return
        self.entries[source.path] = {"hash": digest, "result": result.to_json()}
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        if self.path is None:
            return
        stale = set(self.entries) - keep
        for path in stale:
            del self.entries[path]
        if not (self.dirty or stale):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.path.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", "utf-8")
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"salt": self.salt, "files": self.entries}), "utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only tree still gets audited, just without a cache


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
        digest = cache.key(source.abspath)
        cached = cache.get(source, digest)
        if cached is not None:
            results[source.path] = cached
            if progress:
                progress(1)
        else:
            todo.append((source, digest))
    digests = {s.path: d for s, d in todo}
    pending = [s for s, _ in todo]
    if jobs > 1 and len(pending) >= 40:
        size = max(4, min(64, len(pending) // (jobs * 8) or 1))
        batches = [pending[i : i + size] for i in range(0, len(pending), size)]
        import multiprocessing

        ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
        load_registry()
        build_dispatch(load_registry(), options)  # inherited by forked workers
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            for batch_result in pool.map(_analyze_batch, [(b, options) for b in batches]):
                for result in batch_result:
                    results[result.path] = result
                    if progress:
                        progress(1)
    else:
        for source in pending:
            results[source.path] = analyze_source(source, options)
            if progress:
                progress(1)
    for source in pending:
        result = results[source.path]
        if result.skipped is None or not result.skipped.startswith("unreadable"):
            cache.put(source, digests[source.path], result)
    cache.save({s.path for s in sources})
    return [results[s.path] for s in sources]


def run_project_rules(
    registry: Registry, model: Any, options: RunOptions, root: Path
) -> tuple[list[Finding], dict[str, int]]:
    ctx = cx.ProjectContext(model=model)
    hits: list[tuple[RuleMeta, Hit]] = []
    for rule in registry.rules:
        if not options.enabled(rule.id):
            continue
        for handler in rule.handlers.project:
            for hit in iter_hits(handler(ctx)):
                hits.append((rule, hit))
    line_cache: dict[str, list[str]] = {}

    def lines_of(path: str) -> list[str]:
        if path not in line_cache:
            try:
                line_cache[path] = (root / path).read_text("utf-8", "replace").splitlines()
            except OSError:
                line_cache[path] = []
        return line_cache[path]

    findings = make_findings(hits, None, None, options, line_source=lines_of)
    return findings, dict(ctx.examined)


def collectors_of(registry: Registry) -> tuple[FactCollector, ...]:
    return registry.collectors
