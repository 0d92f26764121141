"""Benchmark: prodready next to its peers on the same real corpora (Python, JS/TS, Go), in one run.

    make bench            # or: .venv/bin/python bench/run.py [--langs python,js,go] [--skip-peers] [--rounds 3]

Corpora are built once under ~/.cache/prodready-bench (or $PRODREADY_BENCH_CORPUS), from the
package registries this machine reaches: Python source distributions from PyPI, JS/TS packages from
the npm registry (installed with --ignore-scripts, never run), Go sources from Debian's golang-*-dev
packages (downloaded and unpacked, never installed).

For each corpus it times, in interleaved rounds (medians reported): prodready cold (no cache), warm
(unchanged tree) and after editing 1 % of the files; a bare tree-sitter parse of the same files in 1
and 2 processes; stdlib ast.parse (Python); Ruff, Bandit and Semgrep (Python) and Semgrep (JS).
Each row gives wall time, CPU time (user+sys of the whole process tree) and peak memory (largest
single process, and the whole tree sampled every 50 ms). Start-up (`--version`, an empty directory,
a one-file service) is measured too. Peers that cannot be installed are reported missing, not faked.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("PRODREADY_BENCH_CORPUS", Path.home() / ".cache" / "prodready-bench"))
PY = sys.executable
BIN = Path(PY).parent
PY_PACKAGES = [
    "django==5.1.3", "sqlalchemy==2.0.36", "celery==5.4.0", "fastapi==0.115.5", "flask==3.1.0",
    "requests==2.32.3", "starlette==0.41.3", "httpx==0.28.0", "aiohttp==3.11.7", "gunicorn==23.0.0",
    "redis==5.2.0", "pydantic==2.10.1", "werkzeug==3.1.3", "kombu==5.4.2",
]
NPM_PACKAGES = [
    "express@4.21.1", "fastify@5.1.0", "koa@2.15.3", "mongoose@8.8.2", "sequelize@6.37.5", "axios@1.7.7",
    "@nestjs/core@10.4.8", "@nestjs/common@10.4.8", "typeorm@0.3.20", "knex@3.1.0", "socket.io@4.8.1",
    "ioredis@5.4.1", "bullmq@5.30.0",
]
GO_DEBS = [
    "golang-github-gin-gonic-gin-dev", "golang-github-gorilla-mux-dev", "golang-github-go-sql-driver-mysql-dev",
    "golang-github-prometheus-client-golang-dev", "golang-github-spf13-cobra-dev", "golang-github-labstack-echo-dev",
    "golang-github-go-chi-chi-dev", "golang-github-lib-pq-dev", "golang-github-gomodule-redigo-dev",
]
SUFFIXES = {"python": (".py",), "js": (".js", ".mjs", ".cjs", ".ts", ".tsx"), "go": (".go",)}
GRAMMAR_MODULES = {"python": "tree_sitter_python", "js": "tree_sitter_javascript", "go": "tree_sitter_go"}


# -- corpora -------------------------------------------------------------------------------------

def python_corpus() -> Path | None:
    root = CACHE / "python"
    root.mkdir(parents=True, exist_ok=True)
    downloads = CACHE / "_sdists"
    downloads.mkdir(exist_ok=True)
    for spec in PY_PACKAGES:
        target = root / spec.split("==")[0].lower()
        if target.exists():
            continue
        print(f"downloading {spec} ...", flush=True)
        before = set(downloads.iterdir())
        # The package's own source archive; its build tools may come as wheels (building Cython from
        # source just to read metadata takes minutes).
        name = spec.split("==")[0]
        done = subprocess.run([PY, "-m", "pip", "download", "--no-deps", "--no-binary", name, "-q", "-d",
                               str(downloads), spec], capture_output=True, text=True)
        new = set(downloads.iterdir()) - before
        if done.returncode != 0 or not new:
            print(f"  could not download {spec}")
            continue
        archive = new.pop()
        tmp = Path(tempfile.mkdtemp(dir=root))
        if archive.name.endswith((".tar.gz", ".tgz")):
            with tarfile.open(archive) as tar:
                tar.extractall(tmp, filter="data")
        elif archive.suffix == ".zip":
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(tmp)
        next(tmp.iterdir()).rename(target)
        shutil.rmtree(tmp, ignore_errors=True)
    return root if any(root.iterdir()) else None


def js_corpus() -> Path | None:
    root = CACHE / "js"
    if (root / ".done").exists():
        return root
    if shutil.which("npm") is None:
        print("  npm not found: no JS/TS corpus")
        return None
    work = Path(tempfile.mkdtemp())
    print("installing npm packages for the JS/TS corpus (scripts disabled) ...", flush=True)
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", str(work),
                           *NPM_PACKAGES], capture_output=True, text=True)
    if done.returncode != 0:
        print("  npm install failed: " + done.stderr.strip()[-200:])
        return None
    shutil.rmtree(root, ignore_errors=True)
    # node_modules is skipped by every tool's discovery: the packages become ordinary folders.
    shutil.copytree(work / "node_modules", root / "packages", symlinks=False, ignore_dangling_symlinks=True)
    for declaration in root.rglob("*.d.ts"):
        declaration.unlink()
    shutil.rmtree(work, ignore_errors=True)
    (root / ".done").write_text("ok")
    return root


def go_corpus() -> Path | None:
    root = CACHE / "go"
    if (root / ".done").exists():
        return root
    if shutil.which("apt-get") is None:
        return None
    work = Path(tempfile.mkdtemp())
    print("downloading Debian golang-*-dev source packages for the Go corpus ...", flush=True)
    got = []
    for deb in GO_DEBS:
        if subprocess.run(["apt-get", "download", "-q", deb], cwd=work, capture_output=True).returncode == 0:
            got.append(deb)
    if not got:
        print("  no Go source packages could be downloaded (run apt-get update?)")
        return None
    for archive in work.glob("*.deb"):
        subprocess.run(["dpkg-deb", "-x", str(archive), str(work / "x")], check=True)
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(work / "x" / "usr" / "share" / "gocode" / "src", root / "src", symlinks=True)
    shutil.rmtree(work, ignore_errors=True)
    (root / ".done").write_text("ok")
    return root


def source_files(root: Path, language: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.suffix in SUFFIXES[language] and p.is_file() and not p.is_symlink()]


# -- measuring -----------------------------------------------------------------------------------

def _tree_rss(pid: int) -> int:
    try:
        import psutil
    except ImportError:
        return 0
    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run_once(cmd: list[str], cwd: Path | None = None) -> dict[str, Any]:
    """Wall, CPU (user+sys of the command and every descendant it waited for), peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
    peak_tree = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not stop.wait(0.05):
            peak_tree = max(peak_tree, _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    # Exit 1 means "findings" for the linters, but a tool that died on a Python traceback (a broken
    # install: semgrep exits 1 on an ImportError) timed nothing: report it failed, not fast.
    ok = code in (0, 1) and "Traceback (most recent call last)" not in stderr
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_proc_mib": usage.ru_maxrss / 1024,
            "peak_tree_mib": peak_tree / 2**20, "ok": ok,
            "error": "" if ok else (stderr.strip().splitlines() or ["failed"])[-1]}


