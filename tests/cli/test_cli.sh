# The dubstage program end to end: help, version, exit codes, new/info/validate
# on the demo session and on broken copies of it.
. "$DUBSTAGE_SOURCE_DIR/tests/lib.sh"
demo=$DUBSTAGE_SOURCE_DIR/sessions/demo/demo.dubstage
T=$TEST_TMPDIR

# --- program-level options and exit codes
expect_status 0 "version" -- "$DUBSTAGE" --version
expect_match "version text" "$out" '^dubstage [0-9]+\.[0-9]+\.[0-9]+$'
expect_status 0 "help" -- "$DUBSTAGE" --help
for cmd in new info validate; do
  expect_match "help lists $cmd" "$out" "^  $cmd "
done
for cmd in new info validate; do
  expect_status 0 "$cmd --help" -- "$DUBSTAGE" "$cmd" --help
  expect_match "$cmd --help usage" "$out" "^Usage: dubstage $cmd "
  expect_status 0 "help $cmd" -- "$DUBSTAGE" help "$cmd"
done
expect_status 2 "no command" -- "$DUBSTAGE"
expect_status 2 "unknown command" -- "$DUBSTAGE" frobnicate
expect_match "unknown command named" "$err" "unknown command 'frobnicate'"
expect_status 2 "unknown option" -- "$DUBSTAGE" info --bogus "$demo"
expect_status 2 "missing operand" -- "$DUBSTAGE" info
expect_status 1 "missing file" -- "$DUBSTAGE" info "$T/nope.dubstage"
expect_match "missing file named" "$err" "nope.dubstage"

# --- new
s=$T/reel1.dubstage
expect_status 0 "new" -- "$DUBSTAGE" new --rate 48000 --format 5.1 --timecode 29.97 \
  --drop-frame --start 01:00:00:00 --name "Reel 1" "$s"
expect_status 0 "info of new" -- "$DUBSTAGE" info --json "$s"
expect_eq "new: rate" "$(echo "$out" | jq .sample_rate)" 48000
expect_eq "new: master" "$(echo "$out" | jq -r .master_format)" "5.1"
expect_eq "new: tc rate" "$(echo "$out" | jq -r .timecode.rate)" "29.97"
expect_eq "new: drop frame" "$(echo "$out" | jq .timecode.drop_frame)" true
# 01:00:00;00 DF = video frame 107892; at 48 kHz: ceil(107892 * 1601.6)
expect_eq "new: start frames" "$(echo "$out" | jq .timecode.start_frames)" 172799828
expect_eq "new: name" "$(echo "$out" | jq -r .name)" "Reel 1"
expect_eq "new: empty" "$(echo "$out" | jq '.tracks | length')" 0
expect_eq "new: duration" "$(echo "$out" | jq .duration_frames)" 0
expect_status 0 "validate new" -- "$DUBSTAGE" validate "$s"
expect_status 1 "new refuses to overwrite" -- "$DUBSTAGE" new "$s"
expect_match "overwrite message" "$err" "already exists"
expect_status 0 "new --force" -- "$DUBSTAGE" new --force --rate 96000 "$s"
expect_status 0 "backup kept" -- test -f "$s.bak"
expect_status 0 "info after force" -- "$DUBSTAGE" info --json "$s"
expect_eq "force: new rate" "$(echo "$out" | jq .sample_rate)" 96000
expect_status 2 "new bad rate" -- "$DUBSTAGE" new --rate 12 "$T/x.dubstage"
expect_status 2 "new bad timecode" -- "$DUBSTAGE" new --timecode 26 "$T/x.dubstage"
expect_status 2 "new DF at 25" -- "$DUBSTAGE" new --timecode 25 --drop-frame "$T/x.dubstage"
expect_status 2 "new bad start" -- "$DUBSTAGE" new --start 01:00:00:30 "$T/x.dubstage"
expect_status 1 "x not created" -- test -e "$T/x.dubstage"

