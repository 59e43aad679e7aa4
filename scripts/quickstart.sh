#!/usr/bin/env bash
# The README's two commands.
#
#   bash scripts/quickstart.sh demo   install what is missing, build, show the demo session
#   bash scripts/quickstart.sh test   install what is missing, build, run every test with CTest
#                                     (a normal build, then an ASan/UBSan build)
#
# Works on a fresh Debian 12 as root or as a user with sudo. Only Debian's
# packages are fetched. CI=true turns warnings into errors.
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
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo=
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
werror=OFF
if [ "${CI:-}" = "true" ]; then werror=ON; fi

build() {  # build DIR [cmake options...]
  local dir=$1; shift
  cmake -S . -B "$dir" -DDUBSTAGE_WERROR=$werror "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
}

build build
if [ "$mode" = demo ]; then
  exec build/dubstage info sessions/demo/demo.dubstage
fi

echo "== tests (normal build)"
ctest --test-dir build --output-on-failure -j"$jobs"
echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer build)"
build build-asan -DDUBSTAGE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs"
