from pydantic import Field, field_validator
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    DATABASE_URL: str
    REDIS_URL: str
    SECRET_KEY: str = Field(min_length=32)
    DEBUG: bool = False
    ENVIRONMENT: str = "production"
    ALLOWED_ORIGINS: list[str] = []
    OPENAI_API_KEY: str
    UPLOAD_DIR: str = "/srv/uploads"
    HTTP_TIMEOUT_S: float = 10.0
    DB_POOL_SIZE: int = 10
    DB_MAX_OVERFLOW: int = 5
    LOG_LEVEL: str = "INFO"
    RATE_LIMIT_DEFAULT: str = "60/minute"

    @field_validator("DB_POOL_SIZE")
    @classmethod
    def positive_pool(cls, value: int) -> int:
        if value < 1:
            raise ValueError("DB_POOL_SIZE must be positive")
        return value


settings = Settings()
