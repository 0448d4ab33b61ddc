#!/usr/bin/env bash
# Run aumai-datasynthesizer's own test suite against ferrosynth with only the import changed.
#   scripts/reference_suite.sh PATH/TO/aumai-datasynthesizer-checkout [pytest args...]
# (git clone https://github.com/invincible-jha/aumai-datasynthesizer). Its tests are copied to a
# temporary directory, `aumai_datasynthesizer` is replaced by `ferrosynth` in their imports, and
# pytest runs them with this checkout's virtual environment. Nothing of the reference is kept.
set -euo pipefail
ref=${1:?usage: $0 PATH/TO/aumai-datasynthesizer [pytest args...]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$ref"/tests/*.py "$work"/
sed -i 's/aumai_datasynthesizer/ferrosynth/g' "$work"/*.py
cd "$work"
"$root/.venv/bin/python" -m pytest -q -p no:cacheprovider -p no:randomly "$@" "$work"
