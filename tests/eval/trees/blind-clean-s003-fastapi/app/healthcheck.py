"""Container HEALTHCHECK probe: `python -m app.healthcheck`.

Uses only the standard library (the runtime image ships no curl) and the same
PORT the server binds to. Exit 0 = healthy, 1 = unhealthy.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    url = f"http://127.0.0.1:{port}/health/liveness"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - fixed loopback URL
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    sys.exit(main())
