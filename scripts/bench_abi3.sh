#!/usr/bin/env bash
# abi3 vs version-specific: build both wheels from one commit, install each into its own fresh
# virtual environment, then compare them with scripts/bench_abi3.py — wall time (median of
# repeats, the two alternated) and instructions under callgrind (exact, whatever the load).
# The figures are recorded in docs/benchmarks.md.
#
# The committed crate builds abi3 (pyo3 feature `abi3-py310`). Cargo cannot switch a dependency's
# feature off from the command line, so the version-specific wheel is built from a scratch copy of
# the commit (`git archive`) whose binding Cargo.toml has that feature removed: the committed
# default never changes.
#
# Usage: scripts/bench_abi3.sh [build] [time] [count]   (default: all three; needs cargo,
#        maturin, python3, and valgrind for `count`)
# Env:   COMMIT (default HEAD), WORK (scratch dir, default /tmp/fs-abi3), PYTHON (default python3),
#        CARGO_TARGET_DIR (default /tmp/fs-wheel-target), REPEAT (default 7), SCALE (callgrind
#        workload size, default 0.05)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-/tmp/fs-abi3}
python=${PYTHON:-python3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/tmp/fs-wheel-target}
maturin=${MATURIN:-$(command -v maturin || echo "$PWD/.venv/bin/maturin")}
phases=${*:-build time count}
labels="abi3 specific"

build() {  # build LABEL: one release wheel of the scratch copy into $work/wheels/LABEL
    (cd "$work/src" && "$maturin" build --release --interpreter "$python" -o "$work/wheels/$1")
    rm -rf "$work/venv-$1"
    "$python" -m venv "$work/venv-$1"
    "$work/venv-$1/bin/pip" install --quiet "$work"/wheels/"$1"/*.whl
}

if [[ " $phases " == *" build "* ]]; then
    rm -rf "$work" && mkdir -p "$work/src" "$work/wheels"
    git archive "${COMMIT:-HEAD}" | tar -x -C "$work/src"
    build abi3
    # Same tree, minus the stable-ABI feature: a cp3XY wheel for the interpreter above.
    sed -i 's/features = \["abi3-py310"\]/features = []/' "$work/src/rust/ferrosynth-py/Cargo.toml"
    if grep -q abi3 "$work/src/rust/ferrosynth-py/Cargo.toml"; then
        echo "abi3 feature not removed" >&2
        exit 1
    fi
    build specific
    ls "$work"/wheels/*/
fi

if [[ " $phases " == *" time "* ]]; then
    # Alternate the two so that drift in the machine's load hits both alike.
    for round in 1 2 3; do
        for label in $labels; do
            "$work/venv-$label/bin/python" scripts/bench_abi3.py --label "$label" --repeat "${REPEAT:-7}"
        done
    done
fi

if [[ " $phases " == *" count "* ]]; then
    for label in $labels; do
        declare -A ir=()
        for w in none call generate_small jsonl_bulk generate_bulk; do
            ir[$w]=$(PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
                "$work/venv-$label/bin/python" scripts/bench_abi3.py --once "$w" --scale "${SCALE:-0.05}" \
                2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
        done
        printf '{"label": "%s", "scale": %s' "$label" "${SCALE:-0.05}"
        for w in call generate_small jsonl_bulk generate_bulk; do
            printf ', "%s_instructions": %d' "$w" $(( ${ir[$w]} - ${ir[none]} ))
        done
        printf '}\n'
        unset ir
    done
fi
