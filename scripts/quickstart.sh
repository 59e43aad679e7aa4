#!/usr/bin/env bash
# The README's two commands.
#
#   bash scripts/quickstart.sh demo   install what is missing, build, show the demo session
#                                     and play it for 10 seconds through JACK
#   bash scripts/quickstart.sh test   install what is missing, build, run every test with CTest
#                                     (a normal build, then an ASan/UBSan build), then the
#                                     real-time test under RealtimeSanitizer (a clang-22 build)
#
# Works on a fresh Debian 12 as root or as a user with sudo. Only Debian's
# packages are fetched (clang-22 for `test` comes from bookworm-security).
# CI=true turns warnings into errors.
set -euo pipefail

mode=${1:-}
case "$mode" in
  demo|test) ;;
  *) echo "usage: bash scripts/quickstart.sh demo|test" >&2; exit 2 ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

packages=(
  build-essential cmake pkg-config
  libncurses-dev libjack-jackd2-dev libsndfile1-dev libebur128-dev
  libsamplerate0-dev libxml2-dev libfftw3-dev
  espeak-ng sox            # the demo session's media is made at build time
  jq                       # tests read the JSON views
  libsox-fmt-base          # (sox) tests read WAV headers with soxi
  jackd2                   # `dubstage play`; tests/live run a private dummy server
  tmux                     # tests/ui drive the console inside tmux
)
# the RealtimeSanitizer build (test mode only); Debian 12 has them in
# bookworm-security
rtsan_packages=(clang-22 libclang-rt-22-dev)
if [ "$mode" = test ]; then packages+=("${rtsan_packages[@]}"); fi

die() { echo "quickstart: $*" >&2; exit 1; }

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# The apt sources must include Debian's bookworm-security suite for
# clang-22 and libclang-rt-22-dev.
require_bookworm_security() {
  if ! apt-cache policy 2>/dev/null | grep -q 'n=bookworm-security'; then
    die "clang-22 and libclang-rt-22-dev (the RealtimeSanitizer build) come from" \
        "Debian's bookworm-security suite, which is not in your apt sources." \
        "Add it, e.g. to /etc/apt/sources.list:" \
        $'\n  deb http://deb.debian.org/debian-security bookworm-security main\n'"then run this again."
  fi
  local p
  for p in "${rtsan_packages[@]}"; do
    apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]' ||
      die "$p is not available from your apt sources (bookworm-security has it)."
  done
}

install_packages() {
  local missing=() p sudo=
  for p in "${packages[@]}"; do
    is_installed "$p" || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "Installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  $sudo apt-get update -qq
  for p in "${missing[@]}"; do
    case " ${rtsan_packages[*]} " in *" $p "*) require_bookworm_security; break ;; esac
  done
  # `env` inside sudo: sudo drops DEBIAN_FRONTEND from the environment, and
  # jackd2 asks (debconf) whether to enable real-time priority; the
  # noninteractive frontend takes the default (no) without asking.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

jobs=$(nproc 2>/dev/null || echo 2)
werror=OFF
if [ "${CI:-}" = "true" ]; then werror=ON; fi

configure() {  # configure DIR [cmake options...]
  local dir=$1; shift
  cmake -S . -B "$dir" -DDUBSTAGE_WERROR=$werror "$@" >/dev/null
}

build() {  # build DIR [cmake options...]
  configure "$@"
  cmake --build "$1" -j"$jobs"
}

# --- demo: play through JACK ---------------------------------------------

jack_server=${JACK_DEFAULT_SERVER:-default}
started_jackd=

jack_running() {
  JACK_NO_START_SERVER=1 JACK_DEFAULT_SERVER=$jack_server jack_lsp >/dev/null 2>&1
}

has_sound_card() {
  [ -d /dev/snd ] && [ -r /proc/asound/cards ] &&
    grep -q '[^[:space:]]' /proc/asound/cards && ! grep -q 'no soundcards' /proc/asound/cards
}

# Starts a JACK server with the dummy driver (no sound card needed) through
# the tests' script, which waits until it answers; stop_dummy_jackd stops
# exactly that process.
start_dummy_jackd() {
  echo "== no JACK server and no sound card: starting jackd with the dummy driver (48 kHz, 256 frames)"
  DUBSTAGE_JACKD_STATE=$top/build/jack bash tests/jack/jackd.sh start "$jack_server"
  started_jackd=$jack_server
  trap stop_dummy_jackd EXIT
}

stop_dummy_jackd() {
  [ -n "$started_jackd" ] || return 0
  DUBSTAGE_JACKD_STATE=$top/build/jack bash tests/jack/jackd.sh stop "$started_jackd" >/dev/null || true
  started_jackd=
}

play_demo() {
  local play=(build/dubstage play sessions/demo/demo.dubstage --for 10)
  if ! jack_running; then
    if has_sound_card; then
      echo "== not playing: no JACK server is running. Start one on your sound card, e.g."
      echo "     jackd -d alsa -d hw:0 -r 48000 -p 256 &"
      echo "   (or with qjackctl), then: ${play[*]}"
      return 0
    fi
    start_dummy_jackd
  fi
  echo "== ${play[*]}  (JACK server '$jack_server')"
  "${play[@]}"
}

# --- test: three builds ----------------------------------------------------

run_tests() {
  echo "== tests (normal build)"
  ctest --test-dir build --output-on-failure -j"$jobs"

  echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer build)"
  build build-asan -DDUBSTAGE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs"

  # Only the program (and the demo's media) is built; only the tests
  # labelled rtsan run, with their jackd fixture.
  echo "== tests (RealtimeSanitizer build, clang-22: the real-time thread never blocks)"
  CC=clang-22 configure build-rtsan -DDUBSTAGE_RTSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build build-rtsan -j"$jobs" --target dubstage demo_media
  ctest --test-dir build-rtsan -L rtsan --output-on-failure
}

install_packages
build build
if [ "$mode" = demo ]; then
  build/dubstage info sessions/demo/demo.dubstage
  play_demo
else
  run_tests
fi
