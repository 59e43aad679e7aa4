#!/usr/bin/env bash
# The console with the engine on the fixture's JACK server, driven in tmux:
# Space plays, the status line says PLAY and the timecode runs, the mixer's
# meters and peak readouts move, a fader ride reaches the engine while
# playing, the loudness view measures the master, and Space stops.
. "$DUBSTAGE_SOURCE_DIR/tests/lib.sh"
. "$DUBSTAGE_SOURCE_DIR/tests/ui/tmux.sh"

tmp=$TEST_TMPDIR
tm_demo_here
tm_init
tm_start a 80 24 "env LANG=C.UTF-8 XDG_CONFIG_HOME=$tmp/config" \
  "JACK_DEFAULT_SERVER=$JACK_DEFAULT_SERVER JACK_NO_START_SERVER=1" \
  "$DUBSTAGE console --no-connect demo.dubstage"
expect_screen a "the engine is online" 'JACK online'
tm_keys a Space
expect_screen a "Space plays" '^ PLAY +01:00:0[0-9]:[0-9]{2}'
expect_screen a "the timecode runs" '^ PLAY +01:00:0[3-9]:[0-9]{2}' 15
expect_screen a "peak readouts move" 'pk -[0-9]+\.[0-9]' 10
expect_screen a "the meters show levels" '[█▒▁▂▃▄▅▆▇]' 10
tm_keys a Up Up
expect_screen a "a fader ride while playing" '^ +\+1\.0 dB'
tm_keys a 3
expect_screen a "the loudness view measures" 'Momentary +-[0-9]+\.[0-9] LUFS' 10
expect_screen a "integrated loudness appears" 'Integrated +-[0-9]+\.[0-9] LUFS' 10
expect_screen a "the history graph draws" '\*' 10
tm_keys a Space
expect_screen a "Space stops" '^ STOP '
tm_keys a q
expect_screen a "quit asks to save" 'Save changes'
tm_keys a y
tm_gone a || fail "the console did not quit"
grep -q '<track id="T1" [^>]*gain-db="1"' demo.dubstage && pass ||
  fail "the ride was not saved"
finish
