"""Request/response schemas for the REST API."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from app.ws.origin import normalise_origin

_USERNAME_RE = re.compile(r"^[a-zA-Z0-9_.-]{3,32}$")


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MeResponse(BaseModel):
    id: str
    username: str
    role: str


class CreateUserRequest(BaseModel):
    username: str
    password: str = Field(min_length=12, max_length=256)
    role: Literal["user", "admin"] = "user"

    @field_validator("username")
    @classmethod
    def _check_username(cls, value: str) -> str:
        if not _USERNAME_RE.fullmatch(value):
            raise ValueError("username must be 3-32 characters of letters, digits, '_', '.', '-'")
        return value


class OriginUpdate(BaseModel):
    origin: str = Field(min_length=8, max_length=255)

    @field_validator("origin")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return normalise_origin(value)


class BroadcastRequest(BaseModel):
    message: str = Field(min_length=1, max_length=500)
