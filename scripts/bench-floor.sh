#!/usr/bin/env bash
# The engine against the floor (issue 12 §4): builds the release `canteen` and the floor
# program (../shared/bench/mm1-floor: a minimal M/M/1 event loop with the same draws), then
#  1. runs the 1M-item M/M/1 run of both as whole processes, interleaved, ROUNDS times, and
#     prints each pair, the median of the pairwise ratios and their range;
#  2. prints canteen's cost per item at 10k, 100k, 1M and 10M items (1 x 1; the time of as
#     many 0-item runs, the process's own start, subtracted);
#  3. prints the cost per item with 1000 producers and 1000 consumers (same load per
#     server) against 1 x 1, for 1M items.
# Times are the CPU time (user + system) of whole processes, as bash's `time` reports it
# (to the millisecond), so that other work on a shared machine counts less than in wall
# time; still, only ratios measured side by side mean anything.
#
#   scripts/bench-floor.sh            # ROUNDS=9 by default
#   ROUNDS=15 FLOOR_MANIFEST=/path/to/mm1-floor/Cargo.toml scripts/bench-floor.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rounds=${ROUNDS:-9}
floor_manifest=${FLOOR_MANIFEST:-$root/../shared/bench/mm1-floor/Cargo.toml}
if [[ ! -f $floor_manifest ]]; then
    echo "bench-floor: no floor program at $floor_manifest (set FLOOR_MANIFEST)" >&2
    exit 2
fi

echo "building (release)…" >&2
CARGO_TARGET_DIR=target/floor cargo build --quiet --release --locked --manifest-path "$floor_manifest"
cargo build --quiet --release --bin canteen
floor=target/floor/release/mm1-floor
canteen=target/release/canteen

# CPU seconds (user + system) of REPS runs of the command given, together; output discarded.
batch() {
    local reps=$1 TIMEFORMAT='%3U %3S' times k
    shift
    times=$({ time for ((k = 0; k < reps; k++)); do "$@" >/dev/null; done; } 2>&1)
    awk -v t="$times" 'BEGIN { split(t, p, " "); printf "%.3f\n", p[1] + p[2] }'
}

# CPU seconds of one run of the command given.
seconds() {
    batch 1 "$@"
}

# canteen's M/M/c run: PRODUCERS CONSUMERS ITEMS_EACH PRODUCE_MEAN CONSUME_MEAN
run_canteen() {
    "$canteen" run custom --seed 1 --producers "$1" --consumers "$2" --items "$3" \
        --produce-delay "exp:$4" --consume-delay "exp:$5" --json
}

echo "== 1M-item M/M/1 (exp:10ms in, exp:9ms out), whole processes, $rounds interleaved rounds"
ratios=()
for ((i = 1; i <= rounds; i++)); do
    # Alternate which goes first, so neither always runs on a warmer machine.
    if ((i % 2)); then
        f=$(seconds "$floor" 1000000 1 10 9 1)
        c=$(seconds run_canteen 1 1 1000000 10ms 9ms)
    else
        c=$(seconds run_canteen 1 1 1000000 10ms 9ms)
        f=$(seconds "$floor" 1000000 1 10 9 1)
    fi
    r=$(awk -v c="$c" -v f="$f" 'BEGIN { printf "%.3f", c / f }')
    ratios+=("$r")
    printf 'round %2d  floor %.3f s  canteen %.3f s  ratio %s\n' "$i" "$f" "$c" "$r"
done
printf '%s\n' "${ratios[@]}" | sort -g | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "canteen / floor: median %.2f (range %.2f-%.2f)\n", m, v[1], v[NR] }'

echo "== cost per item, 1 x 1 (CPU time of REPS runs, less that of REPS 0-item runs)"
for spec in "10000 100" "100000 20" "1000000 3" "10000000 1"; do
    read -r items reps <<<"$spec"
    t=$(batch "$reps" run_canteen 1 1 "$items" 10ms 9ms)
    b=$(batch "$reps" run_canteen 1 1 0 10ms 9ms)
    awk -v t="$t" -v b="$b" -v n="$items" -v r="$reps" \
        'BEGIN { printf "%9d items  %6.1f ns/item  (%d runs)\n", n, (t - b) / (n * r) * 1e9, r }'
done

echo "== cost per item, 1M items: 1 x 1 against 1000 x 1000 (same load per consumer), interleaved"
for ((i = 1; i <= 3; i++)); do
    one=$(seconds run_canteen 1 1 1000000 10ms 9ms)
    many=$(seconds run_canteen 1000 1000 1000 10s 9s)
    awk -v a="$one" -v b="$many" 'BEGIN {
        printf "1 x 1 %.1f ns/item  1000 x 1000 %.1f ns/item  ratio %.2f\n", a * 1e3, b * 1e3, b / a }'
done
