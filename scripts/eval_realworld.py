"""Score prodready on real public services labelled blind (tests/eval/realworld/*.labels.toml).

    python scripts/eval_realworld.py [NAME ...] [--part dev|holdout|all] [-v] [--mirror-root DIR]

Each service is exported at its labelled commit from a local git mirror into a cache directory
outside the work tree (never into this repository), audited with the prodready of this checkout,
and scored as tests/eval/realworld/README.md describes. Prints recall and both precision figures
per language and per category, and the totals for the dev and holdout parts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "eval" / "realworld"
TOLERANCE = 2
CACHE = Path(os.environ.get("PRODREADY_REALWORLD_CACHE", Path.home() / ".cache" / "prodready-realworld"))


@dataclass
class Instance:
    """One location of one reported finding."""

    rule: str
    category: str
    path: str | None
    line: int | None
    finding: int
    verdict: str = ""  # tp | wrong | unjudged | out-of-scope
    why: str = ""


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    wrong: int = 0
    unjudged: int = 0
    # The same verdicts counted per finding (a grouped finding is right when any of its places is):
    findings_right: int = 0
    findings_wrong: int = 0
    findings_unjudged: int = 0
    misses: list[str] = field(default_factory=list)
    wrongs: list[str] = field(default_factory=list)
    unjudged_list: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fn += other.fn
        self.wrong += other.wrong
        self.unjudged += other.unjudged
        self.findings_right += other.findings_right
        self.findings_wrong += other.findings_wrong
        self.findings_unjudged += other.findings_unjudged

    @property
    def findings_precision_scope(self) -> float:
        total = self.findings_right + self.findings_wrong + self.findings_unjudged
        return self.findings_right / total if total else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision_judged(self) -> float:
        return self.tp / (self.tp + self.wrong) if self.tp + self.wrong else 1.0

    @property
    def precision_scope(self) -> float:
        total = self.tp + self.wrong + self.unjudged
        return self.tp / total if total else 1.0


def git_dir(mirror_root: Path, repo: str) -> Path:
    base = mirror_root / repo.replace("/", "+") / "repo"
    return base / ".git" if (base / ".git").is_dir() else base


def export(data: dict, name: str, mirror_root: Path) -> Path:
    commit = data["commit"]
    target = CACHE / f"{name}-{commit[:12]}"
    if (target / ".exported").exists():
        return target
    gdir = git_dir(mirror_root, data["repo"])
    if not gdir.exists():
        raise SystemExit(f"{name}: no mirror at {gdir} (fetch github:{data['repo']} first)")
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as archive:
        done = subprocess.run(["git", f"--git-dir={gdir}", "archive", commit], stdout=archive,
                              stderr=subprocess.DEVNULL)
        archive.seek(0)
        if done.returncode == 0:
            with tarfile.open(fileobj=archive) as tar:
                tar.extractall(target, filter="data")
        else:
            export_blobs(gdir, commit, target)  # mirrors may lack their largest blobs
    (target / ".exported").write_text(commit)
    return target


def export_blobs(gdir: Path, commit: str, target: Path) -> None:
    """Write every blob the mirror has, skipping the ones it does not (large files)."""
    listing = subprocess.run(["git", f"--git-dir={gdir}", "ls-tree", "-r", "-z", commit],
                             capture_output=True, check=True).stdout.split(b"\0")
    entries = []
    for entry in listing:
        if not entry:
            continue
        meta, path = entry.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode != b"120000":
            entries.append((sha.decode(), path.decode("utf-8", "surrogateescape")))
    batch = subprocess.run(["git", f"--git-dir={gdir}", "cat-file", "--batch"],
                           input=b"".join(sha.encode() + b"\n" for sha, _ in entries), capture_output=True).stdout
    pos = 0
    for _sha, path in entries:
        end = batch.index(b"\n", pos)
        header = batch[pos:end].split()
        pos = end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        out = target / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(batch[pos : pos + size])
        pos += size + 1


def run_prodready(tree: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "prodready", "audit", str(tree), "--format", "json",
         "--no-cache", "--no-history", "--fail-on", "never", "--no-progress"],
        capture_output=True, text=True, cwd=tempfile.gettempdir(),
    )
    if out.returncode not in (0, 1):
        raise SystemExit(f"prodready failed on {tree}: {out.stderr.strip()[-400:]}")
    return json.loads(out.stdout)


def in_scope(path: str | None, reviewed: list[str]) -> bool:
    if path is None or not reviewed:
        return True
    return any(path == prefix.rstrip("/") or path.startswith(prefix if prefix.endswith("/") else prefix + "/")
               or path == prefix for prefix in reviewed)


def instances_of(findings: list[dict]) -> list[Instance]:
    out: list[Instance] = []
    for number, finding in enumerate(findings):
        locations = finding.get("locations") or [{"path": finding.get("path"), "line": finding.get("line")}]
        for loc in locations:
            out.append(Instance(finding["rule"], finding["category"], loc.get("path"), loc.get("line"), number))
    return out


def misplaced_labels(data: dict, tree: Path) -> list[str]:
    """Labels that point at no file, or past the end of their file: a labelling slip that no
    rule can ever match, so the service's recall would be understated without a word."""
    problems = []
    for label in data.get("finding", []):
        target = tree / str(label.get("path", ""))
        if not target.is_file():
            problems.append(f"{label.get('path')}: no such file")
        elif int(label.get("line") or 0) > target.read_bytes().count(b"\n") + 1:
            problems.append(f"{label.get('path')}:{label.get('line')}: past the end of the file")
    return problems


