#!/usr/bin/env bash
# The fast tier alone: the pure core (pytest -m core), on SQLite, in about a minute on two cores.
# The other tiers (web, browser, libreoffice, consumers, postgres) and ruff, mypy and
# check-library run with scripts/test.sh. Other pytest arguments are passed on (-x, -k …, a path).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
exec .venv/bin/pytest -n "${PYTEST_WORKERS:-2}" -m "core and not postgres" "$@"
