# policytext: two commands on a fresh machine with Python 3.11.
#   make demo   set up .venv and run the main job on the bundled sample corpus
#   make test   set up .venv and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup system-deps demo test lint sample clean

setup: $(VENV)/.installed system-deps

# Browser tests drive Debian's Chromium; install it when missing and we may (root with apt).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium for the browser tests"; \
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,ocr]'
	touch $@

demo: setup
	rm -f corpus.db corpus.db-wal corpus.db-shm
	$(BIN)/policytext ingest corpora/sample --db corpus.db
	$(BIN)/policytext info corpus.db
	$(BIN)/policytext eval --gold corpora/annotations/sample

# Everything, slow tests included (CI runs this); `pytest` alone skips the tests marked slow.
test: setup
	$(BIN)/pytest -q --slow

# Lint, format check and types, configured in pyproject.toml ([tool.ruff], [tool.mypy]).
lint: setup
	$(BIN)/ruff check policytext tests benchmarks
	$(BIN)/ruff format --check policytext tests benchmarks
	$(BIN)/mypy

sample: setup
	$(BIN)/python corpora/build_sample.py

clean:
	rm -rf $(VENV) corpus.db corpus.db-wal corpus.db-shm .pytest_cache
