#!/usr/bin/env bash
# The console end to end, driven inside tmux like a person at a keyboard
# (no JACK here: tests/live/test_console_live.sh plays): track names on
# the mixer, the fader key changes the shown dB and the saved session, a
# command at the prompt, undo/redo, the help lists every binding of the
# key table, resizes, a monochrome vt100, the lock, and a dropped link
# (SIGHUP) whose edits all come back at the next start.
. "$DUBSTAGE_SOURCE_DIR/tests/lib.sh"
. "$DUBSTAGE_SOURCE_DIR/tests/ui/tmux.sh"

tmp=$TEST_TMPDIR
tm_demo_here
tm_init
console="env LANG=C.UTF-8 XDG_CONFIG_HOME=$tmp/config $DUBSTAGE console --no-engine demo.dubstage"

# the gain of track ID in a saved session file
saved_gain() {
  grep -o "<track id=\"$1\" [^>]*" "$2" | grep -o 'gain-db="[^"]*"' | cut -d'"' -f2
}

# ---- the mixer, the fader key, the saved session -----------------------------
tm_start a 80 24 "$console"
expect_screen a "mixer shows the demo's tracks" 'DIA Anna +DIA Ben +FOLEY +MUSIC +FX'
expect_screen a "status line says the engine is offline" 'engine offline'
expect_screen a "T1 fader at 0 dB" '^ +\+0\.0 dB'
tm_keys a Up Up Up
expect_screen a "three fader steps show +1.5 dB" '^ +\+1\.5 dB'
expect_screen a "the title says modified" 'modified'
tm_keys a C-s
expect_screen a "saved" 'saved .*demo.dubstage'
expect_eq "the saved session has the new fader" "$(saved_gain T1 demo.dubstage)" 1.5

# ---- the prompt, undo and redo -------------------------------------------------
tm_keys a :
tm_text a 'gain T3 -7.5'
tm_keys a Enter
expect_screen a "the prompt's command took effect" 'T3 gain -7.5 dB'
expect_screen a "T3's fader shows it" '\-7\.5 dB'
tm_keys a u
expect_screen a "undo reports" 'undo'
if tm_wait a '\-7\.5 dB +[+-]' 2; then fail "undo left -7.5 dB on screen"; else pass; fi
expect_screen a "undo restores T3's -3.0 dB" '\-3\.0 dB'
tm_keys a C-r
expect_screen a "redo brings -7.5 dB back" '\-7\.5 dB'
tm_keys a :
tm_text a 'no-such-command 1'
tm_keys a Enter
expect_screen a "an unknown command is an error on the message line" \
  'no-such-command: unknown command'

# ---- a second console is warned off --------------------------------------------
expect_status 1 "a second console is refused" -- $DUBSTAGE console --no-engine demo.dubstage
expect_match "it names the holder" "$err" 'open in another console \([0-9]+ '
expect_status 1 "dubstage edit is refused too" -- $DUBSTAGE edit demo.dubstage 'gain T1 0'

# ---- resize ----------------------------------------------------------------------
check_frame() {   # NAME COLS ROWS: title on top, status and message at the bottom
  local scr rows
  scr=$(tm_screen "$1")
  rows=$(printf '%s\n' "$scr" | wc -l)
  expect_eq "$2x$3: rows" "$rows" "$3"
  expect_match "$2x$3: title on the first row" "$(printf '%s\n' "$scr" | head -1)" '^ dubstage .*1:mixer'
  expect_match "$2x$3: status on the second last row" \
    "$(printf '%s\n' "$scr" | sed -n "$(($3 - 1))p")" '^ STOP +01:00:00:00 +48000 Hz 5\.1'
  local widest
  widest=$(printf '%s\n' "$scr" | LC_ALL=C.UTF-8 wc -L)
  if [ "$widest" -le "$2" ]; then pass; else
    fail "$2x$3: a line is $widest columns wide"; fi
}
tm resize-window -t a -x 200 -y 60
sleep 0.3
expect_screen a "200x60 shows every strip, B3 too" 'B2 .*B3'
check_frame a 200 60
tm resize-window -t a -x 80 -y 24
sleep 0.3
expect_screen a "back at 80x24" '^ +>T1 '
check_frame a 80 24

re_quote() { sed 's/[][\.*^$()+?{}|/]/\\&/g'; }

