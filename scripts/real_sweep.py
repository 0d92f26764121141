"""Audit every tree under a directory of real services (kept outside the work tree) and print,
per tree, the verdict and the findings per rule: the quickest way to spot a noisy rule.

    .venv/bin/python scripts/real_sweep.py /tmp/real [--rule PR-XX-NNN] [--show]
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--rule", action="append", default=[], help="show findings of these rules")
    parser.add_argument("--show", action="store_true", help="show every finding")
    args = parser.parse_args()
    from prodready.rules.registry import canonical_id

    wanted = {canonical_id(rule) or rule for rule in args.rule}  # an old id (PR-TO-101) names its rule
    totals: collections.Counter[str] = collections.Counter()
    for tree in sorted(p for p in args.directory.iterdir() if p.is_dir()):
        out = subprocess.run(
            [sys.executable, "-m", "prodready", "audit", str(tree), "--format", "json", "--no-cache",
             "--no-history", "--fail-on", "never"],
            capture_output=True, text=True,
        )
        if out.returncode != 0:
            print(f"{tree.name}: FAILED {out.stderr.strip()[-300:]}")
            continue
        data = json.loads(out.stdout)
        summary = data["summary"]
        counts = collections.Counter(f["rule"] for f in data["findings"])
        totals.update(counts)
        print(
            f"{tree.name}: {data['verdict']} files={summary['files_scanned']} crit={summary['critical']} "
            f"high={summary['high']} med={summary['medium']} low={summary['low']} {data['duration_s']}s"
        )
        print("    " + ", ".join(f"{k}:{v}" for k, v in sorted(counts.items())))
        for finding in data["findings"]:
            if args.show or finding["rule"] in wanted:
                print(f"      {finding['severity']:8} {finding['rule']} {finding['path']}:{finding['line']} {finding['message'][:110]}")
    print("TOTAL " + ", ".join(f"{k}:{v}" for k, v in sorted(totals.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
