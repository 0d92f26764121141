"""API behaviour against an in-memory database and a fake Redis."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from app import create_app
from app.auth import generate_api_key, hash_api_key
from app.config import Settings
from app.models import ApiKey, Base, JobStatus, Owner, TrainingJob


@pytest.fixture
def env(tmp_path, fake_redis, monkeypatch):
    monkeypatch.setenv("DATA_ROOT", str(tmp_path / "data"))
    monkeypatch.setenv("LOGS_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("MAX_ACTIVE_JOBS_PER_OWNER", "2")
    monkeypatch.setenv("RATE_LIMIT_TRAINING_EXECUTE", "3/minute")
    settings = Settings.from_env()
    engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    Base.metadata.create_all(engine)
    app = create_app(settings, redis_client=fake_redis, engine=engine)

    def make_owner(scopes="training"):
        raw = generate_api_key()
        with Session(engine) as s:
            owner = Owner(name=f"owner-{uuid.uuid4().hex[:6]}")
            s.add(owner)
            s.flush()
            s.add(ApiKey(owner_id=owner.id, prefix=raw[:8], key_hash=hash_api_key(raw, settings.api_key_pepper),
                         scopes=scopes))
            s.commit()
            owner_id = str(owner.id)
        dataset_dir = tmp_path / "data" / owner_id / "datasets"
        dataset_dir.mkdir(parents=True)
        (dataset_dir / "train.jsonl").write_text('{"text": "hello"}\n')
        return owner_id, {"Authorization": f"Bearer {raw}"}

    return app.test_client(), make_owner, engine, fake_redis


BODY = {"base_model": "meta/llama-3-8b", "dataset_path": "datasets/train.jsonl", "hyperparameters": {"epochs": 2}}


def test_liveness_needs_no_auth(env):
    client, *_ = env
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["X-Request-ID"]


def test_routes_require_a_valid_key(env):
    client, *_ = env
    assert client.post("/api/training/execute", json=BODY).status_code == 401
    bad = {"Authorization": "Bearer tp_" + "A" * 43}
    assert client.get("/api/filesystem/list", headers=bad).status_code == 401


def test_execute_queues_job_and_wakes_worker(env):
    client, make_owner, _, fake_redis = env
    _, headers = make_owner()
    response = client.post("/api/training/execute", json=BODY, headers=headers)
    assert response.status_code == 201
    assert response.json["status"] == "queued"
    assert fake_redis.data["training:wakeup"] == [response.json["id"]]


def test_idempotent_replay_returns_same_job(env):
    client, make_owner, *_ = env
    _, headers = make_owner()
    headers = {**headers, "Idempotency-Key": "submit-0001"}
    first = client.post("/api/training/execute", json=BODY, headers=headers)
    second = client.post("/api/training/execute", json=BODY, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json["id"] == second.json["id"]


def test_quota_and_rate_limit(env):
    client, make_owner, *_ = env
    _, headers = make_owner()
    codes = [client.post("/api/training/execute", json=BODY, headers=headers).status_code for _ in range(4)]
    assert codes == [201, 201, 409, 429]


def test_jobs_are_invisible_to_other_owners(env):
    client, make_owner, *_ = env
    _, alice = make_owner()
    _, bob = make_owner()
    job_id = client.post("/api/training/execute", json=BODY, headers=alice).json["id"]
    assert client.get(f"/api/training/{job_id}", headers=bob).status_code == 404
    assert client.post(f"/api/training/cancel/{job_id}", headers=bob).status_code == 404
    assert client.post(f"/api/training/cancel/{job_id}", headers=alice).status_code == 202


def test_cancel_and_pause_transitions(env):
    client, make_owner, engine, _ = env
    _, headers = make_owner()
    job_id = client.post("/api/training/execute", json=BODY, headers=headers).json["id"]
    assert client.post(f"/api/training/pause/{job_id}", headers=headers).json["status"] == "paused"
    assert client.post(f"/api/training/resume/{job_id}", headers=headers).json["status"] == "queued"
    with Session(engine) as s:
        s.get(TrainingJob, uuid.UUID(job_id)).status = JobStatus.RUNNING
        s.commit()
    response = client.post(f"/api/training/cancel/{job_id}", headers=headers)
    assert response.status_code == 202 and response.json["status"] == "running"
    with Session(engine) as s:
        assert s.get(TrainingJob, uuid.UUID(job_id)).cancel_requested is True


def test_force_start_needs_admin_scope(env):
    client, make_owner, *_ = env
    _, headers = make_owner()
    job_id = client.post("/api/training/execute", json=BODY, headers=headers).json["id"]
    assert client.post(f"/api/training/{job_id}/force-start", headers=headers).status_code == 403


def test_filesystem_is_confined(env):
    client, make_owner, *_ = env
    _, alice = make_owner()
    bob_id, _ = make_owner()
    listing = client.get("/api/filesystem/list?path=datasets", headers=alice)
    assert [e["name"] for e in listing.json["entries"]] == ["train.jsonl"]
    escaped = client.get(f"/api/filesystem/read?path=../{bob_id}/datasets/train.jsonl", headers=alice)
    assert escaped.status_code == 422
    read = client.get("/api/filesystem/read?path=datasets/train.jsonl&length=5", headers=alice)
    assert read.data == b'{"tex'


def test_oversized_and_invalid_bodies(env):
    client, make_owner, *_ = env
    _, headers = make_owner()
    assert client.post("/api/training/execute", data="x" * 300_000, headers={**headers, "Content-Type": "application/json"}).status_code == 413
    bad = {**BODY, "hyperparameters": {"epochs": 10_000}}
    assert client.post("/api/training/validate", json=bad, headers=headers).status_code == 422


def test_repeated_auth_failures_are_throttled(env, monkeypatch):
    client, *_ = env
    bad = {"Authorization": "Bearer tp_" + "B" * 43}
    codes = [client.get("/api/training/jobs", headers=bad).status_code for _ in range(21)]
    assert codes[:20] == [401] * 20
    assert codes[20] == 429
