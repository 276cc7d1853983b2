# Set-up on a fresh machine is two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

EXAMPLE := examples/loyalty
EXAMPLE_VENV := $(EXAMPLE)/.venv

.PHONY: demo demo-scaled test check lint example clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# The AsyncAPI project's own JSON Schema of its documents, for the test that validates ours.
ASYNCAPI_SPECS = .cache/npm/node_modules/@asyncapi/specs/schemas/3.0.0.json
$(ASYNCAPI_SPECS):
	npm install --prefix .cache/npm --no-audit --no-fund --silent @asyncapi/specs@6.11.1

demo: $(VENV)/.installed
	rm -rf var/demo
	$(BIN)/tessera --data-dir var/demo demo

# The same demo scaled out: every context in its own PostgreSQL schema as its own role, RabbitMQ
# between them, a worker process per context. It makes a database and a virtual host of its own,
# named tessera_demo_<number>, and removes them (and the roles made in it) afterwards; KEEP=1
# keeps them and says their names. The URLs travel in the environment, never on a command line.
POSTGRES ?= postgresql://postgres@127.0.0.1:5432
RABBITMQ ?= amqp://guest:guest@127.0.0.1:5672
RABBITMQ_USER ?= guest
KEEP ?=

demo-scaled: $(VENV)/.installed
	@name=tessera_demo_$$$$; \
	drop() { \
		psql "$(POSTGRES)/postgres" -qc "DROP DATABASE IF EXISTS $$name WITH (FORCE)"; \
		psql "$(POSTGRES)/postgres" -Atc "SELECT format('DROP ROLE %I;', rolname) FROM pg_roles \
			WHERE rolname LIKE 'tessera\_$$name\_%'" | psql "$(POSTGRES)/postgres" -q; \
		rabbitmqctl -q delete_vhost $$name 2>/dev/null; }; \
	if [ -z "$(KEEP)" ]; then trap drop EXIT; fi; \
	psql "$(POSTGRES)/postgres" -qc "CREATE DATABASE $$name" && \
	rabbitmqctl -q add_vhost $$name && \
	rabbitmqctl -q set_permissions -p $$name $(RABBITMQ_USER) '.*' '.*' '.*' && \
	rm -rf var/demo-scaled && \
	TESSERA_DATABASE_URL="$(POSTGRES)/$$name" TESSERA_BROKER_URL="$(RABBITMQ)/$$name" \
		$(BIN)/tessera --data-dir var/demo-scaled demo --worker-processes; \
	status=$$?; \
	if [ -n "$(KEEP)" ]; then echo "kept database and virtual host $$name"; fi; \
	exit $$status

# The fast tier: no server, no process; in well under a minute.
check: lint $(ASYNCAPI_SPECS)
	$(BIN)/pytest -n 2 -m "not server and not process"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy
	$(BIN)/lint-imports importlinter.ini
	$(BIN)/tessera contracts check >/dev/null

# A context added from outside, in a shop's own environment: Tessera and the distribution.
$(EXAMPLE_VENV)/.installed: pyproject.toml $(EXAMPLE)/pyproject.toml
	$(PYTHON) -m venv $(EXAMPLE_VENV)
	$(EXAMPLE_VENV)/bin/pip install --quiet -e '.[dev]' -e $(EXAMPLE)
	touch $@

example: $(EXAMPLE_VENV)/.installed
	cd $(EXAMPLE) && .venv/bin/mypy
	cd $(EXAMPLE) && .venv/bin/lint-imports importlinter.ini
	cd $(EXAMPLE) && .venv/bin/pytest

# Everything: the server tests one at a time (tests/servers.py: the run's connection budget),
# and beside them the tests that need no server, whose report follows.
test: lint $(ASYNCAPI_SPECS)
	@$(BIN)/pytest -m "not server" > .pytest-no-server.log 2>&1 & others=$$!; \
	$(BIN)/pytest -m server; servers=$$?; \
	wait $$others; rest=$$?; cat .pytest-no-server.log; rm -f .pytest-no-server.log; \
	test $$servers -eq 0 && test $$rest -eq 0
	$(MAKE) example

clean:
	rm -rf $(VENV) $(EXAMPLE_VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
