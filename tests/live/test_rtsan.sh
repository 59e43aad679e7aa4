# tests/live/test_rtsan.sh - the real-time thread never blocks, as
# RealtimeSanitizer sees it: plays the demo session for 20 seconds through
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

if printf '%s\n' "$err" | grep -Eq -- "$report"; then
  fail "RealtimeSanitizer reported a blocking call on the real-time thread:"
  printf '%s\n' "$err" >&2
else
  pass
fi
expect_match "the program runs under RealtimeSanitizer" "$err" 'RealtimeSanitizer exit stats'

finish
