#!/usr/bin/env bash
# bench/console/run.sh - what the console costs a person on a slow SSH link:
# the bytes per second it sends to the terminal while playing with meters
# running, per view, at 80x24 (and at 200x60), and a text screenshot of
# each view. Not a test.
#
#   bash bench/console/run.sh            (BUILD=build, SECONDS_EACH=10)
#
# Starts a private `jackd -d dummy` server, opens the demo session in the
# console inside a private tmux server, plays, and for each view counts
# the bytes the console writes to its pty with tmux pipe-pane. Results go
# to bench/out/console/ (results.txt and <view>-80x24.txt screenshots).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
secs=${SECONDS_EACH:-10}
out=$top/bench/out/console
dubstage=$build/src/dubstage
mkdir -p "$out"
work=$(mktemp -d)
server=dubstage-bench-console-$$
sock=dubstage-bench-$$
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  bash "$top/tests/jack/jackd.sh" stop "$server" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
DUBSTAGE_JACKD_STATE=$work/jack bash "$top/tests/jack/jackd.sh" start "$server" >/dev/null
export DUBSTAGE_JACKD_STATE=$work/jack
cp "$top/sessions/demo/demo.dubstage" "$work/"
ln -s "$top/sessions/demo/media" "$work/media"

tm() { tmux -L "$sock" "$@"; }

measure() {   # VIEWKEY NAME COLS ROWS
  local key=$1 name=$2 cols=$3 rows=$4 bytes
  tm -f /dev/null new-session -d -s b -x "$cols" -y "$rows" \
    "cd $work && env LANG=C.UTF-8 TERM=xterm-256color JACK_DEFAULT_SERVER=$server JACK_NO_START_SERVER=1 XDG_CONFIG_HOME=$work/cfg $dubstage console --no-connect demo.dubstage"
  sleep 1.5
  tm send-keys -t b "$key"
  tm send-keys -t b Space
  sleep 1
  : >"$work/bytes"
  tm pipe-pane -t b -o "cat >>$work/bytes"
  sleep "$secs"
  tm pipe-pane -t b
  bytes=$(stat -c %s "$work/bytes")
  tm capture-pane -p -t b >"$out/$name-${cols}x$rows.txt"
  tm send-keys -t b Space q
  sleep 0.5
  tm kill-session -t b 2>/dev/null || true
  printf '%-10s %4dx%-3d %10.0f bytes/s\n' "$name" "$cols" "$rows" \
    "$(echo "$bytes / $secs" | bc -l)"
}

{
  echo "console: bytes per second sent to the terminal while playing the demo"
  echo "(meters at 30 Hz, xterm-256color, UTF-8), measured over ${secs} s with tmux pipe-pane"
  measure 1 mixer 80 24
  measure 2 timeline 80 24
  measure 3 loudness 80 24
  measure '?' help 80 24
  measure 1 mixer 200 60
} | tee "$out/results.txt"
