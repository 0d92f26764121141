from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    DATABASE_URL: str = "postgresql://shop:shop@db:5432/shop"
    REDIS_URL: str = "redis://redis:6379/0"
    SECRET_KEY: str = ""
    DEBUG: bool = True
    ENVIRONMENT: str = "development"
    ALLOWED_ORIGINS: list[str] = ["http://localhost:3000"]
    OPENAI_API_KEY: str = ""
    UPLOAD_DIR: str = "/srv/uploads"


settings = Settings()
