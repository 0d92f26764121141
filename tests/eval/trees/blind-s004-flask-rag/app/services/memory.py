import json
import time

from app.config import Settings
from app.extensions import get_redis

_KEY = "conv:{conversation_id}:messages"


def append(conversation_id: str, role: str, content: str) -> None:
    entry = json.dumps({"role": role, "content": content, "ts": time.time()})
    get_redis().rpush(_KEY.format(conversation_id=conversation_id), entry)


def load(conversation_id: str) -> list[dict]:
    raw = get_redis().lrange(_KEY.format(conversation_id=conversation_id), -Settings.MEMORY_WINDOW, -1)
    return [json.loads(item) for item in raw]


def clear(conversation_id: str) -> None:
    get_redis().delete(_KEY.format(conversation_id=conversation_id))