def score_service(data: dict, findings: list[dict]) -> tuple[dict[str, Score], list[Instance]]:
    per: dict[str, Score] = defaultdict(Score)
    instances = instances_of(findings)
    free = set(range(len(instances)))
    matched_labels: list[dict] = []
    for label in data.get("finding", []):
        best = None
        for i in free:
            inst = instances[i]
            if inst.category != label["category"] or inst.path != label["path"] or inst.line is None:
                continue
            distance = abs(inst.line - label["line"])
            if distance <= TOLERANCE and (best is None or distance < best[0]):
                best = (distance, i)
        if best is None:
            per[label["category"]].fn += 1
            per[label["category"]].misses.append(
                f"MISS {label['severity'] if 'severity' in label else '':6} {label['category']:18} "
                f"{label['path']}:{label['line']}  {label.get('note', '')[:90]}")
        else:
            free.discard(best[1])
            instances[best[1]].verdict = "tp"
            per[label["category"]].tp += 1
            matched_labels.append(label)
    for label in data.get("project", []):
        best = None
        for i in free:
            inst = instances[i]
            if inst.category != label["category"]:
                continue
            if inst.line is None and (inst.path is None or "path" not in label or inst.path == label["path"]):
                best = i
                break
            if "path" in label and inst.path == label["path"] and best is None:
                best = i
        if best is None:
            per[label["category"]].fn += 1
            per[label["category"]].misses.append(
                f"MISS {label.get('severity', ''):6} {label['category']:18} {label.get('path', '(project)')}  "
                f"{label.get('note', '')[:90]}")
        else:
            free.discard(best)
            instances[best].verdict = "tp"
            per[label["category"]].tp += 1
    non_defects = data.get("non_defect", [])
    reviewed = data.get("reviewed", [])
    for i in sorted(free):
        inst = instances[i]
        text = f"{inst.rule} {inst.category} {inst.path}:{inst.line}"
        near = [nd for nd in non_defects if nd.get("path") == inst.path and inst.line is not None
                and "line" in nd and abs(nd["line"] - inst.line) <= TOLERANCE
                and nd.get("category", inst.category) == inst.category]
        dup = [lb for lb in matched_labels if lb["path"] == inst.path and inst.line is not None
               and abs(lb["line"] - inst.line) <= TOLERANCE and lb["category"] == inst.category]
        if near:
            inst.verdict, inst.why = "wrong", f"non-defect: {near[0].get('note', '')[:70]}"
        elif dup:
            inst.verdict, inst.why = "wrong", "second report of a defect already found"
        elif in_scope(inst.path, reviewed):
            inst.verdict = "unjudged"
        else:
            inst.verdict = "out-of-scope"
        if inst.verdict == "wrong":
            per[inst.category].wrong += 1
            per[inst.category].wrongs.append(f"WRONG {text}  ({inst.why})")
        elif inst.verdict == "unjudged":
            per[inst.category].unjudged += 1
            per[inst.category].unjudged_list.append(f"UNJUDGED {text}")
    return per, instances


