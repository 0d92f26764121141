PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bench-load docs clean

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "need $(PY) (set PY=python3)"; exit 2; }
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	mkdir -p reports
	-$(BIN)/prodready audit examples/shop-api --no-cache --no-history --format json --output reports/shop-api.json
	-$(BIN)/prodready audit examples/shop-api --no-cache --no-history --format markdown --output reports/shop-api.md
	-$(BIN)/prodready audit examples/shop-api --no-cache --no-history --format html --output reports/shop-api.html
	-$(BIN)/prodready audit examples/shop-api --no-cache --no-history --format sarif --output reports/shop-api.sarif
	-$(BIN)/prodready audit examples/shop-api-fixed --no-cache --no-history --format json --output reports/shop-api-fixed.json
	$(BIN)/prodready audit examples/shop-api --no-cache --no-history --no-progress || true
	@echo "reports written to reports/"

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/python -m pytest

docs: $(STAMP)
	$(BIN)/prodready rules --format markdown > docs/rules.md

bench: $(STAMP) bench-load
	$(BIN)/python bench/run.py

bench-load: $(STAMP)
	$(BIN)/python bench/load_compare.py

clean:
	rm -rf $(VENV) reports .prodready
