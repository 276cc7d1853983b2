# Set-up on a fresh machine is two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

EXAMPLE := examples/loyalty
EXAMPLE_VENV := $(EXAMPLE)/.venv

.PHONY: demo demo-scaled test check example clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	rm -rf var/demo
	$(BIN)/tessera --data-dir var/demo demo

# The same demo scaled out: every context in its own PostgreSQL schema as its own role, RabbitMQ
# between them, a worker process per context. A fresh database and virtual host each time.
POSTGRES ?= postgresql://postgres@127.0.0.1:5432
RABBITMQ ?= amqp://guest:guest@127.0.0.1:5672
SCALED ?= tessera_demo

demo-scaled: $(VENV)/.installed
	psql "$(POSTGRES)/postgres" -qc 'DROP DATABASE IF EXISTS $(SCALED) WITH (FORCE)' -c 'CREATE DATABASE $(SCALED)'
	rabbitmqctl -q delete_vhost $(SCALED) 2>/dev/null || true
	rabbitmqctl -q add_vhost $(SCALED)
	rabbitmqctl -q set_permissions -p $(SCALED) guest '.*' '.*' '.*'
	rm -rf var/demo-scaled
	$(BIN)/tessera --data-dir var/demo-scaled --database-url $(POSTGRES)/$(SCALED) \
		--broker-url $(RABBITMQ)/$(SCALED) demo --worker-processes

check: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy
	$(BIN)/lint-imports importlinter.ini

# A context added from outside, in a shop's own environment: Tessera and the distribution.
$(EXAMPLE_VENV)/.installed: pyproject.toml $(EXAMPLE)/pyproject.toml
	$(PYTHON) -m venv $(EXAMPLE_VENV)
	$(EXAMPLE_VENV)/bin/pip install --quiet -e '.[dev]' -e $(EXAMPLE)
	touch $@

example: $(EXAMPLE_VENV)/.installed
	cd $(EXAMPLE) && .venv/bin/mypy
	cd $(EXAMPLE) && .venv/bin/lint-imports importlinter.ini
	cd $(EXAMPLE) && .venv/bin/pytest

test: check
	$(BIN)/pytest
	$(MAKE) example

clean:
	rm -rf $(VENV) $(EXAMPLE_VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