def fmt(score: Score) -> str:
    return (f"recall {score.recall:4.2f} ({score.tp}/{score.tp + score.fn})  "
            f"precision judged {score.precision_judged:4.2f} (wrong {score.wrong})  "
            f"in-scope {score.precision_scope:4.2f} (unjudged {score.unjudged})"
            + (f"  per finding {score.findings_precision_scope:4.2f}"
               if score.findings_right + score.findings_wrong + score.findings_unjudged else ""))


def finding_verdicts(instances: list[Instance]) -> Score:
    """Right/wrong/unjudged per finding rather than per place: a grouped finding lists every place
    of one defect, so it is right when any place matched a label, wrong when a place is judged
    wrong and none matched, unjudged when its places fall on reviewed code nobody labelled."""
    verdicts: dict[int, set[str]] = defaultdict(set)
    for inst in instances:
        verdicts[inst.finding].add(inst.verdict or "")
    out = Score()
    for found in verdicts.values():
        if "tp" in found:
            out.findings_right += 1
        elif "wrong" in found:
            out.findings_wrong += 1
        elif "unjudged" in found:
            out.findings_unjudged += 1
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="label file names (default: all)")
    parser.add_argument("--part", choices=["dev", "holdout", "all"], default="all")
    parser.add_argument("--mirror-root", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses, wrong and unjudged findings")
    parser.add_argument("--by-rule", action="store_true",
                        help="also print, per rule, the places that matched a label, were judged wrong or unjudged")
    args = parser.parse_args()
    files = sorted(LABELS.glob("*.labels.toml"))
    if args.names:
        files = [f for f in files if f.name.removesuffix(".labels.toml") in args.names]
    by_part: dict[str, Score] = defaultdict(Score)
    by_lang: dict[tuple[str, str], Score] = defaultdict(Score)
    by_cat: dict[tuple[str, str], Score] = defaultdict(Score)
    by_rule: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for path in files:
        name = path.name.removesuffix(".labels.toml")
        data = tomllib.loads(path.read_text())
        part = "holdout" if data.get("holdout") else "dev"
        if args.part != "all" and part != args.part:
            continue
        tree = export(data, name, args.mirror_root)
        for problem in misplaced_labels(data, tree):
            print(f"warning: {name}: {problem}", file=sys.stderr)
        report = run_prodready(tree)
        per, instances = score_service(data, report["findings"])
        total = finding_verdicts(instances)
        for category, score in per.items():
            total.add(score)
            by_cat[(part, category)].add(score)
        by_part[part].add(total)
        by_lang[(part, data.get("language", "?"))].add(total)
        for inst in instances:
            by_rule[(part, inst.rule)][inst.verdict or "?"] += 1
        print(f"{part:7} {name:26} {fmt(total)}")
        if args.verbose:
            for score in per.values():
                for line in score.misses + score.wrongs + score.unjudged_list:
                    print("    " + line)
    print()
    for (part, lang), score in sorted(by_lang.items()):
        print(f"{part:7} {lang:26} {fmt(score)}")
    print()
    for (part, category), score in sorted(by_cat.items()):
        print(f"{part:7} {category:26} {fmt(score)}")
    print()
    if args.by_rule:
        print(f"{'part':7} {'rule':12} {'matched':>8} {'wrong':>6} {'unjudged':>9} {'outside':>8}")
        for (part, rule), counts in sorted(by_rule.items()):
            print(f"{part:7} {rule:12} {counts['tp']:8} {counts['wrong']:6} {counts['unjudged']:9} "
                  f"{counts['out-of-scope']:8}")
        print()
    for part, score in sorted(by_part.items()):
        print(f"{part.upper():7} {'total':26} {fmt(score)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
