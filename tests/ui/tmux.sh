# tests/ui/tmux.sh - drive the real console inside a private tmux server
# (sourced after tests/lib.sh). Each test gets its own server socket, so
# tests run in parallel and never touch a person's tmux; tm_cleanup (set
# as an EXIT trap by tm_init) kills it.
#
#   tm_init                        private server; EXIT trap cleans up
#   tm_start NAME COLS ROWS CMD..  a detached session running CMD
#   tm_keys NAME KEY...            tmux send-keys (key names or text)
#   tm_text NAME TEXT              types TEXT literally
#   tm_screen NAME                 the visible screen as text
#   tm_wait NAME REGEX [SECONDS]   polls the screen until REGEX matches
#                                  (default 10 s); returns 1 on timeout
#   tm_gone NAME [SECONDS]         waits until the session has ended
#   tm_demo_here                   copies the demo session into
#                                  $TEST_TMPDIR (media linked) and cd's there

tm_init() {
  tm_sock=dubstage-test-$$-$RANDOM
  trap tm_cleanup EXIT
}

tm_cleanup() {
  tmux -L "$tm_sock" kill-server 2>/dev/null || true
}

tm() { tmux -L "$tm_sock" "$@"; }

tm_start() {
  local name=$1 cols=$2 rows=$3; shift 3
  # remain-on-exit keeps the pane (and its last screen) after the program
  tm -f /dev/null new-session -d -s "$name" -x "$cols" -y "$rows" \
    "$*" \; set-option -t "$name" remain-on-exit on
}

tm_keys() { local name=$1; shift; tm send-keys -t "$name" "$@"; }
tm_text() { tm send-keys -t "$1" -l "$2"; }
tm_screen() { tm capture-pane -p -t "$1"; }

tm_wait() {
  local name=$1 re=$2 secs=${3:-10} i
  for ((i = 0; i < secs * 20; i++)); do
    if tm_screen "$name" 2>/dev/null | grep -Eq -- "$re"; then return 0; fi
    sleep 0.05
  done
  return 1
}

tm_gone() {
  local name=$1 secs=${2:-10} i
  for ((i = 0; i < secs * 20; i++)); do
    [ "$(tm display-message -p -t "$name" '#{pane_dead}' 2>/dev/null)" = 1 ] &&
      return 0
    tm has-session -t "$name" 2>/dev/null || return 0
    sleep 0.05
  done
  return 1
}

# expect_screen NAME DESCRIPTION REGEX [SECONDS]: waits for REGEX.
expect_screen() {
  if tm_wait "$1" "$3" "${4:-10}"; then pass; else
    fail "$2: /$3/ never appeared; screen:"; tm_screen "$1" >&2; fi
}

tm_demo_here() {
  cp "$DUBSTAGE_SOURCE_DIR/sessions/demo/demo.dubstage" "$TEST_TMPDIR/demo.dubstage"
  ln -s "$DUBSTAGE_SOURCE_DIR/sessions/demo/media" "$TEST_TMPDIR/media"
  cd "$TEST_TMPDIR" || exit 1
}
