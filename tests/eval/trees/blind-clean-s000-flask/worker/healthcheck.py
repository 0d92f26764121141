"""Container HEALTHCHECK for the worker: the control loop must have ticked recently."""
from __future__ import annotations

import os
import sys
import time

MAX_AGE_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_MAX_AGE", "120"))


def main() -> int:
    path = os.environ.get("WORKER_HEARTBEAT_FILE", "/tmp/worker-heartbeat")
    try:
        age = time.time() - os.stat(path).st_mtime
    except FileNotFoundError:
        print(f"no heartbeat file at {path}", file=sys.stderr)
        return 1
    if age > MAX_AGE_SECONDS:
        print(f"heartbeat is {age:.0f}s old (limit {MAX_AGE_SECONDS:.0f}s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
