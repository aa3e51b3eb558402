#!/usr/bin/env bash
# Items per second through Redis (issue 14 §5): `canteen live custom` with 4 producer processes
# and 1, 4 and 16 consumer processes doing no work (every delay const:0ms, so each item is a put
# script, a read, an ack script and the processes' event lines), side by side with
# redis-benchmark's own XADD rate on the same server. One redis-server of its own on a free
# 127.0.0.1 port, stopped at the end. Each setting runs ROUNDS times, interleaved; the median
# is printed with the range.
#
#   scripts/bench-live.sh            # ITEMS=20000 ROUNDS=3 by default
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
items=${ITEMS:-20000}
rounds=${ROUNDS:-3}
producers=4
command -v redis-server >/dev/null || { echo "bench-live: no redis-server (scripts/setup.sh redis)" >&2; exit 2; }
command -v redis-benchmark >/dev/null || { echo "bench-live: no redis-benchmark (scripts/setup.sh redis)" >&2; exit 2; }

echo "building (release)…" >&2
cargo build --quiet --release --bin canteen
canteen=target/release/canteen

dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
    --logfile redis.log --daemonize no >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$dir"' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done
url="redis://127.0.0.1:$port/0"

per=$((items / producers))
declare -A rates
for round in $(seq "$rounds"); do
    for consumers in 1 4 16; do
        rate=$("$canteen" live custom --seed "$round" --producers "$producers" --items "$per" \
            --consumers "$consumers" --produce-delay const:0ms --consume-delay const:0ms \
            --redis "$url" --json |
            python3 -c 'import json, sys; r = json.load(sys.stdin); print("%.0f" % (r["consumed"] / r["live"]["real_seconds"]))')
        rates[$consumers]+="$rate "
    done
    xadd=$(redis-benchmark -p "$port" -n 200000 -c 16 -q XADD canteen:bench '*' item 0:1 put_ns 1 |
        awk '/XADD/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+$/) { print $i; exit } }')
    rates[xadd]+="$xadd "
    redis-cli -p "$port" del canteen:bench >/dev/null
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { printf "%s (range %s to %s)", a[int((NR + 1) / 2)], a[1], a[NR] }'; }
echo "items per second through Redis, $items items, $producers producers, median of $rounds runs:"
for consumers in 1 4 16; do
    printf '  %2d consumer processes: %s\n' "$consumers" "$(echo "${rates[$consumers]}" | median)"
done
printf '  redis-benchmark XADD (16 clients): %s\n' "$(echo "${rates[xadd]}" | median)"
echo "  machine: $(nproc) CPU cores"
