#!/usr/bin/env bash
# dubstage play and bounce --freewheel on the fixture's JACK server: play
# reports what the real-time side saw; a freewheel bounce through the JACK
# engine is byte-identical to the offline bounce; a missing server is a
# clear error.
. "$DUBSTAGE_SOURCE_DIR/tests/lib.sh"

demo=$DUBSTAGE_SOURCE_DIR/sessions/demo/demo.dubstage
tmp=$TEST_TMPDIR

expect_status 0 "play 3 s" -- "$DUBSTAGE" play "$demo" --for 3 --no-connect \
  --from 01:00:02:00 --stats "$tmp/stats.json"
expect_match "xruns reported" "$out" '^xruns: [0-9]+$'
expect_match "underruns reported" "$out" '^underruns: 0$'
expect_match "callback time reported" "$out" \
  'process callback per period: median [0-9.]+ us, 99th percentile [0-9.]+ us, max [0-9.]+ us'
frames=$(jq -r .frames_played "$tmp/stats.json")
expect_match "3 s played" "$frames" '^[0-9]+$'
if [ "${frames:-0}" -ge 144000 ]; then pass; else fail "played $frames frames"; fi
expect_eq "periods in the JSON" "$(jq -r '.periods > 100' "$tmp/stats.json")" true
expect_eq "p99 in the JSON" "$(jq -r '.callback_us.p99 > 0' "$tmp/stats.json")" true

# the same range, offline and through JACK in freewheel; freewheel takes
# the whole server (every client runs flat out), so on a private one
fw=dstest-freewheel-$$
bash "$DUBSTAGE_JACKD_SH" start "$fw" >&2 || fail "cannot start jackd $fw"
trap 'bash "$DUBSTAGE_JACKD_SH" stop "$fw" >&2' EXIT
range=01:00:01:00-01:00:09:00
expect_status 0 "offline bounce" -- "$DUBSTAGE" bounce "$demo" -q \
  --range $range -o "$tmp/offline.wav"
expect_status 0 "freewheel bounce" -- "$DUBSTAGE" bounce "$demo" -q \
  --freewheel --server $fw --range $range -o "$tmp/freewheel.wav"
if cmp -s "$tmp/offline.wav" "$tmp/freewheel.wav"; then pass; else
  fail "the freewheel bounce differs from the offline bounce"
  cmp "$tmp/offline.wav" "$tmp/freewheel.wav" | head -3 >&2
fi
expect_status 0 "freewheel fold-down" -- "$DUBSTAGE" bounce "$demo" -q \
  --freewheel --server $fw --format stereo --range $range -o "$tmp/fw-stereo.wav"
expect_status 0 "offline fold-down" -- "$DUBSTAGE" bounce "$demo" -q \
  --format stereo --range $range -o "$tmp/off-stereo.wav"
if cmp -s "$tmp/off-stereo.wav" "$tmp/fw-stereo.wav"; then pass; else
  fail "the freewheel fold-down differs from the offline one"; fi
expect_status 1 "freewheel stems refused" -- "$DUBSTAGE" bounce "$demo" -q \
  --freewheel --server $fw --stems --range $range -o "$tmp/stems.wav"
expect_match "says why" "$err" 'master only'

# no such server: a clear message, nothing started
expect_status 1 "no server" -- "$DUBSTAGE" play "$demo" --for 1 \
  --server "dubstage-nobody-$$"
expect_match "names the server" "$err" "no JACK server 'dubstage-nobody-$$'"
expect_status 2 "bad --for" -- "$DUBSTAGE" play "$demo" --for -3
expect_status 2 "bad --from" -- "$DUBSTAGE" play "$demo" --from 99:xx

finish
