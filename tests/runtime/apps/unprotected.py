"""Problem: /admin/export was forgotten when the admin routes got their token check."""

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException

app = FastAPI()


def require_token(authorization: str | None = Header(None)) -> None:
    if authorization != "Bearer admin-test-token":
        raise HTTPException(401, "not authenticated")


admin = APIRouter(prefix="/admin")


@admin.get("/users", dependencies=[Depends(require_token)])
def users() -> list[dict[str, object]]:
    return [{"id": 1, "email": "alice@example.com"}]


@admin.get("/settings", dependencies=[Depends(require_token)])
def settings() -> dict[str, object]:
    return {"smtp": "mail.example.com"}


@admin.get("/export")
def export() -> dict[str, object]:
    return {"users": [{"id": 1, "email": "alice@example.com"}]}


app.include_router(admin)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
