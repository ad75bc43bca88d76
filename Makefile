# The README's two commands: `make run` and `make test`. Both bootstrap .venv from the pinned
# lock file and reinstall when pyproject.toml or the lock changes. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
LOCK   := requirements/dev.lock
STAMP  := $(VENV)/.installed
LOG    := $(VENV)/pip.log
PIP    := $(BIN)/python -m pip --disable-pip-version-check --no-input

SHELL       := bash
.SHELLFLAGS := -eo pipefail -c

# pip's output goes to $(LOG); a terminal sees its latest line, rewritten in place
PROGRESS := while IFS= read -r line; do [ ! -t 1 ] || printf '\r\033[K  %.76s' "$$line"; done; \
	[ ! -t 1 ] || printf '\r\033[K'

.DEFAULT_GOAL := help
.PHONY: help run test lint typecheck pytest bench docs screenshots lock wheel clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-10s %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST)

# The lock is installed by uv (pinned in the lock itself, installed first by pip): about a fifth
# of pip's time (23 s against 105 s on a 2-core machine), bytecode compiled as pip does. pip
# installs it where uv cannot run.
$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "unihook needs Python 3.11+")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "setting up $(VENV) from $(LOCK) (the installer's log: $(LOG))"
	@{ $(PIP) install --progress-bar off "$$(grep '^uv==' $(LOCK) | cut -d' ' -f1)" \
		&& $(BIN)/uv pip install --python $(BIN)/python --compile-bytecode -r $(LOCK) -e . \
		|| $(PIP) install --progress-bar off -r $(LOCK) -e . ; } 2>&1 | tee $(LOG) | { $(PROGRESS); } \
		|| { cat $(LOG); echo "installing failed: see $(LOG)" >&2; exit 1; }
	@touch $(STAMP)

run: $(STAMP) ## start the gateway on an embedded SQLite database
	@$(BIN)/unihook serve

# mypy (about 20 s of CPU, more on a fresh clone with no cache) runs beside pytest, whose
# workers leave part of the cores idle while tests wait on processes and sockets; its output is
# shown only when it fails. lint first sets up the venv, so the two never install it at once.
test: lint ## ruff, mypy and the whole test suite
	@log=$$(mktemp); $(MAKE) --no-print-directory typecheck >"$$log" 2>&1 & typecheck=$$!; \
	status=0; $(MAKE) --no-print-directory pytest || status=$$?; \
	if ! wait $$typecheck; then cat "$$log"; echo "make test: mypy failed"; status=1; fi; \
	rm -f "$$log"; exit $$status

lint: $(STAMP) ## ruff check, ruff format --check and the import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP) ## mypy --strict on schemas, providers and gateway
	$(BIN)/mypy

# pytest-xdist workers: one and a half per core, as many tests spend part of their time waiting
# on the processes, servers and browser they start (on 2 cores: 3 workers took 528 s, 2 took
# 672 s, 4 took 558 s). PYTEST_WORKERS=0 runs the tests in one process.
PYTEST_WORKERS ?= $(shell $(PYTHON) -c "import os; n = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count() or 1; print(max(1, n * 3 // 2))")

pytest: $(STAMP) ## the test suite in parallel (PYTEST_ARGS="tests/x -k y" to narrow it)
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: $(STAMP) ## the benchmarks in bench/
	$(BIN)/python -m bench

docs: $(STAMP) ## regenerate the generated parts of docs/
	$(BIN)/python -m gateway.docgen
	$(BIN)/python -m gateway.settingsdoc

screenshots: $(STAMP) ## the console's pages at 390 and 1280 px into docs/img/console/ (Chromium)
	UNIHOOK_CONSOLE_SCREENSHOTS=$(CURDIR)/docs/img/console \
		$(BIN)/pytest -p no:cacheprovider -q tests/console/test_layout.py

lock: $(STAMP) ## re-pin the lock file after editing pyproject.toml (LOCK_ARGS=--upgrade for newer)
	$(BIN)/uv pip compile pyproject.toml --group dev --extra otel --extra rabbitmq --extra nats --extra sqs \
		--universal \
		--python-version 3.11 --no-header --annotation-style line --quiet $(LOCK_ARGS) -o $(LOCK)

wheel: $(STAMP) ## build the sdist and wheel into dist/
	$(BIN)/python -m build

clean: ## remove .venv, caches and build output
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
