#!/usr/bin/env bash
# Set up gongkai in .venv and check the bundled sample reports (the README's first command).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
status=0
.venv/bin/gongkai check samples/ || status=$?
# Exit code 1 only means the samples contain errors (they do: that is what gongkai finds).
if [ "$status" -gt 1 ]; then exit "$status"; fi
echo
echo "三张表的读数示例：.venv/bin/gongkai show samples/2021_赣州经开区党政办.txt"
