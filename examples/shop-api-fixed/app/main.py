import logging
from contextlib import asynccontextmanager

from asgi_correlation_id import CorrelationIdMiddleware
from fastapi import Depends, FastAPI, HTTPException, WebSocket, status
from fastapi.middleware.cors import CORSMiddleware
from prometheus_fastapi_instrumentator import Instrumentator
from pydantic import BaseModel, Field
from slowapi import _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded
from slowapi.middleware import SlowAPIMiddleware

from app import workers
from app.auth import get_current_user
from app.cache import cache
from app.config import settings
from app.db import engine, ping
from app.limits import limiter
from app.routes import orders

logging.basicConfig(level=settings.LOG_LEVEL)
logger = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI):
    worker = workers.threading.Thread(target=workers.sync_prices, daemon=True)
    worker.start()
    yield
    workers.stop_event.set()
    worker.join(timeout=10)
    engine.dispose()
    cache.close()


app = FastAPI(debug=settings.DEBUG, lifespan=lifespan)
app.state.limiter = limiter
app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)
app.add_middleware(SlowAPIMiddleware)
app.add_middleware(CorrelationIdMiddleware)
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.ALLOWED_ORIGINS,
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    allow_headers=["Authorization", "Content-Type"],
)
app.include_router(orders.router)
Instrumentator().instrument(app).expose(app)


class ChatMessage(BaseModel):
    message: str = Field(min_length=1, max_length=5000)


@app.get("/healthz")
def liveness():
    return {"status": "ok"}


@app.get("/readyz")
def readiness():
    try:
        ping()
        cache.ping()
    except Exception as exc:
        logger.warning("not ready: %s", exc, exc_info=True)
        raise HTTPException(status_code=status.HTTP_503_SERVICE_UNAVAILABLE) from exc
    return {"status": "ready"}


@app.websocket("/ws/orders")
async def order_updates(websocket: WebSocket, user=Depends(get_current_user)):
    await websocket.accept()
    while True:
        data = ChatMessage.model_validate(await websocket.receive_json())
        logger.info("message received", extra={"length": len(data.message)})
        await websocket.send_json({"echo": data.message})
