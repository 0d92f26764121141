"""Worker state retention, disk retention and trainer process handling."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import pytest

from worker.process import EXIT_INTERRUPTED, spawn_trainer, terminate_many, terminate_process_gracefully
from worker.retention import cleanup_expired
from worker.state import FailedPersistCache, JobTable, LocalJob, PendingResult

IGNORES_SIGTERM = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"


def _result(job_id: str) -> PendingResult:
    return PendingResult(job_id=job_id, status="succeeded", exit_code=0, error=None, metrics=None,
                         base_model="m/x", artifact_uri=None)


class TestJobTable:
    def test_finished_jobs_expire_after_retention(self, frozen_clock):
        table = JobTable(retention_seconds=3600, clock=frozen_clock)
        table.add(LocalJob("a", None, frozen_clock(), "m/x", "/tmp/a"))
        table.add(LocalJob("b", None, frozen_clock(), "m/x", "/tmp/b"))
        table.mark_finished("a", "succeeded")
        frozen_clock.now += 3599
        assert table.cleanup() == 0
        frozen_clock.now += 2
        assert table.cleanup() == 1
        assert table.get("a") is None
        assert table.running_ids() == ["b"]


class TestFailedPersistCache:
    def test_evicts_oldest_first(self):
        cache = FailedPersistCache(max_entries=3)
        for name in "abcd":
            cache.put(_result(name))
        assert len(cache) == 3
        assert "a" not in cache
        assert [r.job_id for r in cache.snapshot()] == ["b", "c", "d"]

    def test_reput_refreshes_position(self):
        cache = FailedPersistCache(max_entries=2)
        cache.put(_result("a"))
        cache.put(_result("b"))
        cache.put(_result("a"))
        cache.put(_result("c"))
        assert "a" in cache and "b" not in cache


class TestRetention:
    def test_removes_only_expired_unprotected_service_files(self, tmp_path):
        logs, jobs = tmp_path / "logs", tmp_path / "jobs"
        logs.mkdir()
        jobs.mkdir()
        old_id, live_id, new_id = (str(uuid.uuid4()) for _ in range(3))
        now = time.time()
        week = 7 * 24 * 3600
        for job_id in (old_id, live_id, new_id):
            (logs / f"job_{job_id}.log").write_text("x")
            (jobs / job_id).mkdir()
            (jobs / job_id / "config.json").write_text("{}")
        (logs / "unrelated.txt").write_text("keep me")
        outside = tmp_path / "outside"
        outside.mkdir()
        (outside / "precious").write_text("keep")
        os.symlink(outside, jobs / str(uuid.uuid4()))
        for job_id in (old_id, live_id):
            os.utime(logs / f"job_{job_id}.log", (now - week - 10, now - week - 10))
            os.utime(jobs / job_id, (now - week - 10, now - week - 10))

        removed = cleanup_expired(logs, jobs, retention_seconds=week, protected_job_ids={live_id}, now=now)

        assert removed["logs"] == 1 and removed["job_dirs"] == 1
        assert not (logs / f"job_{old_id}.log").exists()
        assert (logs / f"job_{live_id}.log").exists()
        assert (jobs / new_id).exists()
        assert (logs / "unrelated.txt").exists()
        assert (outside / "precious").exists()


class TestProcesses:
    def test_sigterm_is_enough_for_a_cooperative_child(self):
        proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
        assert terminate_process_gracefully(proc, grace_seconds=5) is not None
        assert proc.returncode != 0

    def test_escalates_to_sigkill(self):
        proc = subprocess.Popen([sys.executable, "-c", IGNORES_SIGTERM], stdout=subprocess.PIPE,
                                start_new_session=True)
        proc.stdout.readline()
        started = time.monotonic()
        code = terminate_process_gracefully(proc, grace_seconds=0.5)
        proc.stdout.close()
        assert code == -9
        assert time.monotonic() - started < 10

    def test_terminate_many_shares_one_deadline(self):
        procs = [subprocess.Popen([sys.executable, "-c", IGNORES_SIGTERM], stdout=subprocess.PIPE,
                                  start_new_session=True) for _ in range(3)]
        for p in procs:
            p.stdout.readline()
        started = time.monotonic()
        codes = terminate_many(procs, grace_seconds=0.5)
        for p in procs:
            p.stdout.close()
        assert set(codes.values()) == {-9}
        assert time.monotonic() - started < 5

    def test_trainer_checkpoints_on_sigterm(self, tmp_path, monkeypatch):
        dataset = tmp_path / "train.jsonl"
        dataset.write_text("\n".join('{"text": "x"}' for _ in range(50_000)))
        config = tmp_path / "config.json"
        config.write_text(json.dumps({
            "base_model": "m/x", "dataset_abspath": str(dataset),
            "hyperparameters": {"epochs": 50, "batch_size": 1, "gradient_accumulation_steps": 1,
                                "learning_rate": 1e-6, "seed": 1, "lora_rank": 8},
        }))
        monkeypatch.setenv("PYTHONPATH", str(os.path.dirname(os.path.dirname(__file__))))
        log_path = tmp_path / "job.log"
        proc = spawn_trainer(python=sys.executable, config_path=config, output_dir=tmp_path / "out",
                             log_path=log_path, cwd=tmp_path, resume=False)
        deadline = time.monotonic() + 20
        while '"event": "start"' not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert terminate_process_gracefully(proc, grace_seconds=10) == EXIT_INTERRUPTED
        state = json.loads((tmp_path / "out" / "checkpoint" / "state.json").read_text())
        assert state["step"] > 0


@pytest.mark.parametrize("code", [0, 1])
def test_spawn_does_not_leak_log_descriptors(tmp_path, code):
    before = len(os.listdir("/proc/self/fd"))
    proc = spawn_trainer(python=sys.executable, config_path=tmp_path / "missing.json", output_dir=tmp_path,
                         log_path=tmp_path / "job.log", cwd=tmp_path, resume=bool(code))
    proc.wait(timeout=30)
    assert len(os.listdir("/proc/self/fd")) == before


class TestWorkerLoop:
    """The worker's control steps against SQLite and real trainer subprocesses."""

    @pytest.fixture
    def worker_env(self, tmp_path, monkeypatch, fake_redis):
        from sqlalchemy import create_engine
        from sqlalchemy.orm import Session
        from sqlalchemy.pool import StaticPool

        from app.config import Settings
        from app.extensions import build_session_factory
        from app.models import Base, Owner
        from worker.main import TrainingWorker

        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        monkeypatch.setenv("PYTHONPATH", root)
        monkeypatch.setenv("DATA_ROOT", str(tmp_path / "data"))
        monkeypatch.setenv("LOGS_DIR", str(tmp_path / "logs"))
        monkeypatch.setenv("JOBS_DIR", str(tmp_path / "jobs"))
        monkeypatch.setenv("TRAINER_PYTHON", sys.executable)
        monkeypatch.setenv("WORKER_HEARTBEAT_FILE", str(tmp_path / "hb"))
        monkeypatch.setenv("TERMINATE_GRACE_SECONDS", "5")
        settings = Settings.from_env()
        settings.logs_dir.mkdir()
        settings.jobs_dir.mkdir()

        engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
        Base.metadata.create_all(engine)
        with Session(engine) as s:
            owner = Owner(name="o")
            s.add(owner)
            s.commit()
            owner_id = owner.id
        dataset = settings.data_root / str(owner_id) / "ds"
        dataset.mkdir(parents=True)
        (dataset / "small.jsonl").write_text("{}\n" * 100)
        (dataset / "large.jsonl").write_text("{}\n" * 200_000)

        worker = TrainingWorker(settings, build_session_factory(engine), fake_redis, registry=None)
        return worker, engine, owner_id

    @staticmethod
    def _add_job(engine, owner_id, dataset, **fields):
        from sqlalchemy.orm import Session

        from app.models import TrainingJob

        hp = {"epochs": 50, "batch_size": 1, "gradient_accumulation_steps": 1, "learning_rate": 1e-6,
              "seed": 1, "lora_rank": 8}
        with Session(engine) as s:
            job = TrainingJob(owner_id=owner_id, base_model="m/x", dataset_path=f"ds/{dataset}",
                              hyperparameters=hp, **fields)
            s.add(job)
            s.commit()
            return job.id

    @staticmethod
    def _job(engine, job_id):
        from sqlalchemy.orm import Session

        from app.models import TrainingJob

        with Session(engine) as s:
            return s.get(TrainingJob, job_id)

    @staticmethod
    def _drain(worker, timeout=30):
        deadline = time.monotonic() + timeout
        while worker.jobs.running() and time.monotonic() < deadline:
            worker.reap()
            worker.enforce_limits()
            time.sleep(0.05)
        assert not worker.jobs.running()

    def test_runs_a_job_to_success(self, worker_env):
        worker, engine, owner_id = worker_env
        job_id = self._add_job(engine, owner_id, "small.jsonl")
        assert worker.claim_and_start()
        self._drain(worker)
        job = self._job(engine, job_id)
        assert job.status.value == "succeeded"
        assert job.metrics["records"] == 100

    def test_cancel_request_stops_the_trainer(self, worker_env):
        from sqlalchemy.orm import Session

        from app.models import TrainingJob

        worker, engine, owner_id = worker_env
        job_id = self._add_job(engine, owner_id, "large.jsonl")
        worker.claim_and_start()
        with Session(engine) as s:
            s.get(TrainingJob, job_id).cancel_requested = True
            s.commit()
        worker.apply_control_requests()
        self._drain(worker)
        assert self._job(engine, job_id).status.value == "cancelled"

    def test_stale_job_of_a_lost_worker_is_requeued(self, worker_env):
        from datetime import timedelta

        from app.models import JobStatus, utcnow

        worker, engine, owner_id = worker_env
        old = utcnow() - timedelta(hours=1)
        job_id = self._add_job(engine, owner_id, "small.jsonl", status=JobStatus.RUNNING, worker_id="gone-1",
                               attempts=1, heartbeat_at=old)
        spent_id = self._add_job(engine, owner_id, "small.jsonl", status=JobStatus.RUNNING, worker_id="gone-1",
                                 attempts=3, heartbeat_at=old)
        worker.requeue_stale_jobs()
        job = self._job(engine, job_id)
        assert (job.status.value, job.worker_id, job.resume_from_checkpoint) == ("queued", None, True)
        assert self._job(engine, spent_id).status.value == "failed"

    def test_dataset_outside_owner_root_fails_the_job(self, worker_env):
        worker, engine, owner_id = worker_env
        job_id = self._add_job(engine, owner_id, "../../../etc/passwd.jsonl")
        worker.claim_and_start()
        job = self._job(engine, job_id)
        assert job.status.value == "failed" and "dataset unavailable" in job.error
        assert not worker.jobs.running()

    def test_trainer_of_a_reassigned_job_is_stopped(self, worker_env):
        from sqlalchemy.orm import Session

        from app.models import TrainingJob

        worker, engine, owner_id = worker_env
        job_id = self._add_job(engine, owner_id, "large.jsonl")
        worker.claim_and_start()
        with Session(engine) as s:
            s.get(TrainingJob, job_id).worker_id = "someone-else"
            s.commit()
        worker.heartbeat()
        self._drain(worker)
        job = self._job(engine, job_id)
        assert job.worker_id == "someone-else" and job.status.value == "running"
