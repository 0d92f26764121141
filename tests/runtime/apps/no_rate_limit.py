"""Problem: the login route has no rate limit."""

from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/login")
def login() -> JSONResponse:
    return JSONResponse({"detail": "invalid credentials"}, 401)
