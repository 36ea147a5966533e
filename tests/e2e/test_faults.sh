#!/usr/bin/env bash
# Fault injection: each fault through the suite's mux master (the default) and with --no-mux,
# asserting the exit code, the message, and that nothing is left behind: no lxhost process of this
# suite (found by its runtime directory in their environment) but the masters `mux status` lists,
# and on the host no process of the command (found by a mark the test chose) after a bound.
# The faults come from `lab fault`: the sshd process serving the session killed mid-command, a
# second sshd on a port of the suite's own stopped (connection refused), a listener that accepts
# and never speaks, a full and a read-only lxcpath. The shared lab sshd is never stopped: the
# killed sessions are this suite's own. (The link cut is test_faults_link.sh, PTY mode
# test_faults_pty.sh.)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/faults_lib.sh"

# --- the sshd process serving the session killed mid-command, through the master. sshd runs one
# process per connection: the master's connection is the one killed, with every command on it.
run_lx ls -1
expect_rc 0 "a first command starts the suite's master"
MASTER=$(master_pids)
check "one master ($MASTER)" test -n "$MASTER"

mark=fx$$m$RANDOM
secs=86$$$RANDOM # a sleep of its own: sudo, lxc-attach and sleep all carry it
start_bg --as writer attach -n web -- sh -c 'echo started; while echo "$0"; do sleep 0.2; done' "$mark-w"
start_bg --as sleeper attach -n web -- sleep "$secs"
check "both commands run on the host" wait_for 20 eval "grep -q started '$T/writer.out' && pgrep -fx 'sleep $secs' >/dev/null"
capture "$LAB_TOOL" fault kill-session "$LAB_USER" "$mark-w"
check "lab fault kill-session killed the session's sshd" contains "$OUT" "fault: killed sshd PID"
for job in writer sleeper; do
  wait_bg "$job"
  expect_rc 255 "mux, sshd session killed: $job"
  expect_err_has "lxhost: error: the connection to $LAB_HOST_ADDR:$LAB_SSH_PORT was lost while serving commands"
  expect_err_lines 1
done
check "the master ($MASTER) ended with its connection" gone_within 5 "$MASTER"
check "no master left (mux status)" test -z "$(master_pids)"
check "no lxhost process of the suite left" only_masters_left
check "the writing remote command is gone (SIGPIPE)" wait_for 10 remote_gone "$mark-w"
# sshd's own behaviour, as with OpenSSH: a remote command that neither reads nor writes outlives
# the session that started it (it is reparented to init). Nothing of lxhost's could reach it.
check "a command that neither reads nor writes outlives its sshd session (as with OpenSSH)" \
  eval "! remote_gone 'sleep $secs\$'"
end_remote "sleep $secs\$"

run_lx ls -1
expect_rc 0 "the next command"
check "... without a word on stderr" quiet_ls_err
NEW=$(master_pids)
check "... through a fresh master ($NEW, not $MASTER)" eval '[ -n "$NEW" ] && [ "$NEW" != "$MASTER" ]'
MASTER=$NEW

# --- the same with --no-mux: that command's own connection; the master is not disturbed.
mark=fx$$d$RANDOM
start_bg --as direct --no-mux attach -n web -- sh -c 'echo started; while echo "$0"; do sleep 0.2; done' "$mark-w"
check "the direct command runs on the host" wait_for 20 grep -q started "$T/direct.out"
capture "$LAB_TOOL" fault kill-session "$LAB_USER" "$mark-w"
wait_bg direct
expect_rc 255 "--no-mux, sshd session killed"
expect_err_has "lxhost: error: connection to $LAB_HOST_ADDR:$LAB_SSH_PORT lost while the command ran"
expect_err_lines 1
check "the writing remote command is gone" wait_for 10 remote_gone "$mark-w"
check "the master ($MASTER) was not disturbed" test "$(master_pids)" = "$MASTER"
check "no lxhost process of the suite left" only_masters_left

