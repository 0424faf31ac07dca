#!/usr/bin/env bash
# Detente and NegMAS side by side on the same scenarios, in one run:
#   scripts/compare-negmas.sh                     # everything (about 15-20 minutes on two cores)
#   scripts/compare-negmas.sh --only travel,energy
#   scripts/compare-negmas.sh --detente-only      # re-run Detente, reuse NegMAS' last results
#   scripts/compare-negmas.sh --note "builds ran alongside"   # a line for the machine description
# Every scenario's Detente side is `detente analyze --json DIR` (process time,
# memory, the answer checked) plus the bench crate's `frontier` example, which
# calls the same `analyze` and times it inside the process.
# Makes a virtualenv with NegMAS 0.16 under target/negmas-venv (once), builds
# Detente in release, runs scripts/compare_negmas.py, prints the table and
# updates docs/performance.md. Extra arguments go to compare_negmas.py's `run`.
set -euo pipefail
cd "$(dirname "$0")/.."

NEGMAS_VERSION="${NEGMAS_VERSION:-0.16.*}"
VENV=target/negmas-venv

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import fnmatch, negmas, sys; sys.exit(not fnmatch.fnmatch(negmas.__version__, sys.argv[1]))' "$NEGMAS_VERSION" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet "negmas==$NEGMAS_VERSION"
fi

cargo build --release --quiet -p detente-cli -p detente-bench --examples --bins

exec "$VENV/bin/python" scripts/compare_negmas.py run --output docs/performance.md "$@"
