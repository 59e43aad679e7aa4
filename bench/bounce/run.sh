#!/usr/bin/env bash
# bench/bounce/run.sh - the bounce benchmark of issue 3.
#
#   bash bench/bounce/run.sh [TRACKS] [SECONDS]     (defaults 64, 600)
#
# Builds (if needed) and generates a TRACKS-track, SECONDS-long session in
# bench/out/bounce/ (mono clips with fades, volume and pan automation, three
# 7.1 stem buses with sends, 7.1 master: see make_session.c), then:
#   1. bounces the 7.1 master plus the three stems (24-bit), and reports
#      wall time, times real time, CPU seconds and peak memory;
#   2. for comparison, mixes the same sources to a stereo master with ours
#      (--format stereo, no stems) and with ffmpeg's amix + pan filters
#      (each source panned by a fixed pan, summed; no fades or automation,
#      so ffmpeg does less work than we do), and prints the ratio.
# Runs are repeated (3 each, alternating) and the median is reported.
# Installs ffmpeg from Debian if it is missing. Not a test.
set -euo pipefail
tracks=${1:-64}
seconds=${2:-600}
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/bench/out/bounce
build=$top/build
cd "$top"

command -v ffmpeg >/dev/null || {
  sudo=; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get install -y -qq ffmpeg >/dev/null
}
[ -x "$build/src/dubstage" ] && [ -x "$build/bench/bench_make_bounce_session" ] || {
  cmake -S . -B "$build" >/dev/null && cmake --build "$build" -j"$(nproc)" >/dev/null; }
if [ ! -f "$out/bench.dubstage" ] || [ "$(cat "$out/params" 2>/dev/null)" != "$tracks $seconds" ]; then
  rm -rf "$out"; mkdir -p "$out"
  echo "generating $tracks tracks x $seconds s ..."
  "$build/bench/bench_make_bounce_session" "$out" "$tracks" "$seconds"
  echo "$tracks $seconds" > "$out/params"
fi
cat "$out"/media/*.wav > /dev/null    # warm the page cache: measure mixing, not the disk

ours71="$build/src/dubstage bounce -q --stems -o $out/master71.wav $out/bench.dubstage"
ours2="$build/src/dubstage bounce -q --format stereo -o $out/master2.wav $out/bench.dubstage"
inputs=() ; filt="" ; labels=""
for ((i = 0; i < tracks; i++)); do
  inputs+=(-i "$out/media/$(printf 'src_%02d.wav' "$i")")
  p=$(awk -v i=$i -v n=$tracks 'BEGIN{x=(n>1)?-1+2*i/(n-1):0; a=(x+1)*atan2(1,1); printf "%.4f*c0|c1=%.4f*c0", cos(a), sin(a)}')
  filt+="[$i:a]pan=stereo|c0=${p}[p$i];"
  labels+="[p$i]"
done
filt+="${labels}amix=inputs=$tracks:normalize=0[out]"
ffm="ffmpeg -nostdin -hide_banner -loglevel error -y ${inputs[*]} -filter_complex '$filt' -map [out] -c:a pcm_s24le $out/ffmpeg2.wav"

W=$(mktemp -d); trap 'rm -rf "$W" "$out/floor.raw"' EXIT
# The I/O floor on this machine: reading every source once and writing as
# many bytes as the 7.1 master + 3 stems (24-bit), with nothing else done.
# (Virtual machines may not keep 5 GB of media in the page cache.)
outbytes=$(awk -v s=$seconds 'BEGIN{printf "%.0f", s*48000*8*3*4}')
/usr/bin/time -f "%e" -o "$W/fr" cat "$out"/media/*.wav > /dev/null
/usr/bin/time -f "%e" -o "$W/fw" dd if=/dev/zero of="$out/floor.raw" bs=1M \
  count=$((outbytes / 1048576)) conv=fsync status=none
rm -f "$out/floor.raw"
# the bounce writes its 24-bit audio with O_DIRECT in 4 MiB blocks
/usr/bin/time -f "%e" -o "$W/fd" dd if=/dev/zero of="$out/floor.raw" bs=4M \
  count=$((outbytes / 4194304)) oflag=direct conv=fsync status=none 2>/dev/null ||
  echo "n/a" > "$W/fd"
rm -f "$out/floor.raw"
echo "I/O floor: read sources $(cat "$W/fr") s, write $((outbytes / 1048576)) MiB" \
  "$(cat "$W/fw") s through the page cache, $(tail -1 "$W/fd") s direct"

for r in 1 2 3; do
  for k in ours71 ours2 ffm; do
    /usr/bin/time -f "%e %U %S %M" -o "$W/t" bash -c "${!k}" >/dev/null 2>"$W/err" || {
      echo "$k failed:"; cat "$W/err"; exit 1; }
    echo "$k $(cat "$W/t")" >> "$W/all"
  done
done
med() { sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
for k in ours71 ours2 ffm; do
  w=$(awk -v k=$k '$1==k{print $2}' "$W/all" | med)
  c=$(awk -v k=$k '$1==k{print $3+$4}' "$W/all" | med)
  m=$(awk -v k=$k '$1==k{print $5}' "$W/all" | med)
  eval "${k}_w=$w"
  printf "%-7s wall %7.2f s  %6.1fx real time  cpu %7.2f s  peak memory %6.1f MB\n" \
    "$k" "$w" "$(awk -v s=$seconds -v w=$w 'BEGIN{print s/w}')" "$c" "$(awk -v m=$m 'BEGIN{print m/1024}')"
done
echo "7.1 master + 3 stems: $(awk -v s=$seconds -v w=$ours71_w 'BEGIN{printf "%.0f", s/w}')x real time (goal >= 150x)"
echo "stereo mix vs ffmpeg amix: ffmpeg/ours wall ratio $(awk -v a=$ffm_w -v b=$ours2_w 'BEGIN{printf "%.2f", a/b}') (> 1: we are faster)"
