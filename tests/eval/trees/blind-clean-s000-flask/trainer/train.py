"""Trainer subprocess: one fine-tuning run.

Started by the worker as ``python -m trainer.train --config C --output-dir O``.
Progress goes to stdout as JSON lines (the worker redirects it to the job log).
On SIGTERM the trainer finishes the current step, writes a checkpoint and exits
with EXIT_INTERRUPTED so the worker can pause, cancel or requeue the job.

This module owns the loop, checkpointing and the result-file contract with the
worker; ``train_step`` is where the ML backend plugs in.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_CONFIG = 2
EXIT_INTERRUPTED = 3

MAX_DATASET_RECORDS = 5_000_000
CHECKPOINT_EVERY_STEPS = 200

_stop_requested = False


def _request_stop(signum, _frame) -> None:
    global _stop_requested
    _stop_requested = True
    emit("signal", signal=signal.Signals(signum).name)


def emit(event: str, **fields) -> None:
    fields.update(event=event, ts=time.time())
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def atomic_write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(payload, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def count_records(dataset: Path) -> int:
    count = 0
    with open(dataset, "rb") as fh:
        for _ in fh:
            count += 1
            if count > MAX_DATASET_RECORDS:
                raise ValueError(f"dataset has more than {MAX_DATASET_RECORDS} records")
    return count


def load_checkpoint(output_dir: Path) -> dict | None:
    path = output_dir / "checkpoint" / "state.json"
    try:
        with open(path) as fh:
            return json.load(fh)
    except FileNotFoundError:
        return None


def train_step(loss: float, hp: dict) -> float:
    """One optimiser step. Deterministic for a given seed so runs are reproducible."""
    return max(0.05, loss * (1 - hp["learning_rate"] * 5) + random.uniform(-0.01, 0.01))


def train(config: dict, output_dir: Path, resume: bool) -> int:
    hp = config["hyperparameters"]
    dataset = Path(config["dataset_abspath"])
    records = count_records(dataset)
    if records == 0:
        emit("error", message="dataset is empty")
        return EXIT_BAD_CONFIG

    steps_per_epoch = max(1, math.ceil(records / (hp["batch_size"] * hp["gradient_accumulation_steps"])))
    total_steps = steps_per_epoch * hp["epochs"]
    random.seed(hp["seed"])

    step, loss = 0, 2.5
    if resume:
        state = load_checkpoint(output_dir)
        if state is not None:
            step, loss = int(state["step"]), float(state["loss"])
            emit("resumed", step=step)
        else:
            emit("warning", message="no checkpoint found, starting from scratch")

    emit("start", base_model=config["base_model"], records=records, total_steps=total_steps)
    while step < total_steps:
        loss = train_step(loss, hp)
        step += 1
        if step % 20 == 0 or step == total_steps:
            emit("progress", step=step, total_steps=total_steps, loss=round(loss, 5))
        if step % CHECKPOINT_EVERY_STEPS == 0 or _stop_requested:
            atomic_write_json(output_dir / "checkpoint" / "state.json", {"step": step, "loss": loss})
        if _stop_requested:
            emit("interrupted", step=step)
            return EXIT_INTERRUPTED

    atomic_write_json(output_dir / "adapter" / "adapter_config.json",
                      {"base_model": config["base_model"], "lora_rank": hp["lora_rank"]})
    atomic_write_json(output_dir / "result.json",
                      {"final_loss": round(loss, 5), "steps": step, "records": records})
    emit("done", steps=step, final_loss=round(loss, 5))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--output-dir", required=True, type=Path)
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGTERM, _request_stop)
    signal.signal(signal.SIGINT, _request_stop)

    try:
        with open(args.config) as fh:
            config = json.load(fh)
        config["hyperparameters"]["epochs"]  # noqa: B018 - fail fast on a malformed config
    except (OSError, ValueError, KeyError, TypeError) as exc:
        emit("error", message=f"invalid config: {exc}")
        return EXIT_BAD_CONFIG

    try:
        return train(config, args.output_dir, args.resume)
    except Exception as exc:  # noqa: BLE001 - reported to the worker through the exit code
        emit("error", message=str(exc), type=type(exc).__name__, traceback=traceback.format_exc())
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
