import asyncio
import hmac
import logging

import uvicorn
from fastapi import Depends, FastAPI, Header, HTTPException, WebSocket, WebSocketDisconnect
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel, Field, HttpUrl

import job_manager
import settings
from fs_routes import router as fs_router
from job_manager import manager, retry_failed_persists_worker

logging.basicConfig(
    level=logging.INFO,
    format="%(asctime)s %(levelname)s %(name)s %(message)s",
)
logger = logging.getLogger("training.server")

app = FastAPI(title="Training Server", version="0.9.2")
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


def require_secret(x_training_secret: str = Header(default="")) -> None:
    if not hmac.compare_digest(x_training_secret.encode(), settings.TRAINING_SECRET.encode()):
        raise HTTPException(status_code=401, detail="unauthorized")


class ExecuteRequest(BaseModel):
    job_id: str = Field(pattern=r"^[0-9a-f-]{36}$")
    model_name: str = Field(min_length=1, max_length=200)
    dataset_url: HttpUrl
    epochs: int
    batch_size: int
    learning_rate: float = Field(gt=0, le=1)


class ValidateRequest(BaseModel):
    model_name: str = Field(min_length=1, max_length=200)
    epochs: int = Field(ge=1, le=50)
    batch_size: int = Field(ge=1, le=256)


@app.post("/api/training/validate", dependencies=[Depends(require_secret)])
async def validate(req: ValidateRequest):
    problems = []
    if req.model_name not in settings.ALLOWED_BASE_MODELS:
        problems.append(f"base model {req.model_name!r} is not allowed")
    return {"valid": not problems, "problems": problems}


@app.post("/api/training/execute", dependencies=[Depends(require_secret)])
async def execute(req: ExecuteRequest):
    if req.model_name not in settings.ALLOWED_BASE_MODELS:
        raise HTTPException(status_code=400, detail="base model not allowed")
    try:
        job = await job_manager.start_job(req.job_id, req.model_dump(mode="json"))
    except job_manager.JobLimitError as exc:
        raise HTTPException(status_code=429, detail=str(exc))
    logger.info("job %s started (model=%s)", job.id, req.model_name)
    return {"job_id": job.id, "status": job.status}


@app.get("/api/training/status/{job_id}", dependencies=[Depends(require_secret)])
async def status(job_id: str):
    try:
        job = job_manager.get_job(job_id)
    except job_manager.JobNotFound:
        raise HTTPException(status_code=404, detail="unknown job")
    return {"job_id": job.id, "status": job.status, "progress": job.progress}


@app.get("/api/training/{job_id}/logs", dependencies=[Depends(require_secret)])
async def logs(job_id: str, tail: int = 200):
    try:
        text = await asyncio.to_thread(job_manager.read_log_tail, job_id, min(tail, 2000))
    except job_manager.JobNotFound:
        raise HTTPException(status_code=404, detail="unknown job")
    return text


@app.post("/api/training/cancel/{job_id}", dependencies=[Depends(require_secret)])
async def cancel(job_id: str):
    try:
        job = await job_manager.cancel_job(job_id)
    except job_manager.JobNotFound:
        raise HTTPException(status_code=404, detail="unknown job")
    return {"job_id": job.id, "status": job.status}


@app.post("/api/training/pause/{job_id}", dependencies=[Depends(require_secret)])
async def pause(job_id: str):
    try:
        job = job_manager.pause_job(job_id)
    except job_manager.JobNotFound:
        raise HTTPException(status_code=404, detail="unknown job")
    except ValueError as exc:
        raise HTTPException(status_code=409, detail=str(exc))
    return {"job_id": job.id, "status": job.status}


@app.post("/api/training/resume/{job_id}", dependencies=[Depends(require_secret)])
async def resume(job_id: str):
    try:
        job = job_manager.resume_job(job_id)
    except job_manager.JobNotFound:
        raise HTTPException(status_code=404, detail="unknown job")
    except ValueError as exc:
        raise HTTPException(status_code=409, detail=str(exc))
    return {"job_id": job.id, "status": job.status}


app.include_router(fs_router)


@app.websocket("/ws/training/{job_id}")
async def training_updates(websocket: WebSocket, job_id: str):
    await manager.connect(job_id, websocket)
    try:
        while True:
            # Clients only listen; reading keeps the connection alive and detects closes.
            await websocket.receive_text()
    except WebSocketDisconnect:
        manager.disconnect(job_id, websocket)


@app.on_event("startup")
async def start_background_workers() -> None:
    settings.LOGS_DIR.mkdir(parents=True, exist_ok=True)
    app.state.workers = [
        asyncio.create_task(retry_failed_persists_worker()),
        asyncio.create_task(job_manager.periodic_health_check()),
    ]


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000)
