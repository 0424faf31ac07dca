#!/usr/bin/env bash
# Detente's alternating-offers simulation against NegMAS' SAOMechanism, in one
# command:
#   scripts/crosscheck-negmas-sim.sh                       # Laptop and ItexvsCypress, 100 rounds
#   scripts/crosscheck-negmas-sim.sh --rounds 50 --scenarios Laptop
#   scripts/crosscheck-negmas-sim.sh --output docs/simulation-crosscheck.md   # also update the doc's table
# Makes (once) the virtualenv with NegMAS 0.16 under target/negmas-venv that
# scripts/compare-negmas.sh uses, builds the `sao_run` example in release,
# runs scripts/crosscheck_negmas_sim.py and prints the table. Exits non-zero
# when a negotiation differs. Extra arguments go to crosscheck_negmas_sim.py.
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

cargo build --release --quiet -p detente-sim --example sao_run

exec "$VENV/bin/python" scripts/crosscheck_negmas_sim.py --detente target/release/examples/sao_run "$@"
