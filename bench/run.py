"""Benchmark: prodready next to its peers on the same real corpus.

    make bench            # or: .venv/bin/python bench/run.py [--packages django,flask,...] [--skip-peers]

Builds a corpus from PyPI source distributions (downloads once into ~/.cache/prodready-bench/corpus,
or $PRODREADY_BENCH_CORPUS), then times:
prodready cold (no cache) and warm (cache, unchanged tree); a bare tree-sitter parse of the same
Python files in 1 and 2 processes; stdlib ast.parse in 2 processes; Ruff; Bandit; Semgrep with ten
rules of the same kind (bench/semgrep-rules.yml). Prints wall time, peak RSS and ratios.
Peers that cannot be installed are reported as missing, not faked.
First, a startup section: `prodready --version` and an audit of an empty directory, now and at the
commit before the import diet ($PRODREADY_BENCH_BEFORE), medians of 7 runs (`--startup-only`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Outside any git work tree: Semgrep and Ruff skip git-ignored files, which would empty the corpus.
CORPUS = Path(os.environ.get("PRODREADY_BENCH_CORPUS", Path.home() / ".cache" / "prodready-bench" / "corpus"))
DEFAULT_PACKAGES = [
    "django==5.1.3", "sqlalchemy==2.0.36", "mlflow==2.17.2", "celery==5.4.0", "fastapi==0.115.5",
    "flask==3.1.0", "requests==2.32.3", "starlette==0.41.3", "httpx==0.28.0", "aiohttp==3.11.7",
    "gunicorn==23.0.0", "redis==5.2.0", "pydantic==2.10.1", "werkzeug==3.1.3", "kombu==5.4.2",
]
PY = sys.executable
BIN = Path(PY).parent


def build_corpus(packages: list[str]) -> Path:
    CORPUS.mkdir(parents=True, exist_ok=True)
    downloads = CORPUS / "_sdists"
    downloads.mkdir(exist_ok=True)
    for spec in packages:
        name = spec.split("==")[0].lower()
        target = CORPUS / name
        if target.exists():
            continue
        print(f"downloading {spec} ...", flush=True)
        result = subprocess.run(
            [PY, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q", "-d", str(downloads), spec],
            capture_output=True, text=True,
        )
        if result.returncode != 0:
            print(f"  could not download {spec}: {result.stderr.strip().splitlines()[-1:]}")
            continue
        archive = max(downloads.iterdir(), key=lambda p: p.stat().st_mtime)
        tmp = Path(tempfile.mkdtemp(dir=CORPUS))
        if archive.name.endswith((".tar.gz", ".tgz")):
            with tarfile.open(archive) as tar:
                tar.extractall(tmp, filter="data")
        elif archive.suffix == ".zip":
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(tmp)
        inner = next(tmp.iterdir())
        inner.rename(target)
        shutil.rmtree(tmp, ignore_errors=True)
    return CORPUS


def python_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.py") if "_sdists" not in p.parts]


def measure(label: str, cmd: list[str], env: dict[str, str] | None = None) -> dict[str, object]:
    """Wall time and peak RSS (KiB) of the command and its children, via os.wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    peak = usage.ru_maxrss  # the child and the descendants it waited for
    ok = os.waitstatus_to_exitcode(status) in (0, 1)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    row = {"tool": label, "wall_s": round(wall, 2), "peak_mib": round(peak / 1024, 1), "ok": ok}
    if not ok:
        row["error"] = stderr.strip().splitlines()[-1:] if stderr else "failed"
    print(f"  {label:42} {wall:8.2f} s  {peak / 1024:8.1f} MiB{'' if ok else '  FAILED ' + str(row.get('error'))}", flush=True)
    return row


def ensure(module: str, package: str) -> bool:
    probe = subprocess.run([PY, "-c", f"import {module}"], capture_output=True)
    if probe.returncode == 0:
        return True
    print(f"installing {package} for the benchmark ...", flush=True)
    return subprocess.run([PY, "-m", "pip", "install", "-q", package], capture_output=True).returncode == 0


PARSE_SCRIPT = """
import sys, os
from concurrent.futures import ProcessPoolExecutor
files = open(sys.argv[2]).read().splitlines()
jobs = int(sys.argv[3])
def chunk(paths):
    if sys.argv[1] == "tree-sitter":
        import tree_sitter, tree_sitter_python
        parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_python.language()))
        for p in paths:
            parser.parse(open(p, "rb").read())
    else:
        import ast, warnings
        warnings.simplefilter("ignore")
        for p in paths:
            try:
                ast.parse(open(p, "rb").read())
            except (SyntaxError, ValueError):
                pass
    return len(paths)
if jobs == 1:
    chunk(files)
else:
    size = max(1, len(files) // (jobs * 8))
    parts = [files[i:i + size] for i in range(0, len(files), size)]
    with ProcessPoolExecutor(jobs) as pool:
        sum(pool.map(chunk, parts))
"""


# The commit before the import diet (SQLAlchemy on every audit, the whole engine for --version).
STARTUP_BEFORE = os.environ.get("PRODREADY_BENCH_BEFORE", "f4e8994")


