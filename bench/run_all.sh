#!/usr/bin/env bash
# Run the whole benchmark with the defaults: the full 58,083-document corpus,
# govsearch vs SQLite FTS5 vs plain Whoosh. Results land in bench/out/.
#
# speed.py goes first because it times the index builds; relevance.py then
# reuses those same indexes (bench/out/indexes/) instead of building them a
# second time, and runs all its parts (title and body known-item kinds,
# phrase precision, paging). Extra arguments are passed to both, so only the common ones
# (--docs, --sample, --systems, --seed, --index-root, --out) belong here.
#
#   bench/run_all.sh                 # full run, ~15 min on 2 idle cores (58k docs)
#   bench/run_all.sh --docs 5000     # quick run
#   GOVSEARCH_SRC=/tmp/snap/src bench/run_all.sh --index-root bench/out/indexes-final
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python}"
# GOVSEARCH_SRC: a frozen copy of src/ (e.g. from `git archive`), so that a
# long run measures one version while others keep committing.
export PYTHONPATH="${GOVSEARCH_SRC:-$PWD/src}${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p bench/out
"$PY" bench/speed.py "$@"
"$PY" bench/relevance.py "$@"
