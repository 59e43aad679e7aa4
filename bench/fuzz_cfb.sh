#!/usr/bin/env bash
# bench/fuzz_cfb.sh SECONDS - builds the compound-file fuzzer with clang into
# /tmp, seeds a corpus folder in /tmp with the AAF exports and the small files
# the reader's test writes, runs libFuzzer for SECONDS (default 60) and prints
# the executions, their rate and any crash.
# Nothing is written inside the project: crash files go to /tmp/fuzz_cfb_out.
set -euo pipefail

secs=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${DUBSTAGE_SHARED:-$root/../shared}
bin=/tmp/fuzz_cfb
corpus=/tmp/fuzz_cfb_corpus
out=/tmp/fuzz_cfb_out
log=$out/fuzz.log

command -v clang >/dev/null || { echo "clang not found: apt-get install -y clang" >&2; exit 2; }
mkdir -p "$corpus" "$out"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$root/src" \
    "$root/fuzz/fuzz_cfb.c" "$root/src/interchange/cfb.c" "$root/src/base/error.c" \
    -o "$bin"
seeds=0
for f in "$shared"/corpus/aaf/aaf/*.aaf; do
    [ -e "$corpus/$(basename "$f")" ] || cp "$f" "$corpus/"
    seeds=$((seeds + 1))
done
# small seeds run ~20x faster than the AAF exports: the compound files the
# reader's test writes (v3, v4, a DIFAT chain), made by running that test
clang -g -O1 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$root/src" -I"$root/tests" \
    "$root/tests/interchange/test_cfb.c" "$root/src/interchange/cfb.c" \
    "$root/src/base/error.c" -o /tmp/fuzz_cfb_test
rm -rf /tmp/fuzz_cfb_seeds
TEST_TMPDIR=/tmp/fuzz_cfb_seeds DUBSTAGE_CORPUS="$shared/corpus" /tmp/fuzz_cfb_test >/dev/null ||
    echo "warning: tests/interchange/test_cfb.c fails" >&2
for f in /tmp/fuzz_cfb_seeds/syn-*.cfb; do
    [ -e "$f" ] && cp "$f" "$corpus/" && seeds=$((seeds + 1))
done
echo "fuzz_cfb: $seeds seed files, $(ls "$corpus" | wc -l) in $corpus, ${secs}s"

cd "$out"
set +e
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/" "$corpus" >"$log" 2>&1
rc=$?
set -e

execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
rate=$(grep -o 'exec/s: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
echo "executions: ${execs:-?}  exec/s: ${rate:-?}  coverage: ${cov:-?}"
crashes=$(ls "$out" | grep -E '^(crash|leak|timeout|oom)-' || true)
if [ $rc -ne 0 ] || [ -n "$crashes" ]; then
    echo "FOUND (exit $rc):"
    for c in $crashes; do echo "  $out/$c"; done
    grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -20
    exit 1
fi
echo "no crash"
