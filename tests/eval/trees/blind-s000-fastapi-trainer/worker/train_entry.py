"""Trainer entrypoint, executed as a subprocess by the worker.

Reads a JSON config, fine-tunes the base model with LoRA/QLoRA (or full
fine-tuning) and prints ``PROGRESS {json}`` lines the worker turns into events.
Requires the packages in requirements-train.txt (GPU image only).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time

_stop_requested = False


def _request_stop(signum, _frame) -> None:
    global _stop_requested
    _stop_requested = True
    print(f"received signal {signum}; will stop after the current step", flush=True)


def emit(**event) -> None:
    print("PROGRESS " + json.dumps(event), flush=True)


def build_trainer(cfg: dict):
    import torch
    from datasets import load_dataset
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
    from transformers import (
        AutoModelForCausalLM,
        AutoTokenizer,
        BitsAndBytesConfig,
        DataCollatorForLanguageModeling,
        Trainer,
        TrainerCallback,
        TrainingArguments,
    )

    token = os.environ.get("HF_TOKEN")
    tokenizer = AutoTokenizer.from_pretrained(cfg["base_model"], token=token)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token

    quant = None
    if cfg["method"] == "qlora":
        quant = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_compute_dtype=torch.bfloat16)
    model = AutoModelForCausalLM.from_pretrained(
        cfg["base_model"], token=token, quantization_config=quant, torch_dtype=torch.bfloat16
    )
    if cfg["method"] == "qlora":
        model = prepare_model_for_kbit_training(model)
    if cfg["method"] in ("lora", "qlora"):
        lora = cfg["lora"]
        model = get_peft_model(
            model,
            LoraConfig(
                r=lora["r"],
                lora_alpha=lora["alpha"],
                lora_dropout=lora["dropout"],
                target_modules=lora["target_modules"],
                task_type="CAUSAL_LM",
            ),
        )

    raw = load_dataset("json", data_files=cfg["dataset_path"], split="train")

    def tokenize(batch):
        return tokenizer(batch["text"], truncation=True, max_length=cfg["max_seq_length"])

    train_ds = raw.map(tokenize, batched=True, remove_columns=raw.column_names)

    class ProgressCallback(TrainerCallback):
        def on_log(self, args, state, control, logs=None, **kwargs):
            total = max(state.max_steps, 1)
            emit(
                step=state.global_step,
                epoch=int(state.epoch or 0),
                progress=round(state.global_step / total, 4),
                loss=(logs or {}).get("loss"),
            )

        def on_step_end(self, args, state, control, **kwargs):
            if _stop_requested:
                control.should_save = True
                control.should_training_stop = True

    args = TrainingArguments(
        output_dir=cfg["output_dir"],
        num_train_epochs=cfg["epochs"],
        per_device_train_batch_size=cfg["batch_size"],
        gradient_accumulation_steps=cfg["gradient_accumulation_steps"],
        learning_rate=cfg["learning_rate"],
        warmup_ratio=cfg["warmup_ratio"],
        logging_steps=10,
        save_strategy="epoch",
        bf16=True,
        report_to=[],
    )
    return Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False),
        callbacks=[ProgressCallback()],
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, _request_stop)

    with open(args.config, "r", encoding="utf-8") as fh:
        cfg = json.load(fh)

    started = time.time()
    print(f"starting training base_model={cfg['base_model']} method={cfg['method']}", flush=True)
    trainer = build_trainer(cfg)
    trainer.train()
    trainer.save_model(cfg["output_dir"])
    if _stop_requested:
        print("training stopped early on request", flush=True)
        return 143
    emit(progress=1.0, epoch=cfg["epochs"], elapsed_s=round(time.time() - started, 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
