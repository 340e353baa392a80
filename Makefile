# One task runner; CI runs the same commands (.ci/run calls `make test`).
.PHONY: run test lint venv clean

PYTHON ?= python3
VENV ?= .venv

run:
	@./bin/run

test:
	@./bin/test

lint:
	@./bin/test --lint-only

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
