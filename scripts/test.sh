#!/usr/bin/env bash
# Set up and run every check: lint, types, library review, then the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
echo "== ruff"; .venv/bin/ruff check src tests bench && .venv/bin/ruff format --check src tests bench
echo "== mypy"; .venv/bin/mypy
echo "== clauses check-library"; .venv/bin/clauses check-library
echo "== pytest"; exec .venv/bin/pytest -n "${PYTEST_WORKERS:-2}" "$@"
