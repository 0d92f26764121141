"""Score a prodready JSON report against hand labels: recall and precision by category.

    python scripts/score.py tests/eval/shop-api.labels.toml [--report report.json]

A finding matches a label with the same category and path whose line is within ±2 (labels with no
line match findings with no line, or any line of that path when the label has a path and the
finding does not carry one). Matching is one-to-one, greedy by distance.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

TOLERANCE = 2


def instances(findings: list[dict], primary_only: bool = False) -> list[tuple[int, dict]]:
    """(finding number, place) for every place of every finding: a finding lists each place of one
    defect in `locations` (the first is its own path/line)."""
    out: list[tuple[int, dict]] = []
    for number, finding in enumerate(findings):
        places = [] if primary_only else finding.get("locations") or []
        if not places:
            places = [{"path": finding.get("path"), "line": finding.get("line")}]
        out.extend((number, {"category": finding["category"], "path": p.get("path"), "line": p.get("line")}) for p in places)
    return out


def score(labels: list[dict], findings: list[dict], primary_only: bool = False,
          matched_out: set[int] | None = None, missed_out: list[dict] | None = None) -> dict[str, dict[str, int]]:
    """Per category: labels matched (tp), labels missed (fn), and findings none of whose places
    matched a label (fp)."""
    per: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fn": 0, "fp": 0})
    places = instances(findings, primary_only)
    unmatched = list(range(len(places)))
    matched_findings: set[int] = set()
    for label in labels:
        best = None
        for index in unmatched:
            finding = places[index][1]
            if finding["category"] != label["category"]:
                continue
            if "path" in label and finding.get("path") not in (label["path"], None):
                continue
            if "path" in label and finding.get("path") is None and finding.get("line") is not None:
                continue
            if "line" in label:
                if finding.get("line") is None or abs(finding["line"] - label["line"]) > TOLERANCE:
                    continue
                distance = abs(finding["line"] - label["line"])
            else:
                distance = 0 if finding.get("line") is None else 10
            if best is None or distance < best[0]:
                best = (distance, index)
        if best is None:
            per[label["category"]]["fn"] += 1
            if missed_out is not None:
                missed_out.append(label)
        else:
            unmatched.remove(best[1])
            matched_findings.add(places[best[1]][0])
            per[label["category"]]["tp"] += 1
    for number, finding in enumerate(findings):
        if number not in matched_findings:
            per[finding["category"]]["fp"] += 1
    if matched_out is not None:
        matched_out |= matched_findings
    return per


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("labels", type=Path)
    parser.add_argument("--report", type=Path, help="existing JSON report (default: run prodready)")
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--primary-only", action="store_true",
                        help="match only each finding's own path/line, not its further locations")
    args = parser.parse_args()
    data = tomllib.loads(args.labels.read_text())
    if args.report:
        report = json.loads(args.report.read_text())
    else:
        # Trees keep .env/.gitignore as dot.env/dot.gitignore (so they do not act on this repo).
        import shutil
        import tempfile

        target = Path(tempfile.mkdtemp()) / Path(data["target"]).name
        shutil.copytree(data["target"], target)
        for path in sorted(target.rglob("dot.*"), key=lambda p: len(p.parts), reverse=True):
            path.rename(path.with_name("." + path.name[4:]))
        out = subprocess.run(
            [sys.executable, "-m", "prodready", "audit", str(target), "--format", "json",
             "--no-cache", "--no-history", "--fail-on", "never"],
            capture_output=True, text=True, check=True,
        )
        report = json.loads(out.stdout)
    findings = report["findings"]
    matched: set[int] = set()
    missed: list[dict] = []
    per = score(data["findings"], findings, args.primary_only, matched, missed)
    tp = sum(v["tp"] for v in per.values())
    fn = sum(v["fn"] for v in per.values())
    fp = sum(v["fp"] for v in per.values())
    print(f"{'category':20} {'tp':>4} {'fn':>4} {'fp':>4}")
    for category in sorted(per):
        v = per[category]
        print(f"{category:20} {v['tp']:>4} {v['fn']:>4} {v['fp']:>4}")
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    print(f"recall {recall:.2f}  precision {precision:.2f}  (tp {tp}, fn {fn}, fp {fp})")
    if args.verbose:
        for number, f in enumerate(findings):
            verdict = "tp" if number in matched else "FP"
            print(f"  {verdict} {f['severity']:8} {f['category']:18} {f['path']}:{f['line']} {f['rule']} {f['message'][:80]}")
        for label in missed:
            print(f"  FN {label.get('severity', ''):8} {label['category']:18} {label.get('path')}:{label.get('line')} "
                  f"{str(label.get('note') or label.get('rule') or '')[:80]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