# --- the demo session
expect_status 0 "demo info" -- "$DUBSTAGE" info "$demo"
expect_match "demo summary names tracks" "$out" "T1 +DIA Anna"
expect_match "demo summary media" "$out" "Media: all 11 sources online"
expect_status 0 "demo info --json" -- "$DUBSTAGE" info --json "$demo"
j=$out
expect_eq "demo json parses" "$(echo "$j" | jq -e . >/dev/null && echo ok)" ok
expect_eq "demo rate" "$(echo "$j" | jq .sample_rate)" 48000
expect_eq "demo start" "$(echo "$j" | jq .timecode.start_frames)" 172800000
expect_eq "demo master" "$(echo "$j" | jq -r .master_format)" "5.1"
expect_eq "demo tracks" "$(echo "$j" | jq '.tracks | length')" 5
expect_eq "demo buses are stems" "$(echo "$j" | jq -r '[.buses[].kind] | unique | join(",")')" stem
expect_eq "demo all online" "$(echo "$j" | jq '[.sources[].online] | all')" true
expect_eq "demo no problems" "$(echo "$j" | jq '.problems | length')" 0
expect_eq "demo has markers" "$(echo "$j" | jq '.markers | length > 0')" true
# every documented key is there
for k in sample_rate timecode duration_frames master_format sources tracks buses markers; do
  expect_eq "key $k" "$(echo "$j" | jq "has(\"$k\")")" true
done
for k in id path channels sample_rate length_frames online; do
  expect_eq "source key $k" "$(echo "$j" | jq ".sources[0] | has(\"$k\")")" true
done
for k in id name format gain_db pan mute solo output sends clips automation; do
  expect_eq "track key $k" "$(echo "$j" | jq ".tracks[0] | has(\"$k\")")" true
done
for k in id name source source_channel position_frames length_frames \
    source_offset_frames gain_db mute fade_in fade_out automation; do
  expect_eq "clip key $k" "$(echo "$j" | jq ".tracks[0].clips[0] | has(\"$k\")")" true
done
for k in id name position_frames length_frames comment; do
  expect_eq "marker key $k" "$(echo "$j" | jq ".markers[0] | has(\"$k\")")" true
done
expect_eq "fade shape" "$(echo "$j" | jq -r '.tracks[0].clips[0].fade_in | has("shape") and has("length_frames")')" true
# duration reaches the end of the last clip
last_end=$(echo "$j" | jq '[.tracks[].clips[] | .position_frames + .length_frames] | max')
expect_eq "duration" "$(echo "$j" | jq .duration_frames)" "$((last_end - 172800000))"
expect_status 0 "demo validates" -- "$DUBSTAGE" validate "$demo"
expect_match "demo valid" "$out" "valid \(0 errors"

# --- broken copies of the demo
mkdir -p "$T/copy"
ln -sfn "$DUBSTAGE_SOURCE_DIR/sessions/demo/media" "$T/copy/media"
cp "$demo" "$T/copy/demo.dubstage"
expect_status 0 "copy validates" -- "$DUBSTAGE" validate "$T/copy/demo.dubstage"

# an unknown attribute on a known line
line=$(grep -n '<track id="T2"' "$demo" | cut -d: -f1)
sed "${line}s/<track id=\"T2\"/<track colour=\"red\" id=\"T2\"/" "$demo" > "$T/copy/bad_attr.dubstage"
expect_status 3 "unknown attribute" -- "$DUBSTAGE" validate "$T/copy/bad_attr.dubstage"
expect_match "names the line" "$err" "bad_attr.dubstage:$line:"

# a clip that plays past the end of its source
sed 's/length-frames="216000"/length-frames="1000"/' "$demo" > "$T/copy/short.dubstage"
expect_status 3 "clip past source end" -- "$DUBSTAGE" validate "$T/copy/short.dubstage"
expect_match "past end reported" "$err" "plays past the end of S1"

# two objects with one id
line=$(grep -n '<track id="T3"' "$demo" | cut -d: -f1)
sed "${line}s/<track id=\"T3\"/<track id=\"T1\"/" "$demo" > "$T/copy/dup.dubstage"
expect_status 3 "duplicate id" -- "$DUBSTAGE" validate "$T/copy/dup.dubstage"
expect_match "duplicate names the line" "$err" "dup.dubstage:$line:"

# truncated file
head -c 2000 "$demo" > "$T/copy/cut.dubstage"
expect_status 3 "truncated" -- "$DUBSTAGE" info "$T/copy/cut.dubstage"
expect_match "truncated named" "$err" "cut.dubstage:[0-9]+:"

# missing media: the session still loads and says what is missing
mkdir -p "$T/nomedia"
cp "$demo" "$T/nomedia/demo.dubstage"
expect_status 0 "info with missing media" -- "$DUBSTAGE" info --json "$T/nomedia/demo.dubstage"
expect_eq "all offline" "$(echo "$out" | jq '[.sources[].online] | any')" false
expect_status 3 "validate with missing media" -- "$DUBSTAGE" validate "$T/nomedia/demo.dubstage"
expect_match "missing file named" "$err" "media/anna_1.wav"
expect_status 0 "validate --allow-missing" -- "$DUBSTAGE" validate --allow-missing "$T/nomedia/demo.dubstage"

finish
