# duskspec: two commands for a newcomer (`make run`, `make test`), the rest for maintainers.
# Every target creates .venv and installs the package when needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test unit model-check vectors verify-vectors bench lint clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

## run: 32 provisioners run Succinct Attestation over Kadcast until 20 blocks are final
run: $(STAMP)
	$(BIN)/duskspec simulate

## test: unit and property tests, then the TLC model checks, then the vector replay
test: $(STAMP)
	$(BIN)/python -m pytest
	$(BIN)/duskspec model-check
	$(BIN)/duskspec vectors verify

unit: $(STAMP)
	$(BIN)/python -m pytest

model-check: $(STAMP)
	$(BIN)/duskspec model-check

## vectors: regenerate conformance-vectors/ (commit the result)
vectors: $(STAMP)
	$(BIN)/duskspec vectors generate

verify-vectors: $(STAMP)
	$(BIN)/duskspec vectors verify

bench: $(STAMP)
	$(BIN)/duskspec bench

lint: $(STAMP)
	$(BIN)/ruff check reference tests
	$(BIN)/ruff format --check reference tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
