#!/usr/bin/env bash
# PTY mode under faults, on a real terminal (tmux): after every failure lxhost exits with its code,
# says why, and the local terminal mode (`stty -g`) is exactly as before. The remote shell's
# foreground command (a sleep of its own) is gone too: its terminal hung up. Faults: the sshd
# session process killed (through the master and with --no-mux), the master itself killed, the
# listener stopped (connection refused), a port that never speaks.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/faults_lib.sh"

local_shell pty

n=0
# after_failure WHAT RC TEXT: lxhost has returned to the local shell with RC, the pane shows TEXT,
# and the terminal mode is as before.
after_failure() {
  n=$((n + 1))
  check "$1: back at the local prompt" prompt_is pty "LOCAL>"
  type_line pty "echo \"RC$n=\$?\"; stty -g > $T/after$n"
  check "$1: lxhost exited $2" pane_has pty "RC$n=$2"
  check "$1: the pane shows '$3'" pane_has pty "$3"
  wait_for 5 test -s "$T/after$n" || true
  check "$1: local terminal mode restored exactly" cmp "$T/before" "$T/after$n"
}

# in_remote_shell WHAT LXHOST-ARGS: starts lxhost -t ARGS attach -n web, waits for the container's
# prompt and runs a sleep of its own there; sets SECS.
in_remote_shell() {
  SECS=88$$$RANDOM
  type_line pty "$LXHOST_BIN $2 attach -n web"
  check "$1: container shell prompt" prompt_is pty "/ #"
  type_line pty "sleep $SECS"
  check "$1: the remote sleep runs" wait_for 10 eval "pgrep -fx 'sleep $SECS' >/dev/null"
}

lost="the connection to $LAB_HOST_ADDR:$LAB_SSH_PORT was lost while serving commands"
in_remote_shell "mux, session killed" ""
MASTER=$(master_pids)
"$LAB_TOOL" fault kill-session "$LAB_USER" "sleep $SECS" >/dev/null
after_failure "mux, session killed" 255 "lxhost: error: $lost"
check "mux, session killed: the remote sleep is gone (its terminal hung up)" wait_for 10 remote_gone "sleep $SECS\$"
check "mux, session killed: the master ($MASTER) ended" gone_within 5 "$MASTER"

in_remote_shell "--no-mux, session killed" --no-mux
"$LAB_TOOL" fault kill-session "$LAB_USER" "sleep $SECS" >/dev/null
after_failure "--no-mux, session killed" 255 "lxhost: error: connection to $LAB_HOST_ADDR:$LAB_SSH_PORT lost while the command ran"
check "--no-mux, session killed: the remote sleep is gone" wait_for 10 remote_gone "sleep $SECS\$"

in_remote_shell "master killed" ""
MASTER=$(master_pids)
check "a master serves the terminal ($MASTER)" test -n "$MASTER"
kill -KILL "$MASTER"
after_failure "master killed" 255 "lxhost: error: the mux master for lab went away during the command"
check "master killed: the remote sleep is gone" wait_for 10 remote_gone "sleep $SECS\$"

fault_port SSHD_PORT
"$LAB_TOOL" fault sshd start "$SSHD_PORT" >/dev/null
FAULTS_UP+=("sshd stop $SSHD_PORT")
"$LAB_TOOL" fault sshd stop "$SSHD_PORT" >/dev/null
lab_config "$T/port.toml" "s/^port = .*/port = $SSHD_PORT/"
type_line pty "$LXHOST_BIN -t -c $T/port.toml attach -n web"
after_failure "connection refused" 255 "lxhost: error: cannot connect to $LAB_HOST_ADDR:$SSHD_PORT: Connection refused"

fault_port SILENT_PORT
"$LAB_TOOL" fault silent start "$SILENT_PORT" >/dev/null
FAULTS_UP+=("silent stop $SILENT_PORT")
lab_config "$T/silent.toml" "s/^port = .*/port = $SILENT_PORT/" "s/^connect_timeout_ms = .*/connect_timeout_ms = 1000/"
type_line pty "$LXHOST_BIN -t --no-mux -c $T/silent.toml attach -n web"
after_failure "a port that never speaks" 255 "lxhost: error: cannot connect to $LAB_HOST_ADDR:$SILENT_PORT: Timeout connecting"

check "no lxhost process of the suite left" only_masters_left
finish
