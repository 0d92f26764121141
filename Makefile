# The first Python 3.11+ on PATH (override: make test PY=python3.13 VENV=.venv-313).
PY ?= $(firstword $(foreach p,python3.11 python3.12 python3.13 python3,$(if $(shell command -v $(p) >/dev/null 2>&1 && $(p) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo ok),$(p))))
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bench-load bench-startup docs clean

$(STAMP): pyproject.toml
	@test -n "$(PY)" || { echo "need Python 3.11, 3.12 or 3.13 on PATH (or set PY=...)"; exit 2; }
	@command -v $(PY) >/dev/null 2>&1 || { echo "need $(PY) (set PY=python3.1x)"; exit 2; }
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
	$(BIN)/python -m prodready.rules.registry  # src/prodready/rules/_index.py: which rule modules an audit imports
	$(BIN)/python -m prodready.knowledge  # src/prodready/knowledge/_tables.py: the data files as Python literals

bench: $(STAMP) bench-load
	$(BIN)/python bench/run.py

bench-load: $(STAMP)
	$(BIN)/python bench/load_compare.py

bench-startup: $(STAMP)
	$(BIN)/python bench/run.py --startup-only

clean:
	rm -rf $(VENV) .venv-3* .venv-semgrep reports .prodready
