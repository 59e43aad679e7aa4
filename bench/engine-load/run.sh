#!/usr/bin/env bash
# bench/engine-load/run.sh - the engine load benchmark.
#
#   bash bench/engine-load/run.sh [N ...]        (default: 64 128 256 512 1024)
#
# N mono tracks, each with a 4-band parametric EQ, a compressor and
# volume/pan automation, into a 7.1 master at 48 kHz (make_session.c).
# Goal: 512 tracks within 50 % of one core at the 99th percentile of the
# process callback's own time per 64-frame period (667 of 1333 us).
#
#   1. builds (Release, in $BUILD, default build-release/) and makes the
#      sessions in bench/out/engine-load/ (media shared, made once);
#   2. the offline proxy (offline.c, no JACK): process_run(p, 64) timed per
#      period, paced like a driver, SCHED_FIFO where permitted, pinned to
#      the last CPU, disk excluded; $OFFLINE_SECONDS (default 20) measured;
#   3. live, when the build's dubstage has `play`: starts
#      `jackd -R -n NAME -d dummy -r 48000 -p 64` (falls back to
#      --no-realtime with a note when -R fails), plays each session for
#      $LIVE_SECONDS (default 30) with --stats, and reads the callback
#      times, xruns and underruns the player measured.
# Prints a table and writes it to bench/out/engine-load/results.txt.
# Stops the JACK server it started on exit. Not a test.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/bench/out/engine-load
build=${BUILD:-$top/build-release}
offline_seconds=${OFFLINE_SECONDS:-20}
live_seconds=${LIVE_SECONDS:-30}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(64 128 256 512 1024)
cd "$top"

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target bench_make_engine_load_session \
  bench_engine_load_offline >/dev/null
dubstage=$build/src/dubstage
cmake --build "$build" -j"$(nproc)" --target dubstage >/dev/null 2>&1 ||
  echo "note: dubstage does not build; offline figures only"

mkdir -p "$out"
for n in "${sizes[@]}"; do
  [ -f "$out/engine-load-$n.dubstage" ] ||
    "$build/bench/bench_make_engine_load_session" "$out" "$n"
done
rm -f "$out"/*.bak
cat "$out"/media/*.wav > /dev/null    # page cache: measure mixing, not the disk

W=$(mktemp -d)
jack_pid=
cleanup() {
  if [ -n "$jack_pid" ]; then
    kill "$jack_pid" 2>/dev/null || true
    wait "$jack_pid" 2>/dev/null || true
  fi
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cpu=$(( $(nproc) - 1 ))
period_us=$(awk 'BEGIN{printf "%.1f", 64e6/48000}')
echo "offline proxy: ${offline_seconds} s of 64-frame periods per N, paced, CPU $cpu"
for n in "${sizes[@]}"; do
  "$build/bench/bench_engine_load_offline" "$out/engine-load-$n.dubstage" \
    --seconds "$offline_seconds" --cpu "$cpu" --fifo --paced > "$W/off-$n" 2> "$W/off-$n.err" || {
    cat "$W/off-$n.err"; exit 1; }
  grep -v '^note: SCHED_FIFO' "$W/off-$n.err" >&2 || true
  echo "  $(cat "$W/off-$n")"
done

live=no
if [ -x "$dubstage" ] && "$dubstage" play --help >/dev/null 2>&1 && command -v jackd >/dev/null; then
  live=yes
  server=dubstage-bench-$$
  rt_note=""
  jackd -R -n "$server" -d dummy -r 48000 -p 64 > "$W/jackd.log" 2>&1 &
  jack_pid=$!
  sleep 2
  if ! kill -0 "$jack_pid" 2>/dev/null; then
    rt_note=" (jackd -R failed: --no-realtime)"
    echo "note: jackd -R failed; running --no-realtime"
    jackd --no-realtime -n "$server" -d dummy -r 48000 -p 64 > "$W/jackd.log" 2>&1 &
    jack_pid=$!
    sleep 2
    kill -0 "$jack_pid" 2>/dev/null || { cat "$W/jackd.log"; exit 1; }
  fi
  echo "live: jackd dummy 48 kHz / 64 frames$rt_note, ${live_seconds} s per N"
  for n in "${sizes[@]}"; do
    "$dubstage" play "$out/engine-load-$n.dubstage" --for "$live_seconds" --no-connect \
      --server "$server" --stats "$W/live-$n.json" > "$W/live-$n.log" 2>&1 || {
      echo "play failed for N=$n:"; cat "$W/live-$n.log"; }
  done
else
  echo "live: skipped (no 'dubstage play' in $build, or no jackd)"
fi

num() {   # num FILE KEY: a number after "KEY": in a flat JSON file
  sed -n "s/.*\"$2\"[[:space:]]*:[[:space:]]*\([-0-9.eE+]*\).*/\1/p" "$1" | head -1
}
{
  echo "engine-load: N mono tracks (4-band EQ, compressor, volume/pan automation) -> 7.1,"
  echo "48 kHz, 64-frame periods (${period_us} us); times are the process callback's own, per period."
  echo "goal: N=512 at p99 <= 50 % load (667 us)"
  echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo
  printf "%-6s | %-38s | %s\n" "" "offline proxy (us)" "live, jackd dummy (us)"
  printf "%-6s | %8s %8s %8s %9s | %8s %8s %8s %9s %6s %9s\n" N median p99 max "p99 load" \
    median p99 max "p99 load" xruns underruns
  for n in "${sizes[@]}"; do
    read -r med p99 mx < <(awk '{for(i=1;i<=NF;i++){if($i=="median")a=$(i+1);if($i=="p99")b=$(i+1);if($i=="max")c=$(i+1)}} END{print a, b, c}' "$W/off-$n")
    line=$(printf "%-6s | %8.1f %8.1f %8.1f %8.1f%% |" "$n" "$med" "$p99" "$mx" \
      "$(awk -v p="$p99" -v q="$period_us" 'BEGIN{print 100*p/q}')")
    if [ "$live" = yes ] && [ -s "$W/live-$n.json" ]; then
      f=$W/live-$n.json
      lp99=$(num "$f" p99)
      line+=$(printf " %8.1f %8.1f %8.1f %8.1f%% %6s %9s" "$(num "$f" median)" "$lp99" \
        "$(num "$f" max)" "$(awk -v p="$lp99" -v q="$period_us" 'BEGIN{print 100*p/q}')" \
        "$(num "$f" xruns)" "$(num "$f" underruns)")
    else
      line+="        -        -        -         -      -         -"
    fi
    echo "$line"
  done
} | tee "$out/results.txt"
