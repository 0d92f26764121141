"""Problem: debug mode on and a handler that parses JSON by hand: a 500 with the traceback."""

import json

from fastapi import FastAPI, Request

app = FastAPI(debug=True)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/items")
async def create(request: Request) -> dict[str, object]:
    data = json.loads(await request.body())
    return {"created": data["name"]}
