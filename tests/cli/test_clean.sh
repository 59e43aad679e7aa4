# dubstage clean: files (alignment, determinism, noise reduced, tone kept,
# fill, bad input that must give clear messages and no NaN) and session
# clips (a new file in media/, the clip repointed, undo, saved profiles,
# the denoise insert and its latency compensation in a bounce).
# Test signals are made here with sox.
source "$DUBSTAGE_SOURCE_DIR/tests/lib.sh"
cd "$TEST_TMPDIR" || exit 1
export SOX_OPTS=-V1
F="-r 48000 -e floating-point -b 32"

# rms_db FILE START LEN: RMS level (dBFS) of a stretch
rms_db() { sox "$1" -n trim "$2" "$3" stats 2>&1 | awk '/RMS lev dB/{print $4}'; }
# peak_at FILE: 0-based frame of the largest |sample| (channel 1)
peak_at() { sox "$1" -t dat - 2>/dev/null | awk '!/^;/{v=$2<0?-$2:$2; if (v>m){m=v;at=n} n++} END{print at+0}'; }
# finite FILE: every sample is a number
finite() { ! sox "$1" -t dat - 2>/dev/null | grep -Eqi 'nan|inf'; }
# db_diff A B: |A - B|
db_diff() { awk -v a="$1" -v b="$2" 'BEGIN{d=a-b; print (d<0?-d:d)}'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN{exit !(a<b)}'; }

# ---- material ----------------------------------------------------------------
sox -n $F -c 1 noise.wav synth 5 pinknoise vol 0.05
sox -n $F -c 1 tone.wav synth 4 sine 440 vol 0.3 pad 1 0
sox -m -v 1 noise.wav -v 1 tone.wav noisy.wav            # 1 s of room tone, then a tone in it
sox -n $F -c 1 sweep.wav synth 4 sine 200:3000 vol 0.3 pad 1 0
sox -m -v 1 noise.wav -v 1 sweep.wav speechy.wav         # room tone, then something that moves
sox -n $F -c 1 impulse.wav synth 2 sine 1000 vol 0 pad 0 0
sox impulse.wav -t dat - | awk '!/^;/{n++; print $1, (n==48001?0.5:$2)}' |
  sox -t dat -r 48000 -c 1 - $F impulse1.wav

# ---- a file: noise down, tone kept, aligned, the same twice --------------------
# (adaptive=0: with tracking on, a tone steady for seconds is learned as noise)
expect_status 0 "denoise with a profile" -- \
  "$DUBSTAGE" clean noisy.wav -o clean.wav --denoise adaptive=0 --profile-from 0.1-0.9
expect_match "reports the latency it compensated" "$out" 'latency [0-9]+ frames compensated'
expect_eq "same length" "$(soxi -s clean.wav)" "$(soxi -s noisy.wav)"
lead_in=$(rms_db noisy.wav 0.2 0.6); lead_out=$(rms_db clean.wav 0.2 0.6)
lt "$lead_out" "$(awk -v a="$lead_in" 'BEGIN{print a-10}')" && pass ||
  fail "room tone not reduced by 10 dB: $lead_in -> $lead_out dBFS"
tone_in=$(rms_db tone.wav 2 2); tone_out=$(rms_db clean.wav 2 2)
lt "$(db_diff "$tone_in" "$tone_out")" 1.0 && pass ||
  fail "the tone did not survive within 1 dB: $tone_in -> $tone_out dBFS"
"$DUBSTAGE" clean -q noisy.wav -o clean2.wav --denoise adaptive=0 --profile-from 0.1-0.9
cmp -s clean.wav clean2.wav && pass || fail "two runs differ"

for stage in --deplosive --denoise --dehum --deess --level; do
  expect_status 0 "$stage on an impulse" -- "$DUBSTAGE" clean -q impulse1.wav -o imp.wav $stage
  expect_eq "$stage keeps the impulse in place (latency compensated)" "$(peak_at imp.wav)" 48000
done
expect_status 0 "every stage at once, settings after a stage" -- "$DUBSTAGE" clean -q noisy.wav \
  -o all.wav --level -20 --deess range-db=6 --dehum mains-hz=50 --denoise reduction-db=12
finite all.wav && pass || fail "non-finite samples from the whole chain"

# ---- room-tone fill ----------------------------------------------------------
sox noise.wav part1.wav trim 0 1; sox noise.wav part2.wav trim 1.5 3.5
sox -n $F -c 1 hole.wav trim 0 0.5
sox part1.wav hole.wav part2.wav holed.wav
expect_status 0 "fill a hole" -- "$DUBSTAGE" clean -q holed.wav -o filled.wav --fill 1-1.5 --fill-from 2-3
gap=$(rms_db filled.wav 1.05 0.4); room=$(rms_db noise.wav 2 1)
lt "$(db_diff "$gap" "$room")" 2.0 && pass || fail "fill level $gap dBFS vs room $room dBFS"
expect_eq "outside the gap and its crossfades untouched" \
  "$(sox filled.wav -t dat - trim 2 0.5 | md5sum)" "$(sox holed.wav -t dat - trim 2 0.5 | md5sum)"

# ---- bad input: clear messages, nothing under the final name, no NaN -----------
expect_status 3 "a moving sound is not room tone" -- "$DUBSTAGE" clean speechy.wav -o bad.wav --denoise --profile-from 1.5-3
expect_match "says so" "$err" 'profile-from.*(room tone|stationary|not)'
[ ! -e bad.wav ] && pass || fail "a refused clean left bad.wav"
sox -n $F -c 1 silence.wav trim 0 1
expect_status 3 "digital silence has no room tone" -- "$DUBSTAGE" clean silence.wav -o bad.wav --denoise --profile-from 0-0.5
expect_match "says so" "$err" 'silence'
expect_status 0 "silence through every stage" -- "$DUBSTAGE" clean -q silence.wav -o sil.wav --declick --deplosive --denoise --dehum --deess --level
finite sil.wav && pass || fail "NaN or inf out of silence"
expect_eq "silence stays silent" "$(sox sil.wav -n stats 2>&1 | awk '/Pk lev dB/{print $4}')" "-inf"
sox noisy.wav one.wav trim 0 1s
expect_status 0 "a 1-sample file" -- "$DUBSTAGE" clean -q one.wav -o one_out.wav --declick --deplosive --denoise --dehum --deess --level
expect_eq "one sample out" "$(soxi -s one_out.wav)" 1
finite one_out.wav && pass || fail "NaN out of a 1-sample file"
sox -n $F -c 1 square.wav synth 1 square 100 vol 1
expect_status 0 "clipping input" -- "$DUBSTAGE" clean square.wav -o sq.wav --declick --deplosive --denoise --dehum --deess --level
expect_match "warns about clipping" "$err" 'clipped'
finite sq.wav && pass || fail "NaN out of a full-scale square"
sox -n $F -c 3 three.wav synth 1 pinknoise vol 0.1
expect_status 0 "three channels" -- "$DUBSTAGE" clean -q three.wav -o three_out.wav --denoise
expect_eq "three channels out" "$(soxi -c three_out.wav)" 3
sox -n -r 44100 -e floating-point -b 32 -c 1 rate44.wav synth 1 pinknoise vol 0.05
expect_status 0 "44.1 kHz" -- "$DUBSTAGE" clean -q rate44.wav -o r44.wav --denoise --profile-from 0.1-0.9
expect_status 2 "never over its input" -- "$DUBSTAGE" clean noisy.wav -o noisy.wav --denoise
expect_status 2 "nothing to do" -- "$DUBSTAGE" clean noisy.wav -o x.wav
expect_status 2 "a malformed range" -- "$DUBSTAGE" clean noisy.wav -o x.wav --denoise --profile-from 3
expect_status 3 "a range past the end" -- "$DUBSTAGE" clean noisy.wav -o x.wav --denoise --profile-from 4-9
expect_status 3 "an unknown setting" -- "$DUBSTAGE" clean noisy.wav -o x.wav --denoise colour=3
expect_match "names it" "$err" "colour"
expect_status 1 "a missing file" -- "$DUBSTAGE" clean nothere.wav -o x.wav --denoise
printf 'RIFF\x24\x00\x00\x00WAVEfmt ' > trunc.wav
expect_status 1 "a truncated file" -- "$DUBSTAGE" clean trunc.wav -o x.wav --denoise
[ ! -e x.wav ] && pass || fail "a failed clean left x.wav"

# ---- a session clip ----------------------------------------------------------
# the demo session with S1 (C1's source) replaced by noisy.wav
mkdir -p media
for f in "$DUBSTAGE_SOURCE_DIR"/sessions/demo/media/*.wav; do ln -s "$f" media/; done
rm media/anna_1.wav; cp noisy.wav media/anna_1.wav
sed 's|path="media/anna_1.wav" channels="1" sample-rate="48000" length-frames="[0-9]*"|path="media/anna_1.wav" channels="1" sample-rate="48000" length-frames="240000"|' \
  "$DUBSTAGE_SOURCE_DIR/sessions/demo/demo.dubstage" > s.dubstage
sum_before=$(md5sum < media/anna_1.wav)
expect_status 0 "clean a clip, learning and saving a profile" -- "$DUBSTAGE" clean s.dubstage --clip C1 \
  --denoise --profile-from 0-0.8 --save-profile "room A"
expect_match "reports the new file and profile" "$out" 'C1 cleaned into media/anna_1-C1-clean1.wav \(S[0-9]+\); noise profile N1 "room A"'
[ -s media/anna_1-C1-clean1.wav ] && pass || fail "no cleaned file in media/"
expect_eq "the original media is untouched" "$(md5sum < media/anna_1.wav)" "$sum_before"
grep -q '<clip id="C1" [^>]*source="S1"' s.dubstage && fail "C1 still plays S1" || pass
grep -q '<noise-print id="N1" name="room A"' s.dubstage && pass || fail "profile not saved"
expect_status 0 "reuse the saved profile" -- "$DUBSTAGE" clean s.dubstage --clip C1 --denoise --profile "room A"
# the print as if copied from a 44.1 kHz session: refused with the reason,
# for a clip and for an insert, and nothing changes
sed 's|\(<noise-print id="N1" [^>]*\) rate="48000"|\1 rate="44100"|' s.dubstage > s441.dubstage
grep -q 'rate="44100"' s441.dubstage && pass || fail "the test could not make a 44.1 kHz print"
expect_status 1 "a profile from another sample rate, on a clip" -- "$DUBSTAGE" clean s441.dubstage --clip C1 --denoise --profile N1
expect_match "says why" "$err" '44100|sample rate'
expect_status 2 "and as an insert's profile" -- "$DUBSTAGE" edit s441.dubstage "insert T1 denoise" "insert-param T1 1 profile 1"
expect_match "says why" "$err" 'another sample rate'
expect_status 0 "clean then undo changes nothing" -- "$DUBSTAGE" edit s.dubstage "clean C1 --dehum" undo
expect_match "nothing to save" "$out" 'no change'
expect_status 1 "an unknown profile" -- "$DUBSTAGE" clean s.dubstage --clip C1 --denoise --profile nope
expect_status 1 "an offline or missing clip" -- "$DUBSTAGE" clean s.dubstage --clip C99 --denoise

# the denoise insert with the saved profile plays in a bounce, in sync:
# with the insert at 0 dB reduction the peak of an impulse stays put
cp impulse1.wav media/anna_1.wav
sed -i 's|length-frames="240000"|length-frames="96000"|' s.dubstage
"$DUBSTAGE" edit s.dubstage "clean C1 --level" undo >/dev/null 2>&1
expect_status 0 "bounce without inserts" -- "$DUBSTAGE" bounce -q --float s.dubstage --range 01:00:05:00-01:00:07:00 -o dry.wav
expect_status 0 "add a denoise insert using N1" -- "$DUBSTAGE" edit s.dubstage "insert T1 denoise" \
  "insert-param T1 1 profile 1" "insert-param T1 1 reduction-db 0" "insert-param T1 1 tonal-reduction-db 0"
expect_status 0 "bounce with it" -- "$DUBSTAGE" bounce -q --float s.dubstage --range 01:00:05:00-01:00:07:00 -o wet.wav
expect_eq "latency compensated: the impulse is where it was" "$(peak_at wet.wav)" "$(peak_at dry.wav)"
expect_status 0 "info lists the noise print" -- "$DUBSTAGE" info s.dubstage
expect_match "by id and name" "$out" 'N1 +room A'
expect_status 0 "and its JSON view" -- "$DUBSTAGE" info --json s.dubstage
expect_match "noise_prints" "$(printf '%s' "$out" | tr -d ' \n')" '"noise_prints":\[\{"id":"N1","name":"roomA"'
expect_status 0 "rename the print" -- "$DUBSTAGE" edit s.dubstage 'rename N1 "room B"'
expect_status 1 "a print a denoise insert uses is not removed" -- "$DUBSTAGE" edit s.dubstage 'remove N1'
expect_match "says why" "$err" 'N1 is still the profile of a denoise insert'
expect_status 0 "unused, it is" -- "$DUBSTAGE" edit s.dubstage 'uninsert T1 1' 'remove N1'
grep -q '<noise-print' s.dubstage && fail "N1 still in the file" || pass
expect_status 1 "a latent insert on a bus is refused" -- "$DUBSTAGE" edit s.dubstage "insert B1 denoise"
expect_match "says why" "$err" 'latency'
finish
