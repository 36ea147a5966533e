# Ctrl-C without a terminal: lxhost passes the signal on, exits 130, and the remote process is gone
# (also for lxc-attach, which does not forward signals itself, and for start-ephemeral -- CMD,
# whose copy is stopped too).
source "$(dirname "$0")/lib.sh"
set -m  # background jobs keep SIGINT (a script's background jobs otherwise start with it ignored)

# remote_running PATTERN: a process on the container host whose command line matches.
# (Patterns must match neither grep's own command line nor the local lxhost's: anchor them.)
remote_running() { ps -eo args= | grep -Eq "$1"; }

# interrupt PATTERN ARGS...: start lxhost ARGS, wait until PATTERN runs remotely, send SIGINT.
interrupt() {
  local pattern=$1
  shift
  start_bg "$@"
  if ! wait_for 20 remote_running "$pattern"; then
    fail "remote process '$pattern' never started"
    kill -KILL "$BG" 2>/dev/null || true
    return
  fi
  kill -INT "$BG"
  wait_bg
}

n=$((3000 + RANDOM % 1000))
interrupt "^sleep $n\$" attach -n web -- sleep "$n"
expect_rc 130 "attach interrupted"
check "the attached process is gone" wait_for 5 eval "! remote_running '^sleep $n\$'"
check "no lxc-attach left on the host" wait_for 5 eval "! remote_running '^(sudo -n )?lxc-attach .*sleep $n'"

interrupt "^(sudo -n )?lxc-wait .*-s FROZEN" lxc-wait -n web -s FROZEN
expect_rc 130 "lxc-wait interrupted"
check "lxc-wait is gone" wait_for 5 eval "! remote_running '^(sudo -n )?lxc-wait .*-s FROZEN'"

m=$((4000 + RANDOM % 1000))
new_name e eph-int
interrupt "^sleep $m\$" start-ephemeral -o base -n "$e" -- sleep "$m"
expect_rc 130 "start-ephemeral -- CMD interrupted"
check "the ephemeral copy is gone" wait_for 10 eval "test ! -e '$LAB_LXCPATH/$e'"

# A lost connection (lxhost killed outright) still stops the copy: the remote watchdog sees its
# SSH session end.
k=$((5000 + RANDOM % 1000))
new_name e2 eph-lost
start_bg start-ephemeral -o base -n "$e2" -- sleep "$k"
if wait_for 20 remote_running "^sleep $k\$"; then
  kill -KILL "$BG"
  wait_bg
  check "copy stopped after the connection was lost" wait_for 15 eval "test ! -e '$LAB_LXCPATH/$e2'"
else
  fail "ephemeral command never started"
  kill -KILL "$BG" 2>/dev/null || true
fi
finish
