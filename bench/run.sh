#!/usr/bin/env bash
# Tevreden benchmarks, one command each; every run rewrites bench/RESULTS.md.
#   bench/run.sh flows  [sqlite|postgres|both]   visitor flows vs a plain reference app, wrk
#   bench/run.sh memory                          total PSS of serve --workers 2, 10k answers
#   bench/run.sh score  [sqlite|postgres|both]   score endpoint vs bare GROUP BY, 1M responses
#   bench/run.sh export [sqlite|postgres|both]   CSV endpoint vs bare csv writer, 1M responses
#   bench/run.sh scale  [sqlite|postgres|both]   score and export on one seeded database
#   bench/run.sh weight                          widget bytes beside Formbricks' packages
#   bench/run.sh invitations                     orders to mails through a local SMTP sink
#   bench/run.sh themes                          theme tagging time per comment
#   bench/run.sh all    [sqlite|postgres|both]   all of the above
#   bench/run.sh report                          only rewrite RESULTS.md from bench/results/
# Knobs: BENCH_DURATION (s per wrk run, 10), BENCH_ROUNDS (7), BENCH_ROWS (1000000),
# BENCH_MEMORY_ANSWERS (10000),
# BENCH_PG_URL (postgresql://postgres@127.0.0.1:5432/test; a fresh schema per run).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
export BENCH_COMMAND="bench/run.sh $*"
what="${1:-}"
shift || true
case "$what" in
  flows) "$PYTHON" bench/flows.py "$@" ;;
  memory) "$PYTHON" bench/memory.py ;;
  score) "$PYTHON" bench/scale.py score "$@" ;;
  export) "$PYTHON" bench/scale.py export "$@" ;;
  scale) "$PYTHON" bench/scale.py score export "$@" ;;
  weight) "$PYTHON" bench/weight.py ;;
  invitations) "$PYTHON" bench/invitations.py ;;
  themes) "$PYTHON" bench/themes.py ;;
  all)
    "$PYTHON" bench/weight.py
    "$PYTHON" bench/themes.py
    "$PYTHON" bench/flows.py "$@"
    "$PYTHON" bench/memory.py
    "$PYTHON" bench/scale.py score export "$@"
    ;;
  report) ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
"$PYTHON" bench/report.py
