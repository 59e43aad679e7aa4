#!/usr/bin/env bash
# tests/jack/jackd.sh - a private JACK server for tests (dummy driver, no
# sound card, no real-time privileges needed).
#
#   bash tests/jack/jackd.sh start NAME   start `jackd -n NAME` and wait until it answers
#   bash tests/jack/jackd.sh stop NAME    stop the server this script started as NAME
#
# The pid and the server's log live in $DUBSTAGE_JACKD_STATE (CTest points
# it into the build tree; default ${TMPDIR:-/tmp}/dubstage-jackd-$UID) as
# NAME.pid and NAME.log. `stop` kills exactly the recorded pid, and only if
# it is still that jackd; it never looks for servers by name.
#
# CTest runs `start`/`stop` as the setup/cleanup of the `jackd` fixture
# (tests/CMakeLists.txt) with a NAME unique to the build directory. A test
# that must kill and restart a server runs its own with its own NAME,
# through $DUBSTAGE_JACKD_SH.
#
# Environment: JACKD (default jackd), JACKD_RATE (48000), JACKD_PERIOD (256),
# JACKD_TIMEOUT seconds to wait for the server (10).
set -euo pipefail

usage() { echo "usage: bash tests/jack/jackd.sh start|stop NAME" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1 name=$2
case "$name" in
  ''|*/*|-*) echo "jackd.sh: bad server name '$name'" >&2; exit 2 ;;
esac

state=${DUBSTAGE_JACKD_STATE:-${TMPDIR:-/tmp}/dubstage-jackd-$(id -u)}
pidfile=$state/$name.pid
logfile=$state/$name.log
jackd=${JACKD:-jackd}
rate=${JACKD_RATE:-48000}
period=${JACKD_PERIOD:-256}
timeout=${JACKD_TIMEOUT:-10}
# Clients here must never start a server of their own on a missing name.
export JACK_NO_START_SERVER=1

# is_our_jackd PID: PID is alive and is `jackd ... -n NAME ...`.
is_our_jackd() {
  local pid=$1 cmdline
  [ -r "/proc/$pid/cmdline" ] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  case " $cmdline" in
    *jackd*" -n $name "*) return 0 ;;
    *) return 1 ;;
  esac
}

# answers: the server NAME accepts a client.
answers() {
  if command -v jack_wait >/dev/null; then
    jack_wait -s "$name" -c 2>/dev/null | grep -q '^running'
  else
    JACK_DEFAULT_SERVER=$name jack_lsp >/dev/null 2>&1
  fi
}

stop_pid() {  # stop_pid PID: TERM, wait up to 10 s, then KILL
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    is_our_jackd "$pid" || return 0
    sleep 0.1
  done
  echo "jackd.sh: jackd $name (pid $pid) ignored SIGTERM for 10 s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    is_our_jackd "$pid" || return 0
    sleep 0.1
  done
  echo "jackd.sh: jackd $name (pid $pid) does not die" >&2
  return 1
}

start() {
  local pid i
  command -v "$jackd" >/dev/null ||
    { echo "jackd.sh: '$jackd' not found (Debian: apt-get install jackd2)" >&2; exit 1; }
  mkdir -p "$state"
  # a server left over by an interrupted run of this build directory
  if [ -s "$pidfile" ]; then
    pid=$(cat "$pidfile")
    if is_our_jackd "$pid"; then
      echo "jackd.sh: stopping the leftover jackd $name (pid $pid)" >&2
      stop_pid "$pid"
    fi
    rm -f "$pidfile"
  fi
  if answers; then
    echo "jackd.sh: a JACK server named '$name' is already running and was not started" \
         "by this script (no $pidfile); stop it or use another name" >&2
    exit 1
  fi
  # Server options go before -d; after it they are the dummy driver's
  # (there -r is the rate and -p the period; before it they would mean
  # --no-realtime and --port-max). Its output goes to the log, not to our
  # stdout/stderr, so CTest does not wait for the server to exit.
  "$jackd" --no-realtime -n "$name" -d dummy -r "$rate" -p "$period" \
    </dev/null >"$logfile" 2>&1 &
  pid=$!
  echo "$pid" >"$pidfile"
  for ((i = 0; i < timeout * 10; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" && status=0 || status=$?
      rm -f "$pidfile"
      echo "jackd.sh: jackd $name exited with status $status while starting; its log:" >&2
      sed 's/^/  /' "$logfile" >&2
      exit 1
    fi
    if answers; then
      echo "jackd $name running (pid $pid, ${rate} Hz, period $period, log $logfile)"
      exit 0
    fi
    sleep 0.1
  done
  echo "jackd.sh: jackd $name (pid $pid) did not answer within ${timeout} s; its log:" >&2
  sed 's/^/  /' "$logfile" >&2
  stop_pid "$pid" || true
  rm -f "$pidfile"
  exit 1
}

stop() {
  local pid
  if [ ! -s "$pidfile" ]; then
    echo "jackd.sh: no $pidfile: jackd $name was not started by this script (nothing to stop)"
    exit 0
  fi
  pid=$(cat "$pidfile")
  if is_our_jackd "$pid"; then
    stop_pid "$pid"
    echo "jackd $name (pid $pid) stopped"
  else
    # it died under the tests: say so (cleanup fails) and show why
    rm -f "$pidfile"
    echo "jackd.sh: jackd $name (pid $pid) had already exited; its log:" >&2
    sed 's/^/  /' "$logfile" >&2 2>/dev/null || true
    exit 1
  fi
  rm -f "$pidfile"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