class Table:
    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: dict[str, list[dict[str, Any]]] = {}

    def add(self, label: str, result: dict[str, Any]) -> None:
        self.rows.setdefault(label, []).append(result)

    def median(self, label: str, key: str) -> float:
        return statistics.median(r[key] for r in self.rows[label])

    def print(self, base: str | None) -> list[dict[str, Any]]:
        print(f"\n{self.title}")
        print(f"  {'':44} {'wall s':>8} {'cpu s':>8} {'proc MiB':>9} {'tree MiB':>9} {'x base':>7}")
        out = []
        for label, results in self.rows.items():
            if not all(r["ok"] for r in results):
                print(f"  {label:44} FAILED: {results[-1]['error']}")
                continue
            wall, cpu = self.median(label, "wall_s"), self.median(label, "cpu_s")
            proc, tree = max(r["peak_proc_mib"] for r in results), max(r["peak_tree_mib"] for r in results)
            ratio = f"{wall / self.median(base, 'wall_s'):6.2f}x" if base in self.rows else ""
            print(f"  {label:44} {wall:8.2f} {cpu:8.2f} {proc:9.1f} {tree:9.1f} {ratio:>7}")
            out.append({"tool": label, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "peak_proc_mib": round(proc, 1),
                        "peak_tree_mib": round(tree, 1), "rounds": len(results)})
        return out


