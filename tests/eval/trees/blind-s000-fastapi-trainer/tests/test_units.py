import pytest
from pydantic import ValidationError

from app import auth
from app.schemas import LoraConfig, TrainingConfig

DATASET_ID = "3f0c6a52-4b7e-4d0e-9d43-1c2b8a5e9f10"


def test_defaults_are_lora():
    cfg = TrainingConfig(base_model="meta-llama/Llama-3.2-1B", dataset_id=DATASET_ID)
    assert cfg.method == "lora"
    assert cfg.lora == LoraConfig()


@pytest.mark.parametrize("model_id", ["../etc/passwd", "a b/c", "", "org/name/extra"])
def test_rejects_bad_model_ids(model_id):
    with pytest.raises(ValidationError):
        TrainingConfig(base_model=model_id, dataset_id=DATASET_ID)


def test_learning_rate_bounds():
    with pytest.raises(ValidationError):
        TrainingConfig(base_model="org/model", dataset_id=DATASET_ID, learning_rate=1.0)


def test_lora_rank_bounds():
    with pytest.raises(ValidationError):
        LoraConfig(r=0)



def test_sliding_window_blocks_after_limit(monkeypatch):
    monkeypatch.setattr(auth.settings, "api_rate_limit_per_key", 3)
    auth._request_log.clear()
    results = [auth.check_rate_limit("k1")[0] for _ in range(4)]
    assert results == [True, True, True, False]


def test_keys_are_independent(monkeypatch):
    monkeypatch.setattr(auth.settings, "api_rate_limit_per_key", 1)
    auth._request_log.clear()
    assert auth.check_rate_limit("a")[0]
    assert auth.check_rate_limit("b")[0]
    assert not auth.check_rate_limit("a")[0]
