# policytext: two commands on a fresh machine with Python 3.11.
#   make demo   set up .venv and run the main job on the bundled sample corpus
#   make test   set up .venv and run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup demo test sample clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: setup
	rm -f corpus.db corpus.db-wal corpus.db-shm
	$(BIN)/policytext ingest corpora/sample --db corpus.db
	$(BIN)/policytext info corpus.db
	$(BIN)/policytext eval --gold corpora/annotations/sample

test: setup
	$(BIN)/pytest -q

sample: setup
	$(BIN)/python corpora/build_sample.py

clean:
	rm -rf $(VENV) corpus.db corpus.db-wal corpus.db-shm .pytest_cache