def _median_wall(cmd: list[str], env: dict[str, str] | None, runs: int) -> float:
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        walls.append(time.perf_counter() - start)
    return sorted(walls)[len(walls) // 2]


def startup(runs: int = 7, before: str | None = STARTUP_BEFORE) -> list[dict[str, object]]:
    """Median wall time of `prodready --version` and of an audit of an empty directory (with and
    without the history store), for this tree and for ``before`` (exported with git archive and
    run from its src/ on the same interpreter), when git can produce it."""
    empty = Path(tempfile.mkdtemp(prefix="prodready-empty-"))
    commands = {
        "prodready --version": ["--version"],
        "audit empty dir (history on)": ["audit", str(empty), "--no-cache", "--format", "json", "--fail-on", "never"],
        "audit empty dir --no-history": ["audit", str(empty), "--no-cache", "--no-history", "--format", "json",
                                         "--fail-on", "never"],
    }
    trees: dict[str, dict[str, str] | None] = {"now": None}
    if before:
        old = Path(tempfile.mkdtemp(prefix="prodready-before-"))
        archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", "--format=tar", before, "src"],
                                 capture_output=True, check=False)
        if archive.returncode == 0:
            import io

            with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
                tar.extractall(old, filter="data")
            trees[f"before ({before})"] = {**os.environ, "PYTHONPATH": str(old / "src")}
        else:
            print(f"  (cannot export {before} for the before column: {archive.stderr.decode().strip()[-80:]})")
    rows: list[dict[str, object]] = []
    print(f"startup (median of {runs} runs):")
    print(f"  {'':34}" + "".join(f"{name:>22}" for name in trees))
    for label, argv in commands.items():
        row: dict[str, object] = {"command": label}
        for name, env in trees.items():
            shutil.rmtree(empty / ".prodready", ignore_errors=True)
            row[name] = round(_median_wall([PY, "-m", "prodready", *argv], env, runs), 3)
        rows.append(row)
        print(f"  {label:34}" + "".join(f"{row[name]:>20} s" for name in trees))
    bare = _median_wall([PY, "-c", "pass"], None, runs)
    print(f"  {'(bare python -c pass)':34}{bare:>20.3f} s\n")
    shutil.rmtree(empty, ignore_errors=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--startup-only", action="store_true", help="only the startup section (no corpus)")
    parser.add_argument("--packages", help="comma-separated pip specs (default: a ~1M-line mix)")
    parser.add_argument("--skip-peers", action="store_true", help="time prodready and bare parses only")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    startup_rows = startup()
    if args.startup_only:
        if args.json:
            args.json.write_text(json.dumps({"startup": startup_rows}, indent=2))
        return 0
    packages = args.packages.split(",") if args.packages else DEFAULT_PACKAGES
    corpus = build_corpus(packages)
    files = python_files(corpus)
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    print(f"corpus: {corpus} — {len(files)} Python files, {lines:,} lines\n")
    listing = Path(tempfile.mkstemp(suffix=".txt")[1])
    listing.write_text("\n".join(str(p) for p in files))
    parse_script = Path(tempfile.mkstemp(suffix=".py")[1])
    parse_script.write_text(PARSE_SCRIPT)
    rows = []
    cache_dir = corpus / ".prodready"
    shutil.rmtree(cache_dir, ignore_errors=True)
    prodready = [str(BIN / "prodready"), "audit", str(corpus), "--format", "json", "--no-history", "--no-progress", "--fail-on", "never"]
    rows.append(measure("prodready cold (2 processes, no cache)", [*prodready, "--no-cache", "-j", "2"]))
    rows.append(measure("prodready cold (2 processes, fills cache)", [*prodready, "-j", "2"]))
    rows.append(measure("prodready warm (unchanged tree, cache)", [*prodready, "-j", "2"]))
    if ensure("tree_sitter_python", "tree-sitter-python>=0.23"):
        rows.append(measure("bare tree-sitter parse (1 process)", [PY, str(parse_script), "tree-sitter", str(listing), "1"]))
        rows.append(measure("bare tree-sitter parse (2 processes)", [PY, str(parse_script), "tree-sitter", str(listing), "2"]))
    rows.append(measure("stdlib ast.parse (2 processes)", [PY, str(parse_script), "ast", str(listing), "2"]))
    if not args.skip_peers:
        if ensure("ruff", "ruff"):
            rows.append(measure("ruff check (all rules)", [str(BIN / "ruff"), "check", "--no-cache", "--no-respect-gitignore", "--select", "ALL", "--exit-zero", "-q", str(corpus)]))
        if ensure("bandit", "bandit"):
            rows.append(measure("bandit -r", [str(BIN / "bandit"), "-r", "-q", str(corpus), "-f", "json", "-o", os.devnull]))
        if ensure("semgrep", "semgrep"):
            rows.append(measure("semgrep (10 rules, -j 2)", [str(BIN / "semgrep"), "scan", "--config", str(HERE / "semgrep-rules.yml"), "-j", "2", "--metrics", "off", "--quiet", "--disable-version-check", "--no-git-ignore", str(corpus)]))
        else:
            print("  semgrep: could not be installed here (not timed)")
    by_tool = {r["tool"]: r for r in rows}
    cold = by_tool["prodready cold (2 processes, no cache)"]["wall_s"]
    warm = by_tool["prodready warm (unchanged tree, cache)"]["wall_s"]
    print("\nratios (wall time):")
    for row in rows:
        print(f"  {row['tool']:42} {row['wall_s'] / cold:6.2f}x prodready cold")
    parse2 = by_tool.get("bare tree-sitter parse (2 processes)")
    if parse2:
        print(f"\ntarget: cold within 2x bare 2-process parse -> {cold / parse2['wall_s']:.2f}x")
    print(f"target: warm within 10% of cold... measured warm/cold = {warm / cold:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"files": len(files), "lines": lines, "rows": rows, "startup": startup_rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
