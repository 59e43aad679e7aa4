#!/usr/bin/env bash
# bench/fuzz_aaf.sh SECONDS - builds the AAF fuzzer with clang into /tmp,
# seeds /tmp/fuzz_aaf_corpus with the AAF corpus and runs libFuzzer for
# SECONDS (default 60), printing executions, rate and any crash. Nothing is
# written inside the project: crash files go to /tmp/fuzz_aaf_out.
set -euo pipefail
secs=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${DUBSTAGE_SHARED:-$root/../shared}
bin=/tmp/fuzz_aaf corpus=/tmp/fuzz_aaf_corpus out=/tmp/fuzz_aaf_out
command -v clang >/dev/null || { echo "clang not found: apt-get install -y clang" >&2; exit 2; }
mkdir -p "$corpus" "$out"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$root/src" "$root/fuzz/fuzz_aaf.c" \
    "$root"/src/interchange/aaf*.c "$root/src/interchange/cfb.c" \
    "$root/src/interchange/locate.c" "$root"/src/base/*.c -lpthread -o "$bin"
cp -n "$shared"/corpus/aaf/aaf/*.aaf "$corpus/" 2>/dev/null || true
cd "$out"
"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    "$corpus" 2>&1 | tee "$out/fuzz.log" | grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|ERROR|crash-" || true
ls "$out"/crash-* 2>/dev/null && { echo "crashes found (above)"; exit 1; } || echo "no crashes"
