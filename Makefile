# toolproof — the usual targets. `make run` and `make test` set up everything they need.
# Debian's python3, the platform's own (built with PGO: every figure in the README's
# performance section was measured on it; an unoptimised pyenv build that shadows it on
# PATH runs this code ~1.6x slower). PY=python3.12 make install picks another.
PY ?= $(firstword $(wildcard /usr/bin/python3) python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT := build

.PHONY: install run test test-fast lint format typecheck check bench clean sandbox-image docker service-image postgres samples

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PY) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3-venv is missing; installing it from Debian"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PY) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,ray]'
	@touch $(STAMP)

## Verify the bundled ToolACE sample end to end (rules layer), print the summary, write the report.
run: install
	@mkdir -p $(OUT)
	$(BIN)/toolproof verify examples/toolace_sharegpt_100.json --layers rules \
	  --out $(OUT)/results.jsonl --report $(OUT)/report.html --junit $(OUT)/junit.xml

## Set up and run every test.
test: install docker postgres
	$(BIN)/pytest

## Build the sandbox image offline (debootstrap base, RestrictedPython wheel), cached by hash.
sandbox-image: install
	images/build-image.sh

## Build the service image (top-level Dockerfile) offline: wheels made on the host, the
## debootstrap base of images/ (BASE=python:3.11-slim where a registry is reachable);
## cached by a hash of the sources.
service-image: install
	images/build-service-image.sh

## Make a Docker engine answer (installs docker.io, starts dockerd --bridge=none) and build
## the sandbox and service images; where that fails the docker tests skip (the reason is
## printed above), unless TOOLPROOF_REQUIRE_DOCKER=1.
docker: install
	@fail() { \
	  if [ "$$TOOLPROOF_REQUIRE_DOCKER" = 1 ]; then echo "$$1" >&2; exit 1; fi; \
	  echo "$$1: $$2 will skip" >&2; }; \
	if images/docker-bootstrap.sh && images/build-image.sh; then \
	  images/build-service-image.sh || fail "service image build failed" "its test"; \
	else fail "docker setup failed" "the docker tests"; fi

## PostgreSQL binaries for the store tests (they start a private cluster of their own).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing postgresql from Debian"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } \
	      >/dev/null 2>&1 || echo "postgresql install failed: its tests will skip" >&2; \
	  else echo "no PostgreSQL here: its tests will skip" >&2; fi; }

test-fast: install
	$(BIN)/pytest -m "not slow and not docker"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy

check: lint typecheck test

bench: install
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(OUT) .mypy_cache .ruff_cache .pytest_cache

## Regenerate docs/synthesis-samples.md: 20 random APIs and 10 random dialogs of the
## default offline synthesis run (a few minutes on 2 cores).
samples: install
	$(BIN)/python scripts/synthesis_samples.py
