"""Fine-tuning entry point launched by the training server as a subprocess."""
import argparse
import json
import logging
import sys

import torch
from datasets import load_dataset
from peft import LoraConfig, get_peft_model
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    DataCollatorForLanguageModeling,
    Trainer,
    TrainingArguments,
)

logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("train")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    args = parser.parse_args()

    with open(args.config) as fh:
        cfg = json.load(fh)

    tokenizer = AutoTokenizer.from_pretrained(cfg["model_name"])
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(
        cfg["model_name"], torch_dtype=torch.bfloat16 if torch.cuda.is_available() else torch.float32
    )
    model = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, task_type="CAUSAL_LM"))

    ds = load_dataset("json", data_files=cfg["dataset_path"], split="train")
    ds = ds.map(
        lambda batch: tokenizer(batch["text"], truncation=True, max_length=1024),
        batched=True,
        remove_columns=ds.column_names,
    )

    output_dir = cfg["dataset_path"].rsplit("/", 1)[0] + "/output"
    trainer = Trainer(
        model=model,
        args=TrainingArguments(
            output_dir=output_dir,
            num_train_epochs=cfg["epochs"],
            per_device_train_batch_size=cfg["batch_size"],
            learning_rate=cfg["learning_rate"],
            logging_steps=10,
            save_strategy="epoch",
            report_to=[],
        ),
        train_dataset=ds,
        data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False),
    )
    trainer.train()
    trainer.save_model(output_dir)
    log.info("training finished, adapter saved to %s", output_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
