# dubstage bounce end to end on the demo session: master and stems, fold-down,
# determinism, and refusals that leave nothing behind.
. "$DUBSTAGE_SOURCE_DIR/tests/lib.sh"
demo=$DUBSTAGE_SOURCE_DIR/sessions/demo/demo.dubstage
T=$TEST_TMPDIR

expect_status 0 "bounce --help" -- "$DUBSTAGE" bounce --help
expect_status 2 "no -o" -- "$DUBSTAGE" bounce "$demo"
expect_status 2 "bad format" -- "$DUBSTAGE" bounce -o "$T/x.wav" --format quad "$demo"
expect_status 2 "upmix refused" -- "$DUBSTAGE" bounce -o "$T/x.wav" --format 7.1 "$demo"
expect_status 2 "bad range" -- "$DUBSTAGE" bounce -o "$T/x.wav" --range 5-2 "$demo"

expect_status 0 "bounce with stems" -- "$DUBSTAGE" bounce -o "$T/mix.wav" --stems "$demo"
expect_match "lists the master" "$out" "wrote $T/mix.wav"
for stem in DIA MUS FX; do
  expect_eq "stem $stem written" "$(test -s "$T/mix.$stem.wav" && echo yes)" yes
  expect_eq "stem $stem is 5.1" "$(soxi -c "$T/mix.$stem.wav")" 6
done
expect_eq "master is 5.1" "$(soxi -c "$T/mix.wav")" 6
expect_eq "master is 24-bit" "$(soxi -b "$T/mix.wav")" 24
# duration: the demo's duration_frames
want=$("$DUBSTAGE" info --json "$demo" | jq .duration_frames)
expect_eq "master length" "$(soxi -s "$T/mix.wav")" "$want"
# the master is not silent and not clipped
peak=$(sox "$T/mix.wav" -n stats 2>&1 | awk '/Pk lev dB/ {print $4}')
expect_eq "master has signal below full scale" \
  "$(awk -v p="$peak" 'BEGIN{print (p < -0.1 && p > -40) ? "ok" : p}')" ok

# the same again: byte-identical
expect_status 0 "second bounce" -- "$DUBSTAGE" bounce -q -o "$T/mix2.wav" "$demo"
expect_status 0 "identical" -- cmp "$T/mix.wav" "$T/mix2.wav"

# fold-down to stereo; a range in timecode
expect_status 0 "stereo fold-down" -- "$DUBSTAGE" bounce -q -o "$T/st.wav" --format stereo \
  --range 01:00:05:00-01:00:10:00 "$demo"
expect_eq "stereo channels" "$(soxi -c "$T/st.wav")" 2
expect_eq "5 s range" "$(soxi -s "$T/st.wav")" 240000

# missing media: refused, nothing written; --allow-missing bounces
mkdir -p "$T/nomedia"
cp "$demo" "$T/nomedia/demo.dubstage"
expect_status 3 "missing media refused" -- "$DUBSTAGE" bounce -q -o "$T/nm.wav" "$T/nomedia/demo.dubstage"
expect_match "names the file" "$err" "media/"
expect_eq "no file" "$(ls "$T" | grep -c '^nm\.wav')" 0
expect_status 0 "allow missing" -- "$DUBSTAGE" bounce -q --allow-missing -o "$T/nm.wav" "$T/nomedia/demo.dubstage"

# an unwritable place: a clear error, nothing left
expect_status 1 "no such folder" -- "$DUBSTAGE" bounce -q -o "$T/no/such/x.wav" "$demo"
expect_match "says why" "$err" "x.wav|no/such"
# delivered to specs: measured, gained, limited, measured again; the
# result passes qc on its own, and never reads over the ceiling
for spec in ebu-r128 atsc-a85 netflix streaming-14; do
  expect_status 0 "deliver $spec" -- "$DUBSTAGE" bounce -q --spec $spec -o "$T/$spec.wav" "$demo"
  expect_eq "report says compliant ($spec)" "$(jq .compliant "$T/$spec.wav.qc.json")" true
  expect_status 0 "qc agrees ($spec)" -- "$DUBSTAGE" qc -q --spec $spec "$T/$spec.wav"
  ceiling=$(jq .limiter_ceiling_dbtp "$T/$spec.wav.qc.json")
  tp=$("$DUBSTAGE" measure -q --json "$T/$spec.wav" | jq '.[0].true_peak_dbtp')
  expect_eq "true peak under the ceiling ($spec: $tp <= $ceiling)" \
    "$(awk -v a="$tp" -v b="$ceiling" 'BEGIN{print (a <= b) ? "yes" : "no"}')" yes
done
expect_eq "no scratch files left" "$(ls -a "$T" | grep -c '\.render\.wav')" 0
expect_status 2 "unknown spec" -- "$DUBSTAGE" bounce -q --spec nope -o "$T/x.wav" "$demo"
finish
