# tests/live/test_rtsan.sh - the real-time thread never blocks, as
# RealtimeSanitizer sees it: plays the demo session (as it is, then with
# inserts of every kind) for 20 seconds each through
# the fixture's JACK server in a -DDUBSTAGE_RTSAN=ON build, where the
# process callback's rt_scope_enter()/rt_scope_exit() (src/base/rt_scope.h)
# make every malloc, free, lock, I/O call or sleep inside it a report.
#
# Registered only in an RTSan build, with the CTest label `rtsan`:
#   ctest --test-dir build-rtsan -L rtsan --output-on-failure
#
# RTSAN_OPTIONS: halt_on_error=false so one run lists every distinct
# violation (RTSan prints each stack once) instead of stopping at the first;
# a report is then found in stderr, not in the exit status (with the default
# halt_on_error=true RTSan exits with status 43 after the first report).
# print_stats_on_exit=true makes RTSan print "RealtimeSanitizer exit stats:"
# at exit, which proves the program really was built with it.
. "$DUBSTAGE_SOURCE_DIR/tests/lib.sh"

: "${JACK_DEFAULT_SERVER:?the jackd fixture sets it (tests/CMakeLists.txt)}"
export RTSAN_OPTIONS="halt_on_error=false:suppress_equal_stacks=true${RTSAN_OPTIONS:+:$RTSAN_OPTIONS}:print_stats_on_exit=true"

# The one line every RTSan report starts with:
#   ==PID==ERROR: RealtimeSanitizer: unsafe-library-call
# (also "blocking-call" for functions marked [[clang::blocking]]); and its
# "SUMMARY: RealtimeSanitizer: ..." line.
report='ERROR: RealtimeSanitizer|SUMMARY: RealtimeSanitizer'

demo=$DUBSTAGE_SOURCE_DIR/sessions/demo/demo.dubstage
expect_status 0 "play the demo for 20 s under RTSan" -- \
  "$DUBSTAGE" play "$demo" --for 20 --no-connect

no_report() {
  if printf '%s\n' "$err" | grep -Eq -- "$report"; then
    fail "$1: RealtimeSanitizer reported a blocking call on the real-time thread:"
    printf '%s\n' "$err" >&2
  else
    pass
  fi
  expect_match "$1: the program runs under RealtimeSanitizer" "$err" 'RealtimeSanitizer exit stats'
}
no_report "the demo"

# The same with every kind of insert on the dialogue tracks, one
# parameter automated (set_params on the real-time thread), and the
# cleanup kernels' latency pre-rolled.
cd "$TEST_TMPDIR"
cp -r "$DUBSTAGE_SOURCE_DIR/sessions/demo" demo
expect_status 0 "inserts on the demo's dialogue tracks" -- \
  "$DUBSTAGE" edit demo/demo.dubstage 'insert T1 eq' 'insert-param T1 1 band1-hz 2500' \
  'insert T1 dynamics' 'insert T1 declick' 'insert T1 dehum' 'insert T1 denoise' \
  'insert T1 deess' 'insert T1 leveller' 'insert T2 deplosive' 'insert T2 denoise' 'insert T2 deess'
# automate the de-esser's threshold (the lane follows the inserts)
sed -i '/<track id="T1"/,/<\/track>/ s|^      <insert kind="leveller" bypass="false"/>|&\n      <automation param="insert" insert="6" name="threshold-db"><point frame="172800000" value="-20" interp="linear"/><point frame="173400000" value="0" interp="linear"/></automation>|' demo/demo.dubstage
expect_match "the lane is in" "$(grep -c 'name="threshold-db"' demo/demo.dubstage)" '^1$'
expect_status 0 "play it for 20 s under RTSan" -- \
  "$DUBSTAGE" play demo/demo.dubstage --for 20 --no-connect
no_report "the demo with inserts"

finish