# --- the sshd listener stopped: a second sshd (the lab's config and host key) on the suite's port.
fault_port SSHD_PORT
"$LAB_TOOL" fault sshd start "$SSHD_PORT" >/dev/null
FAULTS_UP+=("sshd stop $SSHD_PORT")
sed "s/^\[$LAB_HOST_ADDR\]:$LAB_SSH_PORT /[$LAB_HOST_ADDR]:$SSHD_PORT /" "$LAB_KNOWN_HOSTS" >"$T/known_hosts"
lab_config "$T/port.toml" "s/^port = .*/port = $SSHD_PORT/" "s|^known_hosts = .*|known_hosts = \"$T/known_hosts\"|"
run_lx -c "$T/port.toml" ls -1
expect_rc 0 "a command through the second sshd on port $SSHD_PORT"
PORT_MASTER=$(master_pids | grep -vxF "$MASTER" || true)
check "it has a master of its own ($PORT_MASTER)" test -n "$PORT_MASTER"
"$LAB_TOOL" fault sshd stop "$SSHD_PORT" >/dev/null
run_lx -c "$T/port.toml" ls -1
expect_rc 0 "listener stopped: the master's connection goes on, as an sshd session does"
refused="lxhost: error: cannot connect to $LAB_HOST_ADDR:$SSHD_PORT: Connection refused"
run_lx --no-mux -c "$T/port.toml" ls -1
expect_rc 255 "--no-mux, listener stopped"
expect_err_has "$refused"
expect_err_has "lxhost: hint: check that the host is up and sshd listens on that port"
expect_err_lines 2
lx -c "$T/port.toml" mux stop >/dev/null
check "the port's master stopped" gone_within 5 "$PORT_MASTER"
run_lx -c "$T/port.toml" ls -1
expect_rc 255 "mux, listener stopped: no master can connect"
expect_err_has "$refused"
expect_err_lines 2
check "no master left for that port (mux status: only $MASTER)" test "$(master_pids)" = "$MASTER"
check "no lxhost process of the suite left" only_masters_left

# --- a port that accepts TCP and never speaks SSH: bounded by connect_timeout_ms (1000 here).
fault_port SILENT_PORT
"$LAB_TOOL" fault silent start "$SILENT_PORT" >/dev/null
FAULTS_UP+=("silent stop $SILENT_PORT")
lab_config "$T/silent.toml" "s/^port = .*/port = $SILENT_PORT/" "s/^connect_timeout_ms = .*/connect_timeout_ms = 1000/"
start_ms=$(binary_start_ms)
for mode in mux no-mux; do
  flags=()
  [ "$mode" = mux ] || flags=(--no-mux)
  run_lx "${flags[@]}" -c "$T/silent.toml" ls -1
  expect_rc 255 "$mode, a port that never speaks"
  expect_err_has "lxhost: error: cannot connect to $LAB_HOST_ADDR:$SILENT_PORT: Timeout connecting to $LAB_HOST_ADDR"
  expect_err_lines 2
  check "$mode: ended within 3x the 1000 ms bound + start $start_ms ms ($MS ms)" test "$MS" -lt $((3000 + start_ms))
  check "$mode: no connection to the silent port left open" wait_for 5 eval "[ -z \"\$(ss -Htn state established '( sport = :$SILENT_PORT )')\" ]"
done
check "no master left for the silent port (mux status: only $MASTER)" test "$(master_pids)" = "$MASTER"
check "no lxhost process of the suite left" only_masters_left

# --- an lxcpath that is full or read-only: the tool's exit code and its own words. The container
# host's sudoers allows any arguments to /usr/bin/lxc-*, so -P and -p reach any directory.
"$LAB_TOOL" fault lxcpath full "$T/full" 256k >/dev/null
FAULTS_UP+=("lxcpath clear $T/full")
"$LAB_TOOL" fault lxcpath readonly "$T/ro" >/dev/null
FAULTS_UP+=("lxcpath clear $T/ro")
lab_config "$T/full.toml" "s|^lxcpath = .*|lxcpath = \"$T/full\"|"
lab_config "$T/ro.toml" "s|^lxcpath = .*|lxcpath = \"$T/ro\"|"
name=fx-$$-$RANDOM
run_lx copy -n base -N "$name" -p "$T/full" -o /dev/null
expect_rc 1 "mux, lxc-copy into a full lxcpath"
expect_err_has "No space left on device"
run_lx --no-mux -c "$T/full.toml" create -n "$name" -t busybox
expect_rc 1 "--no-mux, lxc-create in a full lxcpath"
expect_err_has "No space left on device"
expect_err_has "Failed to create container $name"
run_lx -c "$T/ro.toml" create -n "$name" -t busybox
expect_rc 1 "mux, lxc-create in a read-only lxcpath"
expect_err_has "Failed to create container $name"
run_lx --no-mux copy -n base -N "$name" -p "$T/ro" -o /dev/null
expect_rc 1 "--no-mux, lxc-copy into a read-only lxcpath"
expect_err_has "Failed to clone"
check "nothing half-made is left in the full lxcpath" test -z "$(ls -A "$T/full")"
# A master of those lxcpaths watches them (lxc-monitor): its watch ends with it. LXC's own
# lxc-monitord, which lxc-monitor starts, ends by itself 30 s after its last client.
for config in full ro; do run_lx -c "$T/$config.toml" mux stop; done
lxc_left() { pgrep -f -- "lxc-[a-z]+ .*$T/(full|ro)( |/|\$)" | xargs -r ps -o comm= -p | grep -vx lxc-monitord; }
# (what is left, when something is, goes to the log)
lxc_gone() { wait_for 10 eval '[ -z "$(lxc_left)" ]' || { lxc_left | xargs -r ps -o pid,ppid,args -p; false; }; }
check "no LXC process on those lxcpaths left once their masters stopped" lxc_gone
check "no lxhost process of the suite left" only_masters_left

finish
