#!/usr/bin/env bash
# A command line too long for the host is refused before anything is sent (exit 2, its size and
# the limit), and never takes the connection it would have shared with it: a command running
# beside it and an interactive session on the same master finish with their own exit codes.
# Large arguments below the limit still work, through the master and without it.
. "$(dirname "$0")/lib.sh"

A100K=$(head -c 100000 /dev/zero | tr '\0' a)

# --- nothing is sent: no master is started for it, and it is quick
run_lx attach -n web -- true "$A100K" "$A100K" "$A100K"
expect_rc 2 "three 100 KB arguments: usage error"
check "the message gives the line's size, the arguments' and the limit" \
  eval 'contains "$ERR" "lxc-attach is too long for the host: 300" && contains "$ERR" "(300" && contains "$ERR" "131071 bytes"'
check "one error line and one hint" test "$(grep -c '' <<<"$ERR")" = 2
check "no master was started for it" test -z "$(master_pids)"
run_lx --no-mux attach -n web -- true "$A100K" "$A100K"
expect_rc 2 "--no-mux: the same refusal"
run_lx start-ephemeral -o base -- true "$A100K" "$A100K"
expect_rc 2 "start-ephemeral: the same refusal, before a copy is made"
check "start-ephemeral names itself" eval 'contains "$ERR" "start-ephemeral is too long"'

# --- beside a running command and an interactive session on one master
run_lx ls -1
MASTER=$(master_pids)
check "a master serves the suite (pid $MASTER)" test -n "$MASTER"
local_shell shell
type_line shell "$LXHOST_BIN attach -n web"
check "an interactive session on the master" prompt_is shell "/ #"
start_bg attach -n web -- sh -c 'sleep 2; echo survived; exit 7'
sleep 0.5
for i in 1 2 3; do
  run_lx attach -n web -- true "$A100K" "$A100K" "$A100K"
  expect_rc 2 "oversized command $i beside them"
done
wait_bg
expect_rc 7 "the running command ended with its own code"
expect_out survived "... and all its output"
type_line shell 'echo ALIVE-$((6*7)); exit 5'
check "the interactive session still answers" pane_has shell "ALIVE-42"
check "back at the local prompt" prompt_is shell "LOCAL>"
type_line shell 'echo "RC=$?"'
check "the interactive session ended with its own code (5)" pane_has shell "RC=5"
check "the same master still serves ($MASTER)" test "$(master_pids)" = "$MASTER"

# --- large, but within the limit
for mode in mux no-mux; do
  flags=()
  [ "$mode" = mux ] || flags=(--no-mux)
  run_lx "${flags[@]}" attach -n web -- sh -c 'printf %s "$1" | wc -c' _ "$A100K"
  expect_rc 0 "$mode: a 100 KB argument"
  check "$mode: ... arrives whole" test "$(echo $OUT)" = 100000
done

# A terminal type no terminal has (100 KB) is not sent: the remote terminal is an xterm.
TERM=$(head -c 100000 /dev/zero | tr '\0' x) run_lx -t attach -n web -- sh -c 'echo "$TERM"'
expect_rc 0 "-t with a 100 KB \$TERM"
check "the remote terminal type is xterm" test "$(tr -d '\r' <<<"$OUT")" = xterm
finish