PARSE_SCRIPT = """
import sys
from concurrent.futures import ProcessPoolExecutor
kind, listing, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = open(listing).read().splitlines()
def chunk(paths):
    if kind == "ast":
        import ast, warnings
        warnings.simplefilter("ignore")
        for p in paths:
            try:
                ast.parse(open(p, "rb").read())
            except (SyntaxError, ValueError):
                pass
        return len(paths)
    import importlib, tree_sitter
    module = importlib.import_module(kind)
    if kind == "tree_sitter_typescript":
        lang = module.language_typescript()
    else:
        lang = module.language()
    parser = tree_sitter.Parser(tree_sitter.Language(lang))
    for p in paths:
        parser.parse(open(p, "rb").read())
    return len(paths)
if jobs == 1:
    chunk(files)
else:
    size = max(1, len(files) // (jobs * 8))
    with ProcessPoolExecutor(jobs) as pool:
        sum(pool.map(chunk, [files[i:i + size] for i in range(0, len(files), size)]))
"""


# Semgrep pins its own opentelemetry versions, which clash with what the project venv holds: it gets
# a venv of its own, next to the project's (.venv-semgrep), made on first use.
SEMGREP_VENV = HERE.parent / ".venv-semgrep"


def ensure_semgrep() -> Path | None:
    """The semgrep executable of its own venv, installed on first use; None when that fails."""
    exe = SEMGREP_VENV / "bin" / "semgrep"
    if exe.exists() and subprocess.run([str(exe), "--version"], capture_output=True).returncode == 0:
        return exe
    print("installing semgrep in its own venv for the benchmark ...", flush=True)
    if not (SEMGREP_VENV / "bin" / "python").exists():
        if subprocess.run([PY, "-m", "venv", str(SEMGREP_VENV)], capture_output=True).returncode != 0:
            return None
    subprocess.run([str(SEMGREP_VENV / "bin" / "python"), "-m", "pip", "install", "-q", "semgrep"], capture_output=True)
    ok = exe.exists() and subprocess.run([str(exe), "--version"], capture_output=True).returncode == 0
    return exe if ok else None


def ensure(module: str, package: str) -> bool:
    if subprocess.run([PY, "-c", f"import {module}"], capture_output=True).returncode == 0:
        return True
    print(f"installing {package} for the benchmark ...", flush=True)
    return subprocess.run([PY, "-m", "pip", "install", "-q", package], capture_output=True).returncode == 0


def edit_one_percent(files: list[Path]) -> list[tuple[Path, bytes]]:
    """Append a comment to every 100th file; returns what to restore."""
    saved = []
    for path in files[::100]:
        data = path.read_bytes()
        saved.append((path, data))
        comment = b"\n# bench edit\n" if path.suffix == ".py" else b"\n// bench edit\n"
        path.write_bytes(data + comment)
    return saved


