from fastapi import FastAPI, WebSocket
from fastapi.middleware.cors import CORSMiddleware

from app.config import settings
from app.routes import orders

app = FastAPI(debug=settings.DEBUG)
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)
app.include_router(orders.router)


@app.get("/health")
def health():
    # TODO: check database and redis
    return {"status": "ok"}


@app.websocket("/ws/orders")
async def order_updates(websocket: WebSocket):
    await websocket.accept()
    while True:
        data = await websocket.receive_json()
        print("received", data)
        await websocket.send_json({"echo": data.get("message")})
