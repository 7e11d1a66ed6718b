# Nara — the two commands are `make demo` and `make test` (see README.md).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PYTEST_WORKERS ?= 2

.PHONY: demo test lint bench serve migrate debian-packages clean

demo: $(STAMP)
	$(VENV)/bin/nara demo

test: $(TEST_STAMP) lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -p no:cacheprovider

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check src tests scripts bench conformance/govstack/fixture.py
	$(VENV)/bin/ruff format --check src tests scripts bench conformance/govstack/fixture.py
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(TEST_STAMP)
	$(PY) -m bench
	$(PY) -m bench.messagelog
	$(PY) -m bench.exchange
	$(PY) -m bench.exchange_nodes
	$(PY) -m bench.exchange_cpu
	$(PY) -m bench.documents
	$(PY) -m bench.portal
	$(PY) -m bench.lifeevents

serve: $(STAMP)
	$(VENV)/bin/nara serve

migrate: $(STAMP)
	$(VENV)/bin/nara db upgrade

debian-packages:
	scripts/ensure-debian-packages

$(STAMP): pyproject.toml | debian-packages
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	scripts/ensure-debian-packages --test
	$(PIP) install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) var build *.egg-info
