# dubstage edit end to end: edits land in the saved file (with a .bak), a
# failing line saves nothing, --dry-run saves nothing, a session locked by a
# running console is refused naming the holder, and `help edit` lists every
# session command.
. "$DUBSTAGE_SOURCE_DIR/tests/lib.sh"
demo=$DUBSTAGE_SOURCE_DIR/sessions/demo/demo.dubstage
T=$TEST_TMPDIR
s=$T/mix.dubstage
cp "$demo" "$s"
cp "$demo" "$T/original.dubstage"

# track T3's gain-db attribute in the saved file
track_gain() { sed -n "s/.*<track id=\"$1\"[^>]* gain-db=\"\([^\"]*\)\".*/\1/p" "$s"; }
track_solo() { sed -n "s/.*<track id=\"$1\"[^>]* solo=\"\([^\"]*\)\".*/\1/p" "$s"; }

# --- edits land
expect_status 0 "edit" -- "$DUBSTAGE" edit "$s" 'gain T3 -2.5' 'solo T1' \
  "rename T2 'DIA Ben (ADR)'"
expect_match "gain report" "$out" "^T3 gain -2.5 dB$"
expect_match "solo report" "$out" "T1 solo on"
expect_match "saved report" "$out" "saved $s"
expect_eq "T3 gain saved" "$(track_gain T3)" "-2.5"
expect_eq "T1 solo saved" "$(track_solo T1)" "true"
expect_match "T2 renamed" "$(cat "$s")" 'name="DIA Ben \(ADR\)"'
expect_status 0 "backup kept" -- cmp "$s.bak" "$T/original.dubstage"
expect_status 0 "still valid" -- "$DUBSTAGE" validate --allow-missing "$s"
expect_status 1 "no lock left" -- test -e "$s.lock"
expect_eq "no temp files" "$(ls "$T" | grep -c "tmp-")" 0

# relative moves, clip nudge by timecode frames (24 fps: 2000 samples; C1
# starts between two frames, so 2 frames on is the second boundary after it)
pos=$(sed -n 's/.*<clip id="C1"[^>]* position="\([0-9]*\)".*/\1/p' "$s")
expect_status 0 "edit again" -- "$DUBSTAGE" edit "$s" 'gain T3 --by 1' 'nudge C1 2'
expect_eq "T3 gain moved" "$(track_gain T3)" "-1.5"
expect_eq "C1 nudged" "$(sed -n 's/.*<clip id="C1"[^>]* position="\([0-9]*\)".*/\1/p' "$s")" \
  "$(((pos / 2000 + 2) * 2000))"

# --- a failing line saves nothing
cp "$s" "$T/before.dubstage"
expect_status 1 "failing line" -- "$DUBSTAGE" edit "$s" 'gain T1 -1' 'gain T9 0'
expect_match "names the object" "$err" "^dubstage edit: gain: no T9 in this session"
expect_match "names the line" "$err" "line 2 \('gain T9 0'\) failed; nothing was saved"
expect_status 0 "file unchanged" -- cmp "$s" "$T/before.dubstage"
expect_status 2 "bad value" -- "$DUBSTAGE" edit "$s" 'gain T1 loud'
expect_status 0 "file unchanged (usage)" -- cmp "$s" "$T/before.dubstage"
expect_status 2 "unknown command" -- "$DUBSTAGE" edit "$s" 'frobnicate T1'
expect_match "unknown command named" "$err" "unknown command 'frobnicate'"
expect_status 2 "save refused inside edit" -- "$DUBSTAGE" edit "$s" 'gain T1 -1' "save $T/x.dubstage"
expect_status 1 "no copy written" -- test -e "$T/x.dubstage"
expect_status 2 "no lines" -- "$DUBSTAGE" edit "$s"
expect_status 1 "missing file" -- "$DUBSTAGE" edit "$T/nope.dubstage" 'solo T1'

# --- dry run
expect_status 0 "dry run" -- "$DUBSTAGE" edit --dry-run "$s" 'gain T1 -6' 'mute T2'
expect_match "dry run reports" "$out" "T1 gain -6 dB"
expect_match "dry run says so" "$out" "not saved"
expect_status 0 "dry run saves nothing" -- cmp "$s" "$T/before.dubstage"
expect_status 0 "dry run -n" -- "$DUBSTAGE" edit -n "$s" 'solo T1' 'undo'
expect_match "undo reported" "$out" "undo: unsolo T1"
expect_status 1 "nothing to undo in a fresh load" -- "$DUBSTAGE" edit -n "$s" 'undo'
expect_match "undo message" "$err" "nothing to undo"

# --- a console holds the lock: a process that flocks the lock file and
# becomes `sleep` keeping the descriptor (as the console keeps its lock).
# It says it holds the lock by creating a ready file; probing the lock from
# here instead would race with the holder's own attempt to take it.
printf '4242 stage-mac\n' > "$s.lock"
rm -f "$T/holder.ready"
( exec 9<>"$s.lock"; flock -w 30 9 || exit 1; : > "$T/holder.ready"
  exec sleep 60 ) &
holder=$!
for _ in $(seq 300); do
  [ -e "$T/holder.ready" ] && break
  sleep 0.1
done
expect_status 0 "the holder took the lock" -- test -e "$T/holder.ready"
expect_status 1 "locked session refused" -- "$DUBSTAGE" edit "$s" 'gain T1 -1'
expect_match "names the holder" "$err" "is open in a console \(process 4242 stage-mac\)"
expect_status 0 "locked: unchanged" -- cmp "$s" "$T/before.dubstage"
kill -9 "$holder"; wait "$holder" 2>/dev/null
expect_status 0 "after the holder died" -- "$DUBSTAGE" edit "$s" 'gain T1 -1'

# --- help lists every session command
expect_status 0 "help edit" -- "$DUBSTAGE" help edit
for c in gain mute solo pan send unsend output rename remove move nudge trim \
    split fade marker marker-move insert insert-param bypass uninsert undo redo save; do
  expect_match "help lists $c" "$out" "^  $c "
done
expect_status 0 "help" -- "$DUBSTAGE" --help
expect_match "edit in the command list" "$out" "^  edit "
finish
