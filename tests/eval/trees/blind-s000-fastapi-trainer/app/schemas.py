"""Request/response models."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.models import JobStatus

_MODEL_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}(/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?$")


class LoraConfig(BaseModel):
    r: int = Field(default=16, ge=1, le=256)
    alpha: int = Field(default=32, ge=1, le=512)
    dropout: float = Field(default=0.05, ge=0.0, le=0.5)
    target_modules: list[str] = Field(default_factory=lambda: ["q_proj", "v_proj"], max_length=16)


class TrainingConfig(BaseModel):
    base_model: str = Field(..., max_length=192)
    dataset_id: str = Field(..., min_length=36, max_length=36)
    method: Literal["lora", "qlora", "full"] = "lora"
    epochs: int = Field(default=3, ge=1)
    batch_size: int = 8
    gradient_accumulation_steps: int = Field(default=1, ge=1, le=64)
    learning_rate: float = Field(default=2e-4, gt=0.0, le=1e-2)
    max_seq_length: int = Field(default=2048, ge=64, le=32768)
    warmup_ratio: float = Field(default=0.03, ge=0.0, le=0.5)
    lora: LoraConfig = Field(default_factory=LoraConfig)
    hf_token: str | None = Field(default=None, max_length=256)
    webhook_url: str | None = Field(default=None, max_length=2048)

    @field_validator("base_model")
    @classmethod
    def _check_model_id(cls, v: str) -> str:
        if not _MODEL_ID_RE.match(v):
            raise ValueError("base_model must look like 'org/name'")
        return v


class ExecuteResponse(BaseModel):
    job_id: str
    status: JobStatus


class ValidateResponse(BaseModel):
    valid: bool
    errors: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    estimated_parameters: int | None = None


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    status: JobStatus
    base_model: str
    dataset_id: str
    dataset_name: str | None = None
    progress: float
    current_epoch: int
    last_loss: float | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobList(BaseModel):
    items: list[JobOut]
    total: int


class ControlResponse(BaseModel):
    job_id: str
    action: str
    accepted: bool


class FileEntry(BaseModel):
    name: str
    is_dir: bool
    size: int | None = None
    modified: float | None = None


class DirectoryListing(BaseModel):
    path: str
    entries: list[FileEntry]


class FileContent(BaseModel):
    path: str
    content: str
    truncated: bool
