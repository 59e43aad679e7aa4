#!/usr/bin/env bash
# bench/import/run.sh - times reading every AAF of the corpus (the issue's
# figure: a reference reader lists the whole corpus in about 0.6 s), once as
# `import --dump` (read and print) and once as a full `import` into
# sessions in /tmp (media located, embedded essence extracted, sessions
# saved). Medians of 3 runs. Not a test.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${DUBSTAGE_SHARED:-$top/../shared}
bin=$top/build/src/dubstage
[ -x "$bin" ] || { cmake -S "$top" -B "$top/build" >/dev/null && cmake --build "$top/build" -j"$(nproc)" >/dev/null; }
files=("$shared"/corpus/aaf/aaf/*.aaf)
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
run_dump() { for f in "${files[@]}"; do "$bin" import --dump "$f" >/dev/null 2>&1 || true; done; }
run_import() {
  rm -rf "$out"/s; mkdir -p "$out"/s
  for f in "${files[@]}"; do
    b=$(basename "$f" .aaf)
    mkdir -p "$out/s/$b"
    "$bin" import -F --media-dir "$shared/corpus/aaf/res" "$f" -o "$out/s/$b/$b.dubstage" >/dev/null 2>&1 ||
      echo "import failed: $b" >> "$out/failed"
  done
}
med() { sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
for k in dump import; do
  for r in 1 2 3; do
    s=$(date +%s.%N); run_$k; e=$(date +%s.%N)
    awk -v a="$s" -v b="$e" 'BEGIN{print b-a}'
  done | med > "$out/$k.t"
done
echo "corpus: ${#files[@]} AAF files"
echo "import --dump (read + list): $(cat "$out/dump.t") s"
echo "import into sessions (locate, extract, save): $(cat "$out/import.t") s"
[ -f "$out/failed" ] && { echo "failures (each run):"; sort -u "$out/failed"; } || echo "every file imported"