def bench_language(language: str, root: Path, rounds: int, skip_peers: bool, work: Path) -> list[dict[str, Any]]:
    files = source_files(root, language)
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    table = Table(f"{language}: {root} — {len(files):,} files, {lines:,} lines (medians of {rounds} rounds)")
    listing = work / f"{language}.txt"
    listing.write_text("\n".join(str(p) for p in files))
    parse_script = work / "parse.py"
    parse_script.write_text(PARSE_SCRIPT)
    cache_dir = root / ".prodready"
    audit = [str(BIN / "prodready"), "audit", str(root), "--format", "json", "--no-history", "--no-progress",
             "--fail-on", "never", "-j", "2"]
    grammar = GRAMMAR_MODULES[language]
    have_grammar = ensure(grammar, grammar.replace("_", "-"))
    commands: list[tuple[str, list[str]]] = [("prodready cold (2 processes, no cache)", [*audit, "--no-cache"])]
    if have_grammar:
        commands += [("bare tree-sitter parse (1 process)", [PY, str(parse_script), grammar, str(listing), "1"]),
                     ("bare tree-sitter parse (2 processes)", [PY, str(parse_script), grammar, str(listing), "2"])]
    if language == "python":
        commands.append(("stdlib ast.parse (2 processes)", [PY, str(parse_script), "ast", str(listing), "2"]))
    if not skip_peers and language == "python":
        if ensure("ruff", "ruff"):
            commands.append(("ruff check (ALL rules)", [str(BIN / "ruff"), "check", "--no-cache", "--no-respect-gitignore",
                                                        "--select", "ALL", "--exit-zero", "-q", str(root)]))
        if ensure("bandit", "bandit"):
            commands.append(("bandit -r", [str(BIN / "bandit"), "-r", "-q", str(root), "-f", "json", "-o", os.devnull]))
    semgrep = ensure_semgrep() if not skip_peers and language in ("python", "js") else None
    if semgrep is not None:
        rules = HERE / ("semgrep-rules.yml" if language == "python" else "semgrep-rules-js.yml")
        commands.append((f"semgrep ({rules.name}, -j 2)", [str(semgrep), "scan", "--config", str(rules), "-j", "2",
                                                           "--metrics", "off", "--quiet", "--disable-version-check",
                                                           "--no-git-ignore", str(root)]))
    for number in range(rounds):
        print(f"  round {number + 1}/{rounds} ...", flush=True)
        for label, cmd in commands:  # interleaved: each round runs every tool once
            table.add(label, run_once(cmd))
        shutil.rmtree(cache_dir, ignore_errors=True)
        run_once(audit)  # fills the cache
        table.add("prodready warm (unchanged tree)", run_once(audit))
        saved = edit_one_percent(files)
        try:
            table.add("prodready warm after editing 1 % of files", run_once(audit))
        finally:
            for path, data in saved:
                path.write_bytes(data)
        shutil.rmtree(cache_dir, ignore_errors=True)
    base = "bare tree-sitter parse (2 processes)"
    rows = table.print(base if base in table.rows else None)
    by = {r["tool"]: r for r in rows}
    cold = by.get("prodready cold (2 processes, no cache)")
    if cold and base in by:
        target = 3.5 if language == "python" else 3.0
        print(f"  target: cold ≤ {target}x the bare 2-process parse -> {cold['wall_s'] / by[base]['wall_s']:.2f}x "
              f"(cpu {cold['cpu_s'] / by[base]['cpu_s']:.2f}x); largest process {cold['peak_proc_mib']:.0f} MiB")
    return [dict(r, language=language, files=len(files), lines=lines) for r in rows]


def bench_startup(rounds: int, work: Path) -> list[dict[str, Any]]:
    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    one = work / "one"
    one.mkdir(exist_ok=True)
    (one / "app.py").write_text("import requests\n\n\ndef ping(url):\n    return requests.get(url)\n")
    table = Table(f"start-up (medians of {rounds * 3} runs)")
    prodready = str(BIN / "prodready")
    cases = [("prodready --version", [prodready, "--version"]),
             ("python -c pass (interpreter floor)", [PY, "-c", "pass"]),
             ("audit an empty directory", [prodready, "audit", str(empty), "--no-history", "--no-cache", "--no-progress"]),
             ("audit a one-file service", [prodready, "audit", str(one), "--no-history", "--no-cache", "--no-progress",
                                           "--fail-on", "never"])]
    for _ in range(rounds * 3):
        for label, cmd in cases:
            table.add(label, run_once(cmd))
    return [dict(r, language="startup") for r in table.print(None)]


def compile_bytecode() -> None:
    """Write prodready's bytecode first: with stale or missing .pyc files (an edited checkout, or
    PYTHONDONTWRITEBYTECODE set) every timed run would recompile the modules it imports, which an
    installed prodready never does."""
    where = subprocess.run([PY, "-c", "import os, prodready; print(os.path.dirname(prodready.__file__))"],
                           capture_output=True, text=True)
    if where.returncode == 0 and where.stdout.strip():
        subprocess.run([PY, "-m", "compileall", "-q", where.stdout.strip()], capture_output=True)
        print(f"bytecode compiled for {where.stdout.strip()}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", default="python,js,go", help="comma-separated: python, js, go")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-peers", action="store_true", help="time prodready and bare parses only")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--startup-only", action="store_true", help="only the start-up measurements")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="prodready-bench-"))
    ensure("psutil", "psutil")
    compile_bytecode()
    rows = bench_startup(args.rounds, work)
    if args.startup_only:
        args.langs = ""
    builders = {"python": python_corpus, "js": js_corpus, "go": go_corpus}
    for language in [lang.strip() for lang in args.langs.split(",") if lang.strip()]:
        root = builders[language]()
        if root is None:
            print(f"\n{language}: no corpus could be built here (not timed)")
            continue
        rows += bench_language(language, root, args.rounds, args.skip_peers, work)
    shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
