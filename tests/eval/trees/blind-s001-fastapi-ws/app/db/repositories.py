"""Data access for users, chat sessions and messages."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Optional

from motor.motor_asyncio import AsyncIOMotorDatabase
from pymongo.errors import DuplicateKeyError

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class User:
    id: str
    username: str
    role: str
    password_hash: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> "User":
        return cls(
            id=str(doc["_id"]),
            username=doc["username"],
            role=doc.get("role", "user"),
            password_hash=doc["password_hash"],
        )


class UserRepository:
    def __init__(self, db: AsyncIOMotorDatabase) -> None:
        self._col = db.users

    async def by_username(self, username: str) -> Optional[User]:
        doc = await self._col.find_one({"username": username})
        return User.from_doc(doc) if doc else None

    async def by_id(self, user_id: str) -> Optional[User]:
        doc = await self._col.find_one({"_id": user_id})
        return User.from_doc(doc) if doc else None

    async def create(self, username: str, password_hash: str, role: str = "user") -> User:
        doc = {
            "_id": uuid.uuid4().hex,
            "username": username,
            "password_hash": password_hash,
            "role": role,
            "created_at": _now(),
        }
        await self._col.insert_one(doc)
        return User.from_doc(doc)

    async def ensure(self, username: str, password_hash: str, role: str) -> bool:
        """Create the user if missing. Returns True when a user was created."""
        try:
            await self.create(username, password_hash, role)
        except DuplicateKeyError:
            return False
        return True


class SessionRepository:
    def __init__(self, db: AsyncIOMotorDatabase) -> None:
        self._col = db.sessions

    async def create(self, session_id: str, user_id: str, model: str) -> None:
        await self._col.insert_one(
            {
                "_id": session_id,
                "user_id": user_id,
                "model": model,
                "title": None,
                "started_at": _now(),
                "ended_at": None,
            }
        )

    async def get(self, session_id: str) -> Optional[dict[str, Any]]:
        return await self._col.find_one({"_id": session_id})

    async def mark_ended(self, session_id: str) -> None:
        await self._col.update_one({"_id": session_id}, {"$set": {"ended_at": _now()}})

    async def set_title(self, session_id: str, title: str) -> None:
        await self._col.update_one({"_id": session_id}, {"$set": {"title": title[:120]}})

    async def list_recent(self, limit: int, skip: int = 0) -> list[dict[str, Any]]:
        cursor = self._col.find({}).sort("started_at", -1).skip(skip).limit(limit)
        return await cursor.to_list(length=limit)

    async def count(self) -> int:
        return await self._col.estimated_document_count()


class MessageRepository:
    def __init__(self, db: AsyncIOMotorDatabase) -> None:
        self._col = db.messages

    async def save(self, session_id: str, role: str, content: str, model: str | None = None) -> str:
        message_id = uuid.uuid4().hex
        await self._col.insert_one(
            {
                "_id": message_id,
                "session_id": session_id,
                "role": role,
                "content": content,
                "model": model,
                "created_at": _now(),
            }
        )
        return message_id

    async def recent(self, session_id: str, limit: int) -> list[dict[str, Any]]:
        cursor = (
            self._col.find({"session_id": session_id}, {"role": 1, "content": 1, "created_at": 1})
            .sort("created_at", -1)
            .limit(limit)
        )
        docs = await cursor.to_list(length=limit)
        docs.reverse()
        return docs

    async def all_for_session(self, session_id: str) -> list[dict[str, Any]]:
        cursor = self._col.find({"session_id": session_id}).sort("created_at", 1)
        return await cursor.to_list(length=None)

    async def count_for_session(self, session_id: str) -> int:
        return await self._col.count_documents({"session_id": session_id})


class OriginRepository:
    def __init__(self, db: AsyncIOMotorDatabase) -> None:
        self._col = db.allowed_origins

    def iter_all(self):
        return self._col.find({}, {"origin": 1})

    async def add(self, origin: str, added_by: str) -> None:
        await self._col.update_one(
            {"origin": origin},
            {"$setOnInsert": {"origin": origin, "added_by": added_by, "added_at": _now()}},
            upsert=True,
        )

    async def remove(self, origin: str) -> int:
        result = await self._col.delete_one({"origin": origin})
        return result.deleted_count
