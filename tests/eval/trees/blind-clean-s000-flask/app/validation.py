"""Validation of training requests and query parameters."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from app.errors import ValidationError

_MODEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}(/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?$")
_IDEMPOTENCY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_ALLOWED_TOP_LEVEL = {"base_model", "dataset_path", "hyperparameters"}
_DATASET_SUFFIXES = (".jsonl", ".json", ".csv", ".parquet")


@dataclass(frozen=True)
class IntRange:
    minimum: int
    maximum: int
    default: int | None = None


@dataclass(frozen=True)
class FloatRange:
    minimum: float
    maximum: float
    default: float | None = None


HYPERPARAMETERS: dict[str, IntRange | FloatRange] = {
    "epochs": IntRange(1, 50, 3),
    "batch_size": IntRange(1, 256, 8),
    "gradient_accumulation_steps": IntRange(1, 64, 1),
    "max_seq_length": IntRange(16, 8192, 1024),
    "lora_rank": IntRange(1, 256, 16),
    "seed": IntRange(0, 2**31 - 1, 42),
    "learning_rate": FloatRange(1e-7, 1.0, 2e-4),
    "warmup_ratio": FloatRange(0.0, 0.5, 0.03),
    "weight_decay": FloatRange(0.0, 1.0, 0.0),
}


@dataclass(frozen=True)
class TrainingSpec:
    base_model: str
    dataset_path: str
    hyperparameters: dict[str, Any] = field(default_factory=dict)


def _check_int(name: str, value: Any, rule: IntRange) -> int:
    # bool is a subclass of int; "epochs": true is a client bug, not 1 epoch.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"hyperparameters.{name} must be an integer")
    if not rule.minimum <= value <= rule.maximum:
        raise ValidationError(f"hyperparameters.{name} must be between {rule.minimum} and {rule.maximum}")
    return value


def _check_float(name: str, value: Any, rule: FloatRange) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"hyperparameters.{name} must be a number")
    value = float(value)
    if not math.isfinite(value) or not rule.minimum <= value <= rule.maximum:
        raise ValidationError(f"hyperparameters.{name} must be between {rule.minimum} and {rule.maximum}")
    return value


def validate_training_request(payload: Any) -> TrainingSpec:
    if not isinstance(payload, dict):
        raise ValidationError("request body must be a JSON object")
    unknown = set(payload) - _ALLOWED_TOP_LEVEL
    if unknown:
        raise ValidationError("unknown fields", details={"fields": sorted(unknown)[:20]})

    base_model = payload.get("base_model")
    if not isinstance(base_model, str) or not _MODEL_RE.fullmatch(base_model) or ".." in base_model:
        raise ValidationError("base_model must look like 'org/name'")

    dataset_path = payload.get("dataset_path")
    if not isinstance(dataset_path, str) or not dataset_path.strip():
        raise ValidationError("dataset_path is required")
    if not dataset_path.lower().endswith(_DATASET_SUFFIXES):
        raise ValidationError(f"dataset_path must end with one of {', '.join(_DATASET_SUFFIXES)}")

    raw_hp = payload.get("hyperparameters", {})
    if not isinstance(raw_hp, dict):
        raise ValidationError("hyperparameters must be an object")
    unknown_hp = set(raw_hp) - set(HYPERPARAMETERS)
    if unknown_hp:
        raise ValidationError("unknown hyperparameters", details={"fields": sorted(unknown_hp)[:20]})

    hyperparameters: dict[str, Any] = {}
    for name, rule in HYPERPARAMETERS.items():
        if name not in raw_hp:
            hyperparameters[name] = rule.default
        elif isinstance(rule, IntRange):
            hyperparameters[name] = _check_int(name, raw_hp[name], rule)
        else:
            hyperparameters[name] = _check_float(name, raw_hp[name], rule)

    tokens_per_step = hyperparameters["batch_size"] * hyperparameters["max_seq_length"]
    if tokens_per_step > 262_144:
        raise ValidationError("batch_size * max_seq_length must not exceed 262144")

    return TrainingSpec(base_model=base_model, dataset_path=dataset_path, hyperparameters=hyperparameters)


def validate_idempotency_key(value: str | None) -> str | None:
    if value is None:
        return None
    if not _IDEMPOTENCY_RE.fullmatch(value):
        raise ValidationError("Idempotency-Key must be 8-64 characters of [A-Za-z0-9_-]")
    return value


def bounded_int(raw: str | None, *, name: str, default: int, minimum: int, maximum: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValidationError(f"{name} must be an integer") from exc
    if not minimum <= value <= maximum:
        raise ValidationError(f"{name} must be between {minimum} and {maximum}")
    return value
