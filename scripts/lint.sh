#!/usr/bin/env bash
# Set up gongkai with its lint tools in .venv, then ruff (src, tests, bench) and mypy --strict (src).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test,lint]'
.venv/bin/ruff check src tests bench synth
.venv/bin/mypy
