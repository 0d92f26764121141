import os


def _bool(name: str, default: bool) -> bool:
    return os.getenv(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.getenv(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {raw!r}") from exc


class Settings:
    ENVIRONMENT = os.getenv("ENVIRONMENT", "development")
    DEBUG = _bool("DEBUG", True)
    SECRET_KEY = os.getenv("SECRET_KEY", "")
    LOG_LEVEL = os.getenv("LOG_LEVEL", "INFO").upper()

    DATABASE_URL = os.environ["DATABASE_URL"]
    REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379/0")
    CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", REDIS_URL)
    CELERY_RESULT_BACKEND = os.getenv("CELERY_RESULT_BACKEND", REDIS_URL)

    OPENAI_API_KEY = os.getenv("OPENAI_API_KEY", "")
    OPENAI_BASE_URL = os.getenv("OPENAI_BASE_URL", "https://api.openai.com/v1")
    CHAT_MODEL = os.getenv("CHAT_MODEL", "gpt-4o-mini")
    EMBEDDING_MODEL = os.getenv("EMBEDDING_MODEL", "text-embedding-3-small")

    MEMORY_WINDOW = _int("MEMORY_WINDOW", 20)
    RETRIEVAL_TOP_K = _int("RETRIEVAL_TOP_K", 5)
    DOCUMENT_SOURCE_URL = os.getenv("DOCUMENT_SOURCE_URL", "")
    DOCUMENT_SOURCE_TOKEN = os.getenv("DOCUMENT_SOURCE_TOKEN", "")