# ---- the help lists every binding ----------------------------------------------
$DUBSTAGE console --list-keys >"$tmp/keys.txt"
expect_status 0 "console --list-keys" -- $DUBSTAGE console --list-keys
nkeys=$(wc -l <"$tmp/keys.txt")
if [ "$nkeys" -gt 40 ]; then pass; else fail "only $nkeys bindings listed"; fi
tm resize-window -t a -x 160 -y 200
tm_keys a '?'
expect_screen a "the help view" 'global keys'
help=$(tm_screen a)            # read it once it stops changing (a slow draw)
for _ in $(seq 50); do
  sleep 0.1
  now=$(tm_screen a)
  [ "$now" = "$help" ] && break
  help=$now
done
while IFS=$'\t' read -r table key note command; do
  line="^  $(printf '%-8s' "$key" | re_quote) +$(printf '%s' "$note" | re_quote) +$(printf '%s' "$command" | re_quote)\$"
  if printf '%s\n' "$help" | grep -Eq -- "$line"; then pass; else
    fail "help lacks the $table binding $key ($command)"; fi
done <"$tmp/keys.txt"
tm resize-window -t a -x 80 -y 24
tm_keys a Escape
expect_screen a "Escape leaves the help" 'DIA Anna'

# ---- quit asks, 'n' drops the edits, journal and lock are gone -------------------
tm_keys a q
expect_screen a "quit asks to save" 'Save changes before quitting'
tm_keys a n
tm_gone a || fail "the console did not quit"
expect_eq "no journal left after a clean quit" "$(ls demo.dubstage.journal 2>/dev/null)" ""
expect_eq "no lock left" "$(ls demo.dubstage.lock 2>/dev/null)" ""
expect_eq "the discarded edit is not in the file" "$(saved_gain T3 demo.dubstage)" -3

# ---- SIGHUP after edits: everything is recovered -----------------------------
tm_start b 80 24 "$console"
expect_screen b "second run" 'DIA Anna'
tm_keys b Down Down            # T1 1.5 -> 0.5
tm_keys b Right m s            # T2 muted and soloed
tm_keys b 2 Right .            # timeline: C1 nudged a frame
expect_screen b "C1 nudged to the next frame" 'C1 "Anna: Is that you\?" on T1 +01:00:05:03'
tm_keys b :
tm_text b 'marker "After the door" 01:00:09:00'
tm_keys b Enter
expect_screen b "marker added" 'M4 "After the door" at'
sleep 0.3
tm kill-pane -t b            # tmux sends SIGHUP, as a dropped SSH link does
for _ in $(seq 100); do      # the console cleans up as it goes: wait for it
  [ -e demo.dubstage.lock ] || break
  sleep 0.1
done
expect_eq "the lock went with the process" "$(ls demo.dubstage.lock 2>/dev/null)" ""
if [ -s demo.dubstage.journal ]; then pass; else fail "no journal after SIGHUP"; fi
expect_eq "nothing was saved to the file" "$(saved_gain T1 demo.dubstage)" 1.5

tm_start c 80 24 "$console"
expect_screen c "the next start offers recovery" 'unsaved edits from an earlier console were found'
tm_keys c y
expect_screen c "recovered" 'recovered [0-9]+ unsaved edits'
tm_keys c C-s
expect_screen c "saved after recovery" 'saved [^ ]*demo\.dubstage'   # not the 'unsaved' of the offer
expect_eq "T1 fader recovered" "$(saved_gain T1 demo.dubstage)" 0.5
grep -q '<track id="T2" [^>]*mute="true" solo="true"' demo.dubstage && pass ||
  fail "T2 mute/solo not recovered"
grep -q 'id="C1" [^>]*position="173046000"' demo.dubstage && pass ||
  fail "C1 nudge not recovered (to the next 24 fps frame boundary)"
grep -q 'name="After the door"' demo.dubstage && pass || fail "marker not recovered"
tm_keys c q
tm_gone c || fail "the console did not quit after saving"

# ---- monochrome vt100 ----------------------------------------------------------
tm_start d 80 24 "env TERM=vt100 LANG=C XDG_CONFIG_HOME=$tmp/config $DUBSTAGE console --no-engine demo.dubstage"
expect_screen d "vt100 mixer" 'DIA Anna'
raw=$(tm capture-pane -p -e -t d)
if printf '%s' "$raw" | grep -Eq $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;|48;)[0-9;]*m'; then
  fail "vt100 got colour escapes"; else pass; fi
expect_match "vt100: the selected strip is in reverse video" "$raw" $'\e\\[[0-9;]*7[0-9;]*m>T1'
expect_match "vt100: ASCII meter tracks" "$(tm_screen d)" '^-12 +\|'
tm_keys d q
tm_gone d || fail "vt100 console did not quit"

finish
