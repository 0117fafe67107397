# duskspec: two commands for a newcomer (`make run`, `make test`), the rest for maintainers.
# Every target creates .venv and installs the package when needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# `make help` lists the targets: every line starting with two hashes is its help text.

.PHONY: help run test unit dist mutation mutation-plonk model-check vectors verify-vectors bench lint clean

## help: list the targets
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

## run: 32 provisioners run Succinct Attestation over Kadcast until 20 blocks are final;
##      the report (summary.json and PNG plots) goes to report/, replaced on every run
run: $(STAMP)
	rm -rf report
	$(BIN)/duskspec simulate --report report
	@echo "report: $(CURDIR)/report"

## test: unit and property tests, the TLC model checks and the vector replay; every stage
##       runs even when one fails, then one summary line per stage (exit 1 if any failed)
test: $(STAMP)
	@rc=0; \
	$(BIN)/python -m pytest && s1=passed || { s1=FAILED; rc=1; }; \
	$(BIN)/duskspec model-check && s2=passed || { s2=FAILED; rc=1; }; \
	$(BIN)/duskspec vectors verify && s3=passed || { s3=FAILED; rc=1; }; \
	echo "make test: pytest         $$s1"; \
	echo "make test: model-check    $$s2"; \
	echo "make test: vectors verify $$s3"; \
	exit $$rc

## unit: pytest only (slowest tests listed at the end)
unit: $(STAMP)
	$(BIN)/python -m pytest

## model-check: TLC on every model in models/tla/manifest.json (vendored jar, tools/tla/)
model-check: $(STAMP)
	$(BIN)/duskspec model-check

## vectors: regenerate conformance-vectors/ (commit the result)
vectors: $(STAMP)
	$(BIN)/duskspec vectors generate

## dist: release tarballs of the vectors, one per preset, plus SHA256SUMS, in dist/
##       (byte-for-byte reproducible; the version is spec_version, see CHANGELOG)
dist: $(STAMP)
	$(BIN)/python -m duskspec.vectors.release dist

## mutation: operator mutants of the modules the vectors cover, each replayed against the
##           vectors; prints the score per module and the survivors (tools/mutation.py)
mutation: $(STAMP)
	$(BIN)/python tools/mutation.py

## mutation-plonk: the same for every module of crypto/plonk/ (about an hour of CPU), with
##                 generator-only functions checked by regenerating their handlers
mutation-plonk: $(STAMP)
	$(BIN)/python tools/mutation.py --plonk --regenerate

## verify-vectors: replay conformance-vectors/ against the reference
verify-vectors: $(STAMP)
	$(BIN)/duskspec vectors verify

## bench: side-by-side measurements (duskspec bench)
bench: $(STAMP)
	$(BIN)/duskspec bench

## lint: ruff check, ruff format --check, mypy --strict
lint: $(STAMP)
	$(BIN)/ruff check reference tests
	$(BIN)/ruff format --check reference tests
	$(BIN)/mypy

## clean: remove the venv and caches
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
