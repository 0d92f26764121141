"""Problem: every request adds to a module-level list that nothing trims."""

from fastapi import FastAPI

app = FastAPI()
seen: list[str] = []


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/items")
def items() -> dict[str, int]:
    seen.append("x" * 200_000 + str(len(seen)))
    return {"seen": len(seen)}
