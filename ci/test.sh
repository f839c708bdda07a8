#!/usr/bin/env bash
# The README's test command, verbatim: fresh virtual environment, test extra, whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv && .venv/bin/pip install -q -e ".[test]" && .venv/bin/python -m pytest -q
