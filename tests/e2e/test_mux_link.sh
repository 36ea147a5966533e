#!/usr/bin/env bash
# A mux master whose link dies (the laptop slept, the cable is out) notices and is replaced. The
# link is the suite's own: a network namespace it makes, on br1 by a veth whose host side it takes
# down and up again, so no other suite loses anything. Taken down mid-command, the command ends
# with 255 once the master gives up (keepalives every 15 s, 30 s for TCP to give up: allowed 3x).
. "$(dirname "$0")/lib.sh"

NS=lxhmux$$
VETH=lxhm$$
ADDR=10.203.0.$((60 + $$ % 40))
at_exit own_link_cleanup
own_link "$NS" "$VETH" "$ADDR"

mkdir -p "$T/run"
# lxhost in that namespace, with the laptop's HOME and config, and a runtime directory of its own.
MX=(ip netns exec "$NS" env -i PATH="$PATH" HOME="$LAB_LAPTOP_HOME" XDG_CONFIG_HOME="$LAB_LAPTOP_HOME/.config"
  XDG_CACHE_HOME="$T/cache" XDG_RUNTIME_DIR="$T/run" "$LXHOST_BIN")
mx() { "${MX[@]}" "$@"; }

capture mx ls -1
expect_rc 0 "a command from the suite's own namespace"
expect_out_has web
PID=$(master_pid mx)
check "it started a master ($PID)" test -n "$PID"

# The link goes down in the middle of a command.
# (start_bg runs lx: this one is recorded as start_bg records its own, for wait_bg.)
: >"$T/out"
BG_T0[-]=${EPOCHREALTIME/./}
"${MX[@]}" attach -n web -- sh -c 'echo started; sleep 100' </dev/null >"$T/out" 2>"$T/err" &
BG_PID[-]=$!
for _ in $(seq 100); do grep -q started "$T/out" && break; sleep 0.1; done
check "the long command started" grep -q started "$T/out"
ip link set "$VETH" down
wait_bg
expect_rc 255 "the command whose link was cut"
expect_err_has "lost"
check "it ended within 3x the master's bounds ($MS ms, at most 135000)" test "$MS" -le 135000
gone_within_5s() {
  local i
  for i in $(seq 50); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}
check "the master ended too" gone_within_5s "$PID"

# The link is back: the next command starts a new master, without a word.
ip link set "$VETH" up
for _ in $(seq 50); do ip netns exec "$NS" bash -c 'exec 3<>/dev/tcp/10.203.0.1/2222' 2>/dev/null && break; sleep 0.1; done
capture mx ls -1
expect_rc 0 "the next command, the link back"
check "... without a word on stderr" test -z "$ERR"
NEW=$(master_pid mx)
check "... through a new master ($NEW, not $PID)" eval '[ -n "$NEW" ] && [ "$NEW" != "$PID" ]'
mx mux stop >/dev/null

finish
