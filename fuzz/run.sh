#!/usr/bin/env bash
# Runs every cargo-fuzz target one after the other (`make fuzz`).
#   RUNS=10000000  executions per target (default 10 million)
#   TARGETS="..."  which targets (default: all four)
#   SANITIZER=none|address  (default none: the crate has no unsafe code, and
#                  without ASan a run is several times faster)
# Each target starts from its committed seeds (fuzz/seeds/<target>) and
# keeps what it learns in fuzz/corpus/<target> (not committed). A crash
# stops the run; libFuzzer saves the input under fuzz/artifacts/<target>/
# and prints the command that reproduces it.
set -euo pipefail
cd "$(dirname "$0")"
RUNS="${RUNS:-10000000}"
TARGETS="${TARGETS:-resp_decoder command rdb_load scenario_parse}"
SANITIZER="${SANITIZER:-none}"
for target in $TARGETS; do
  mkdir -p "corpus/$target"
  echo "== fuzz $target: $RUNS runs"
  start=$(date +%s)
  cargo +nightly fuzz run -O -s "$SANITIZER" "$target" "corpus/$target" "seeds/$target" -- \
    -runs="$RUNS" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>&1 \
    | grep -a -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse)'
  echo "== fuzz $target: clean after $RUNS runs in $(( $(date +%s) - start )) s"
done
