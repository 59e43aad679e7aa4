# tests/lib.sh - the shell counterpart of tests/test.h, sourced by
# tests/<dir>/test_*.sh. Checks record failures and carry on; finish prints
# "N passed, N failed" and sets the exit status.
set -u
passed=0
failed=0
: "${DUBSTAGE:?DUBSTAGE must name the program (CTest sets it)}"
: "${TEST_TMPDIR:=/tmp/dubstage-sh-test}"
: "${DUBSTAGE_SOURCE_DIR:?}"
rm -rf "$TEST_TMPDIR"
mkdir -p "$TEST_TMPDIR"

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# expect_status WANT DESCRIPTION -- COMMAND...: runs COMMAND, keeps its
# stdout/stderr in $out/$err, checks the exit status.
expect_status() {
  local want=$1 what=$2; shift 3
  out=$("$@" 2>"$TEST_TMPDIR/stderr") && status=0 || status=$?
  err=$(cat "$TEST_TMPDIR/stderr")
  if [ "$status" -eq "$want" ]; then pass; else
    fail "$what: exit $status, wanted $want"; echo "  stdout: $out" >&2; echo "  stderr: $err" >&2
  fi
}

# expect_match DESCRIPTION TEXT REGEX
expect_match() {
  if printf '%s' "$2" | grep -Eq -- "$3"; then pass; else
    fail "$1: /$3/ not in: $2"; fi
}

# expect_eq DESCRIPTION GOT WANT
expect_eq() {
  if [ "$2" = "$3" ]; then pass; else fail "$1: got '$2', wanted '$3'"; fi
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit
}
