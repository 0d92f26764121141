import os
from pathlib import Path


def _require(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise RuntimeError(f"environment variable {name} is required")
    return value


SUPABASE_URL = _require("SUPABASE_URL")
SUPABASE_SERVICE_KEY = _require("SUPABASE_SERVICE_ROLE_KEY")

TRAINING_SECRET = os.environ.get("TRAINING_SERVER_SECRET", "local-dev-secret")

DATA_ROOT = Path(os.environ.get("TRAINING_DATA_ROOT", "/data")).resolve()
LOGS_DIR = Path(os.environ.get("LOGS_DIR", str(DATA_ROOT / "logs"))).resolve()
DATASETS_DIR = DATA_ROOT / "datasets"
TRAIN_SCRIPT = Path(__file__).with_name("train.py")

MAX_CONCURRENT_JOBS = int(os.environ.get("MAX_CONCURRENT_JOBS", "2"))
ALLOWED_BASE_MODELS = {
    m.strip()
    for m in os.environ.get(
        "ALLOWED_BASE_MODELS", "Qwen/Qwen2.5-0.5B,Qwen/Qwen2.5-1.5B,meta-llama/Llama-3.2-1B"
    ).split(",")
    if m.strip()
}
