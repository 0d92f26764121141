"""Run one test app under uvicorn: `python -m tests.runtime.apps.serve MODULE PORT`.

An app module may define HTTP_PROTOCOL (a uvicorn protocol class) to change the server itself."""

from __future__ import annotations

import importlib
import sys

import uvicorn


def main() -> None:
    module = importlib.import_module(f"tests.runtime.apps.{sys.argv[1]}")
    port = int(sys.argv[2])
    config: dict[str, object] = {"host": "127.0.0.1", "port": port, "log_level": "warning", "lifespan": "on"}
    config["http"] = getattr(module, "HTTP_PROTOCOL", None) or "h11"  # the same server whatever is installed
    uvicorn.run(module.app, **config)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
