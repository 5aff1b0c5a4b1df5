#!/usr/bin/env bash
# Set up gongkai in .venv, check the bundled sample reports, store them in a SQLite file and
# show the indicators (the README's first command). No server is needed.
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
.venv/bin/gongkai ingest samples/ --db gongkai.db
.venv/bin/gongkai stats --db gongkai.db --by agency
.venv/bin/gongkai export --db gongkai.db --format xlsx --out gongkai.xlsx
echo
echo "三张表的读数：.venv/bin/gongkai show samples/2021_赣州经开区党政办.txt"
echo "数据库 gongkai.db（SQLite，可用 datasette 打开）；Excel：gongkai.xlsx"
