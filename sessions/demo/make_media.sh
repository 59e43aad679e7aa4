#!/usr/bin/env bash
# make_media.sh OUTDIR - generates the media of the demo session (demo.dubstage).
#
# Every file is 48 kHz 24-bit PCM WAV with exactly the channel count and the
# length in frames that demo.dubstage states for its <source>: the table
# below must match the session file. Output is deterministic (same bytes on
# every run with the same espeak-ng and sox): sox runs with -R (fixed seeds
# for its noise generators) and -D (no dither), and espeak-ng is
# deterministic by itself.
#
# Files are built in a temporary folder inside OUTDIR and renamed into place
# only once all of them are complete, so a failed run leaves the previous set
# untouched. Tools: $SOX (default sox) and $ESPEAK_NG (default espeak-ng),
# from the Debian packages sox and espeak-ng.
set -euo pipefail
export LC_ALL=C   # decimal points in sox/awk numbers

prog=${0##*/}
die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }

[[ $# -eq 1 && -n $1 ]] || die "usage: $prog OUTDIR"
out=$1

SOX=${SOX:-sox}
ESPEAK_NG=${ESPEAK_NG:-espeak-ng}
command -v "$SOX" >/dev/null 2>&1 ||
	die "required tool '$SOX' not found (install the Debian package 'sox')"
command -v "$ESPEAK_NG" >/dev/null 2>&1 ||
	die "required tool '$ESPEAK_NG' not found (install the Debian package 'espeak-ng')"

RATE=48000

# name  channels  length-frames  (= <source channels length-frames> in demo.dubstage)
MEDIA=(
	"anna_1        1   216000"
	"anna_2        1   240000"
	"anna_3        1   216000"
	"ben_1         1   264000"
	"ben_2         1   288000"
	"ben_3         1   120000"
	"foley_steps   1   144000"
	"foley_knocks  1    57600"
	"music_bed     2  1344000"
	"roomtone      2  1584000"
	"door_slam     2   144000"
)

mkdir -p "$out" || die "cannot create $out"
tmp=$(mktemp -d "$out/.make_media.XXXXXX") || die "cannot create a temporary folder in $out"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
w=$tmp/work            # 32-bit float intermediates
f=$tmp/final           # finished 24-bit files, renamed into $out at the end
mkdir "$w" "$f"

# sox with repeatable random numbers and no dither; prints warnings and errors only.
sx() { "$SOX" -R -D -V2 --no-show-progress "$@"; }
# Float intermediate format options.
FL=(-b 32 -e floating-point)

# Generated signal: gen CHANNELS OUT synth-and-effects...
gen() { local ch=$1 o=$2; shift 2; sx -n -r $RATE -c "$ch" "${FL[@]}" "$o" "$@"; }

# mix OUT IN... : mixes the inputs, each scaled by 1/count so the sum cannot
# clip (shorter ones are padded with silence). Levels are set afterwards.
mix() {
	local o=$1; shift
	if [[ $# -eq 1 ]]; then sx "$1" "${FL[@]}" "$o"; else sx -m "$@" "${FL[@]}" "$o"; fi
}

# rms_db FILE : overall RMS level in dBFS.
rms_db() { sx "$1" -n stats 2>&1 | awk '/^RMS lev dB/ { print $4; exit }'; }

# set_rms IN OUT TARGET_DB : scales IN so that its RMS level is TARGET_DB.
set_rms() {
	local r g
	r=$(rms_db "$1")
	[[ -n $r && $r != -inf ]] || die "cannot measure the level of $1"
	g=$(awk -v t="$3" -v r="$r" 'BEGIN { printf "%.4f", t - r }')
	sx "$1" "${FL[@]}" "$2" gain "$g"
}

# finish NAME CHANNELS FRAMES IN : final 24-bit file of exactly FRAMES frames
# (silence padded at the end, or the end trimmed off). IN is at 48 kHz.
finish() {
	local name=$1 ch=$2 n=$3 in=$4 have got fit=()
	have=$("$SOX" --i -s "$in")
	if ((have < n)); then fit=(pad 0 "$((n - have))s"); elif ((have > n)); then fit=(trim 0 "${n}s"); fi
	sx "$in" -r $RATE -c "$ch" -b 24 -e signed-integer "$f/$name.wav" "${fit[@]}"
	got=$("$SOX" --i -s "$f/$name.wav")
	[[ $got -eq $n ]] || die "$name.wav has $got frames, expected $n"
}

# ---- dialogue -------------------------------------------------------------
# espeak-ng speaks at 22050 Hz; resample, add a 0.25 s head so clips can fade
# in before the first word, and peak-normalise to -6 dBFS.
speak() { # speak NAME VOICE PITCH TEXT
	local name=$1 voice=$2 pitch=$3 text=$4
	"$ESPEAK_NG" -v "$voice" -s 160 -p "$pitch" -w "$w/$name.espeak.wav" "$text" ||
		die "espeak-ng failed for $name"
	sx "$w/$name.espeak.wav" "${FL[@]}" "$w/$name.wav" \
		gain -6 rate -v 48k highpass 80 pad 0.25 gain -n -6
}

ANNA=en-gb+f3
BEN=en-us+m3
speak anna_1 $ANNA 55 "Ben? Is that you? I thought you'd left hours ago."
speak ben_1  $BEN  40 "I forgot my keys. The front door was open, so I let myself in."
speak anna_2 $ANNA 55 "You shouldn't creep around in the dark like that. You frightened me."
speak ben_2  $BEN  40 "Sorry. Listen. Did you hear that? I think someone else is in here."
speak anna_3 $ANNA 55 "It's only the wind. That old door never stays shut."
speak ben_3  $BEN  38 "That wasn't the wind."

# ---- Foley: footsteps and knocks from short filtered noise bursts ----------
# One long noise of each colour; every burst takes its own slice so no two
# are sample-identical.
gen 1 "$w/brown.wav" synth 6 brownnoise gain -6 highpass 40
gen 1 "$w/pink.wav"  synth 6 pinknoise gain -3

# Footsteps: a low heel thump plus a scuff, every ~0.5 s with small variations.
steps=()
i=0
for spec in "0.10 0.00 650 0" "0.62 0.40 560 -1.5" "1.15 0.80 700 -0.5" \
	"1.66 1.20 600 -2" "2.20 1.60 680 -1" "2.70 2.00 540 -2.5"; do
	read -r at off lp g <<<"$spec"
	gen 1 "$w/thump$i.wav" synth 0.09 sine 95-60 fade q 0.002 0.09 0.08 gain -8
	sx "$w/brown.wav" "${FL[@]}" "$w/scuff$i.wav" trim "$off" 0.13 \
		highpass 90 lowpass "$lp" fade q 0.003 0.13 0.11
	mix "$w/step$i.wav" "$w/thump$i.wav" "$w/scuff$i.wav"
	sx "$w/step$i.wav" "${FL[@]}" "$w/step${i}p.wav" gain "$g" pad "$at"
	steps+=("$w/step${i}p.wav")
	i=$((i + 1))
done
mix "$w/steps_mix.wav" "${steps[@]}"
sx "$w/steps_mix.wav" "${FL[@]}" "$w/foley_steps.wav" gain -n -10

# Knocks on a door frame: a resonant knuckle tap, three times.
knocks=()
i=0
for spec in "0.10 2.5 0" "0.32 2.7 -1" "0.52 2.9 -0.5"; do
	read -r at off g <<<"$spec"
	gen 1 "$w/body$i.wav" synth 0.12 sine 190 fade l 0.001 0.12 0.115
	sx "$w/pink.wav" "${FL[@]}" "$w/tap$i.wav" trim "$off" 0.04 \
		bandpass 900 600h fade q 0.001 0.04 0.035
	mix "$w/knock$i.wav" "$w/body$i.wav" "$w/tap$i.wav"
	sx "$w/knock$i.wav" "${FL[@]}" "$w/knock${i}p.wav" gain "$g" pad "$at"
	knocks+=("$w/knock${i}p.wav")
	i=$((i + 1))
done
mix "$w/knocks_mix.wav" "${knocks[@]}"
sx "$w/knocks_mix.wav" "${FL[@]}" "$w/foley_knocks.wav" gain -n -8

# ---- music: a soft pad, one chord every 4 s (Am F C G Am F E) --------------
# Each note is a slightly detuned stereo pair (L and R differ by ~0.3 %).
chords=(
	"110.00 220.00 261.63 329.63"
	"87.31 174.61 220.00 261.63"
	"130.81 196.00 261.63 329.63"
	"98.00 196.00 246.94 293.66"
	"110.00 220.00 261.63 329.63"
	"87.31 174.61 220.00 261.63"
	"82.41 164.81 207.65 246.94"
)
parts=()
c=0
for chord in "${chords[@]}"; do
	notes=()
	n=0
	for hz in $chord; do
		r=$(awk -v f="$hz" 'BEGIN { printf "%.3f", f * 1.003 }')
		if [[ $n -eq 0 ]]; then
			gen 2 "$w/note$c.$n.wav" synth 4.8 sine "$hz" sine "$r"
		else
			gen 2 "$w/note$c.$n.wav" synth 4.8 triangle "$hz" triangle "$r" \
				lowpass 1200 gain -4
		fi
		notes+=("$w/note$c.$n.wav")
		n=$((n + 1))
	done
	mix "$w/chord$c.wav" "${notes[@]}"
	sx "$w/chord$c.wav" "${FL[@]}" "$w/chord${c}p.wav" \
		fade h 0.8 4.8 1.2 pad "$((c * 4))"
	parts+=("$w/chord${c}p.wav")
	c=$((c + 1))
done
mix "$w/music_dry.wav" "${parts[@]}"
sx "$w/music_dry.wav" "${FL[@]}" "$w/music_wet.wav" \
	tremolo 0.25 15 gain -n -10 reverb 60 50 100 100 10 gain -n -3
set_rms "$w/music_wet.wav" "$w/music_bed.wav" -20

# ---- room tone and wind ----------------------------------------------------
# 36 s: rumble (brown noise) plus air and slow wind gusts (band-passed pink
# noise), each channel its own noise. The first 33 s are the room tone
# source; 33..36 s is the bed under the door slam, so the two crossfade as
# uncorrelated noise.
gen 2 "$w/rumble.wav" synth 36 brownnoise brownnoise gain -10 highpass 30 lowpass 220
gen 2 "$w/air.wav" synth 36 pinknoise pinknoise gain -12 highpass 300 lowpass 3500
gen 2 "$w/wind.wav" synth 36 pinknoise pinknoise gain -6 bandpass 500 400h \
	tremolo 0.11 70 tremolo 0.037 50
mix "$w/room_mix.wav" "$w/rumble.wav" "$w/air.wav" "$w/wind.wav"
set_rms "$w/room_mix.wav" "$w/room_all.wav" -50
sx "$w/room_all.wav" "${FL[@]}" "$w/roomtone.wav" trim 0 33
sx "$w/room_all.wav" "${FL[@]}" "$w/slam_bed.wav" trim 33 3

# ---- door slam -------------------------------------------------------------
# At 0.30 s into the file: a low body thump, a noise burst and a latch click,
# in a small room; over its own 3 s of room tone.
gen 1 "$w/slam_thump.wav" synth 0.7 sine 70-38 fade l 0.002 0.7 0.68
sx "$w/brown.wav" "${FL[@]}" "$w/slam_burst.wav" trim 3.5 0.3 \
	lowpass 500 fade q 0.002 0.3 0.28 gain 2
sx "$w/pink.wav" "${FL[@]}" "$w/slam_latch.wav" trim 4.2 0.03 \
	highpass 2500 fade q 0.001 0.03 0.025 gain -10 pad 0.025
mix "$w/slam_dry.wav" "$w/slam_thump.wav" "$w/slam_burst.wav" "$w/slam_latch.wav"
sx "$w/slam_dry.wav" "${FL[@]}" -c 2 "$w/slam_room.wav" \
	pad 0.3 1.2 gain -n -10 reverb 40 60 70 100 5 gain -n -3
sx -m -v 1 "$w/slam_room.wav" -v 1 "$w/slam_bed.wav" "${FL[@]}" "$w/door_slam.wav"

# ---- finish: exact lengths, 24-bit, then rename into place ------------------
for entry in "${MEDIA[@]}"; do
	read -r name ch n <<<"$entry"
	finish "$name" "$ch" "$n" "$w/$name.wav"
done
for entry in "${MEDIA[@]}"; do
	read -r name _ _ <<<"$entry"
	mv -f "$f/$name.wav" "$out/$name.wav"
done
