#!/usr/bin/env bash
# Set up and start the web application on the embedded SQLite database.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/clauses serve "$@"
