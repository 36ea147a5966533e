#!/usr/bin/env bash
# The host-only link cut mid-command, through the mux master and with --no-mux at the same time:
# both commands end with 255 once TCP gives up (keepalive probes after 15 s idle, 30 s for
# unacknowledged data: allowed 3x, 135 s), and an interruption on the dead link (SIGTERM: a
# script's background job ignores SIGINT) ends within 3x its bounds (the 3 s grace for the remote
# side, then the 3 s reply bound of the lab's connect_timeout_ms for the channel that signals the
# attached process). The link is the suite's own (a namespace on br1 whose veth it takes down), so
# no other suite loses anything. Afterwards no lxhost process of the suite is left, and the link
# back, the next command gets a fresh master.
# (On the host, the cut sessions stay until sshd's TCP gives up on them: not lxhost's to end.)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/faults_lib.sh"

NS=lxhflt$$
VETH=lxhf$$
ADDR=10.203.0.$((140 + $$ % 40))
at_exit own_link_cleanup
own_link "$NS" "$VETH" "$ADDR"

# lxhost in that namespace, with the laptop's HOME and config and the suite's runtime directory
# (so suite_lxhost_pids and master_pids see it).
LX=(ip netns exec "$NS" env -i PATH="$PATH" HOME="$LAB_LAPTOP_HOME" XDG_CONFIG_HOME="$LAB_LAPTOP_HOME/.config"
  XDG_CACHE_HOME="$T/cache" XDG_RUNTIME_DIR="$T/run" "$LXHOST_BIN")

start_ms=$(binary_start_ms)
run_lx ls -1
expect_rc 0 "a command from the suite's own namespace"
MASTER=$(master_pids)
check "it started a master ($MASTER)" test -n "$MASTER"

# wait_bg_within NAME SECONDS: wait_bg, but a command still running after SECONDS is a hang: killed
# (so the suite ends) and counted as a failure.
wait_bg_within() {
  running() { kill -0 "${BG_PID[$1]}" 2>/dev/null; }
  if ! wait_for "$2" eval "! running $1"; then
    kill -KILL "${BG_PID[$1]}" 2>/dev/null || true
    wait_bg "$1"
    RC="hung, killed after $2 s"
    return
  fi
  wait_bg "$1"
}

secs=87$$$RANDOM
start_bg --as mux attach -n web -- sh -c 'echo started; exec sleep "$0"' "$secs"
start_bg --as direct --no-mux attach -n web -- sh -c 'echo started; exec sleep "$0"' "${secs}1"
start_bg --as interrupted --no-mux attach -n web -- sh -c 'echo started; exec sleep "$0"' "${secs}2"
check "the three commands run on the host" wait_for 20 eval \
  "grep -q started '$T/mux.out' && grep -q started '$T/direct.out' && grep -q started '$T/interrupted.out'"
ip link set "$VETH" down
kill -TERM "${BG_PID[interrupted]}"

wait_bg_within interrupted 25
check "--no-mux, SIGTERM on the dead link ended within 3x (3 s grace + 3 s reply bound) + start $start_ms ms ($MS ms)" \
  test "$MS" -le $((18000 + start_ms))
expect_rc 255 "--no-mux, SIGTERM on the dead link"
expect_err_has "lxhost: error: connection to $LAB_HOST_ADDR:$LAB_SSH_PORT lost while opening a channel"
expect_err_lines 1

wait_bg_within direct 140
expect_rc 255 "--no-mux, link cut mid-command"
expect_err_has "lxhost: error: connection to $LAB_HOST_ADDR:$LAB_SSH_PORT lost while the command ran"
expect_err_lines 1
check "it ended within 3x the bounds ($MS ms, at most 135000)" test "$MS" -le 135000

wait_bg_within mux 140
expect_rc 255 "mux, link cut mid-command"
expect_err_has "lxhost: error: the connection to $LAB_HOST_ADDR:$LAB_SSH_PORT was lost"
expect_err_lines 1
check "it ended within 3x the bounds ($MS ms, at most 135000)" test "$MS" -le 135000
check "the master ($MASTER) ended" gone_within 5 "$MASTER"
check "no lxhost process of the suite left" only_masters_left

# The link is back: the next command starts a new master, without a word.
ip link set "$VETH" up
for _ in $(seq 50); do ip netns exec "$NS" bash -c "exec 3<>/dev/tcp/$LAB_HOST_ADDR/$LAB_SSH_PORT" 2>/dev/null && break; sleep 0.1; done
run_lx ls -1
expect_rc 0 "the next command, the link back"
check "... without a word on stderr" quiet_ls_err
NEW=$(master_pids)
check "... through a fresh master ($NEW, not $MASTER)" eval '[ -n "$NEW" ] && [ "$NEW" != "$MASTER" ]'
# The sleeps on the host were this suite's: ended here rather than left for sshd's TCP to time out.
end_remote "sleep $secs"
finish
