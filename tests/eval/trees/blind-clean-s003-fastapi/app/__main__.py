"""Container entrypoint: `python -m app`.

Runs uvicorn programmatically so the port comes from settings (Railway injects
PORT) while the process stays PID 1 and receives SIGTERM directly. On SIGTERM
uvicorn stops accepting connections, waits up to SHUTDOWN_GRACE_SECONDS for
in-flight requests, then runs the lifespan shutdown.
"""

from __future__ import annotations

import os

import uvicorn

from app.core.config import get_settings


def main() -> None:
    settings = get_settings()
    uvicorn.run(
        "app.main:app",
        host=settings.HOST,
        port=settings.PORT,
        workers=1,
        proxy_headers=True,
        # Only the platform's proxy may set X-Forwarded-*; Railway's edge reaches
        # the container over its private network, configured per deployment.
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        timeout_graceful_shutdown=settings.SHUTDOWN_GRACE_SECONDS,
        timeout_keep_alive=5,
        log_config=None,
        access_log=False,
        server_header=False,
        lifespan="on",
    )


if __name__ == "__main__":
    main()
