#!/bin/bash
# Scores dubstage's cleanup and the open peers on ../shared/bench/dialogue with
# its own referee (score.sh), one setting per task for every file.
# usage: bench/dialogue/run.sh [ours|peers|all]   (default all)
# Needs the set built once: ../shared/bench/dialogue/{build.sh,make_set.sh}.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${DUBSTAGE:-$top/build/dubstage}
S=${DIALOGUE_BENCH:-$top/../shared/bench/dialogue}/score.sh
FF="ffmpeg -nostdin -loglevel error -y -i {in}"
row() { echo "== $1: $2"; "$S" "$1" "$2" | tail -1; }
ours() {
  row denoise "$B clean -q --denoise --profile-from 0.1-1.4 {in} -o {out}"
  row denoise "$B clean -q --denoise {in} -o {out}"
  row dehum "$B clean -q --dehum {in} -o {out}"
  row declick "$B clean -q --declick {in} -o {out}"
  row deplosive "$B clean -q --deplosive {in} -o {out}"
  row deess "$B clean -q --deess {in} -o {out}"
  row level "$B clean -q --level {in} -o {out}"
}
peers() {
  row denoise "$FF -af afftdn -c:a pcm_f32le {out}"
  row denoise "sox {in} -n trim 0.1 1.3 noiseprof {out}.prof && sox {in} -e floating-point -b 32 {out} noisered {out}.prof 0.21"
  row denoise "$FF -af anlmdn -c:a pcm_f32le {out}"
  row dehum "$FF -af bandreject=f=50:w=2,bandreject=f=60:w=2,bandreject=f=100:w=2,bandreject=f=120:w=2,bandreject=f=150:w=2,bandreject=f=180:w=2 -c:a pcm_f32le {out}"
  # notches on 13 harmonics of both 50 and 60 Hz: more hum out, more voice too
  local n="" f
  for f in 50 60 100 120 150 180 200 240 250 300 350 360 400 420 450 480 500 540 550 600 650 660 720 780; do
    n="$n${n:+,}bandreject=f=$f:w=4"
  done
  row dehum "$FF -af $n -c:a pcm_f32le {out}"
  row declick "$FF -af adeclick -c:a pcm_f32le {out}"
  row deess "$FF -af deesser -c:a pcm_f32le {out}"
  row level "$FF -af dynaudnorm=f=100:g=5 -c:a pcm_f32le {out}"
}
case ${1:-all} in ours) ours ;; peers) peers ;; *) ours; peers ;; esac
