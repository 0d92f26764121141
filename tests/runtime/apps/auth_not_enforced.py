"""Problem: the code declares auth on /api/account, but the dependency lets anonymous callers in."""

from fastapi import Depends, FastAPI, Header

app = FastAPI()


def get_current_user(authorization: str | None = Header(None)) -> str:
    return authorization or "anonymous"  # meant to raise 401


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/api/account")
def account(user: str = Depends(get_current_user)) -> dict[str, str]:
    return {"user": user, "iban": "DE00 0000 0000 0000 0000 00"}
