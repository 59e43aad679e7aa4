# dubstage import end to end on the AAF corpus: every export imports into a
# session that loads and validates (missing media allowed and reported); an
# external WAV is found through --media-dir and a bounce plays its samples
# at the clip's position; embedded audio is extracted; bad files fail
# clearly.
. "$DUBSTAGE_SOURCE_DIR/tests/lib.sh"
AAF=${DUBSTAGE_CORPUS:?}/aaf
T=$TEST_TMPDIR
[ -d "$AAF/aaf" ] || { echo "FAIL: the AAF corpus is not at $AAF"; exit 1; }

n=0
for f in "$AAF"/aaf/*.aaf; do
  b=$(basename "$f" .aaf)
  mkdir -p "$T/$b"
  expect_status 0 "import $b" -- "$DUBSTAGE" import "$f" -o "$T/$b/$b.dubstage" --media-dir "$AAF/res"
  if [ "$b" = PR_Clip_length_beyond_EOF ]; then
    # what this export tests: the clip runs past its media's end. It is
    # imported as it is, and validate says so.
    expect_status 3 "flags $b" -- "$DUBSTAGE" validate -q --allow-missing "$T/$b/$b.dubstage"
    expect_match "past the end named" "$err" "plays past the end of S"
  else
    expect_status 0 "validates $b" -- "$DUBSTAGE" validate -q --allow-missing "$T/$b/$b.dubstage"
  fi
  n=$((n + 1))
done
expect_eq "54 exports" "$n" 54
expect_status 0 "dump" -- "$DUBSTAGE" import --dump "$AAF/aaf/MC_Markers.aaf"
expect_match "dump lists tracks" "$out" "Tracks"

# external media found by name; the bounce puts the source at the clip
s=$T/PT_WAV_External/PT_WAV_External.dubstage
j=$("$DUBSTAGE" info --json "$s")
expect_eq "source online" "$(echo "$j" | jq '.sources[0].online')" true
pos=$(echo "$j" | jq '.tracks[0].clips[0].position_frames')
off=$(echo "$j" | jq '.tracks[0].clips[0].source_offset_frames')
len=$(echo "$j" | jq '.tracks[0].clips[0].length_frames')
expect_eq "clip position (expected file)" "$pos" 158804100
expect_eq "clip source offset" "$off" 44100
expect_eq "clip length" "$len" 44100
src=$(echo "$j" | jq -r '.sources[0].resolved_path')
expect_status 0 "bounce the clip" -- "$DUBSTAGE" bounce -q -F --format mono \
  --range "$((pos - 100))-$((pos + len + 100))" -o "$T/pt.wav" "$s"
# the source's frames off .. off+len, against the bounce's 100 .. 100+len
sox "$src" -t f32 "$T/src.raw" trim "${off}s" "${len}s"
sox "$T/pt.wav" -t f32 "$T/out.raw" trim 100s "${len}s"
expect_status 0 "samples equal the source at the position" -- cmp "$T/src.raw" "$T/out.raw"
sox "$T/pt.wav" -t f32 "$T/before.raw" trim 0s 100s
expect_eq "silence before" "$(od -An -tx1 -v "$T/before.raw" | tr -d ' \n' | tr -d 0)" ""

# embedded essence (WAVE, AIFC, raw PCM): extracted as WAV into the
# session's media folder
for b in PR_WAV_Internal PR_AIFF_Internal PT_PCM_Internal; do
  j=$("$DUBSTAGE" info --json "$T/$b/$b.dubstage")
  expect_eq "embedded sources online ($b)" \
    "$(echo "$j" | jq '[.sources[] | select(.embedded)] | length > 0 and all(.online)')" true
  expect_eq "extracted into media/ ($b)" "$(ls "$T/$b/media" | grep -c '\.wav$' | awk '{print ($1 > 0)}')" 1
done

# bad input
printf 'not an aaf' > "$T/bad.aaf"
expect_status 3 "not AAF" -- "$DUBSTAGE" import "$T/bad.aaf" -o "$T/bad.dubstage"
expect_match "says so" "$err" "bad.aaf"
head -c 3000 "$AAF/aaf/PT_Fades.aaf" > "$T/cut.aaf"
expect_status 3 "truncated" -- "$DUBSTAGE" import "$T/cut.aaf" -o "$T/cut.dubstage"
expect_eq "nothing written" "$(ls "$T" | grep -c '^cut\.dubstage')" 0
finish
