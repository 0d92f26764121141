"""Problem: a blocking call in an async handler serialises every request."""

import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/report")
async def report() -> dict[str, str]:
    time.sleep(0.1)  # blocks the event loop
    return {"report": "done"}
