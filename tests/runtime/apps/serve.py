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
    protocol = getattr(module, "HTTP_PROTOCOL", None)
    if protocol is not None:
        config["http"] = protocol
    uvicorn.run(module.app, **config)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
