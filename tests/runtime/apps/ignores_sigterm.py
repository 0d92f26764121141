"""Problem: a start-up hook that ignores SIGTERM; the service never drains, it gets killed."""

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/work")
async def work() -> dict[str, str]:
    await asyncio.sleep(0.2)
    return {"status": "done"}
