# dubstage measure and qc end to end: EBU reference files, JSON keys, specs,
# and bad input (each file reported, the others still measured).
. "$DUBSTAGE_SOURCE_DIR/tests/lib.sh"
EBU=${DUBSTAGE_CORPUS:?}/ebu-loudness
T=$TEST_TMPDIR
sine20="$EBU/1kHz Sine -20 LUFS-16bit.wav"
case1="$EBU/seq-3341-1-16bit.wav"
[ -f "$case1" ] || { echo "FAIL: the EBU corpus is not at $EBU"; exit 1; }

# --- measure: JSON keys and values, both meters
for meter in libebur128; do
  expect_status 0 "measure ($meter)" -- "$DUBSTAGE" measure --json --meter $meter "$case1" "$sine20"
  expect_eq "two results" "$(echo "$out" | jq length)" 2
  for k in file channels layout integrated_lufs lra_lu momentary_max_lufs \
      short_term_max_lufs true_peak_dbtp sample_peak_dbfs speech_gated_lufs speech_percent; do
    expect_eq "key $k ($meter)" "$(echo "$out" | jq ".[0] | has(\"$k\")")" true
  done
  expect_eq "case 1 is -23 ($meter)" \
    "$(echo "$out" | jq '.[0].integrated_lufs | . > -23.1 and . < -22.9')" true
  expect_eq "sine is -20 ($meter)" \
    "$(echo "$out" | jq '.[1].integrated_lufs | . > -20.1 and . < -19.9')" true
  expect_eq "stereo layout" "$(echo "$out" | jq -r '.[0].layout')" stereo
done
expect_status 0 "csv" -- "$DUBSTAGE" measure --csv --meter libebur128 "$case1"
expect_match "csv header" "$out" "^file,channels,layout,integrated_lufs"
expect_eq "csv rows" "$(echo "$out" | wc -l)" 2

# --- bad input: a clear message per file, the good file still measured
printf 'not audio' > "$T/text.wav"
head -c 100 "$case1" > "$T/cut.wav"
sox -n -r 48000 -c 2 "$T/empty.wav" trim 0 0 2>/dev/null || cp /dev/null "$T/empty.wav"
expect_status 3 "bad files" -- "$DUBSTAGE" measure --json --meter libebur128 \
  "$T/text.wav" "$case1" "$T/cut.wav" "$T/empty.wav" "$T/missing.wav"
expect_eq "all five reported" "$(echo "$out" | jq length)" 5
expect_eq "good one measured" "$(echo "$out" | jq '.[1].integrated_lufs | . > -23.1 and . < -22.9')" true
expect_eq "four errors" "$(echo "$out" | jq '[.[] | select(has("error"))] | length')" 4
expect_match "names the text file" "$err" "text.wav: not readable as audio"
expect_match "names the missing file" "$err" "missing.wav"
expect_match "names the truncated file" "$err" "cut.wav: truncated"
expect_status 3 "layout mismatch" -- "$DUBSTAGE" measure --meter libebur128 --layout 5.1 "$case1"
expect_match "says channels" "$err" "2 channels, layout 5.1 has 6"

# --- qc
expect_status 0 "list specs" -- "$DUBSTAGE" qc --list-specs
for s in ebu-r128 ebu-r128-s1 atsc-a85 netflix amazon arib-tr-b32 op-59 streaming-14 streaming-16; do
  expect_match "spec $s listed" "$out" "^$s "
done
expect_status 2 "unknown spec" -- "$DUBSTAGE" qc --spec nope "$case1"
expect_match "unknown spec named" "$err" "no spec 'nope'"
finish
