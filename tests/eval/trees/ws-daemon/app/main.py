from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.core.config import settings
from app.core.database import redis

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=settings.CORS_ORIGINS, allow_methods=["GET"])


@app.get("/health/liveness")
async def liveness():
    return {"ok": True}


@app.get("/health/readiness")
async def readiness():
    await redis.ping()
    return {"ok": True}
