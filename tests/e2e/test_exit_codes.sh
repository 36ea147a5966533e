# Exit codes: the remote code, 128+N for a signal, the tool's own codes.
source "$(dirname "$0")/lib.sh"

run_lx attach -n web -- sh -c 'exit 7'
expect_rc 7 "attach sh -c 'exit 7'"

run_lx attach -n web -- sh -c 'kill -TERM $$'
expect_rc 143 "attach: command killed by SIGTERM"

run_lx attach -n web -- true
expect_rc 0 "attach true"

# lxc-stop of a stopped container exits 2 (LXC 5.0.2 does): passed on unchanged.
run_lx stop -n base
expect_rc 2 "stop of a stopped container"

run_lx attach -n no-such-container -- true
expect_rc 1 "attach to a missing container"

run_lx lxc-wait -n web -s RUNNING -t 1
expect_rc 0 "lxc-wait for a state it is in"

# host_pid PATTERN: the pid of the first host process whose "PID ARGS" line matches.
host_pid() { ps -eo pid=,args= | awk -v p="$1" '$0 ~ p && !found { print $1; found = 1 }'; }  # no early exit: ps would get SIGPIPE
wait_pid() {  # wait_pid VAR PATTERN: bounded wait for host_pid
  local i
  for i in $(seq 200); do
    printf -v "$1" '%s' "$(host_pid "$2")"
    [ -n "${!1}" ] && return 0
    sleep 0.05
  done
  return 1
}

# The remote tool killed by a signal: sudo re-raises it, sshd sends exit-signal: 128+9.
start_bg lxc-wait -n web -s THAWED
if wait_pid tool "^ *[0-9]+ lxc-wait .*THAWED"; then  # the tool itself: not sudo, not lxhost
  kill -KILL "$tool"
  wait_bg
  expect_rc 137 "remote tool killed by SIGKILL"
else
  fail "remote lxc-wait never started"
fi

# The sshd process serving the session killed mid-command: the connection is lost, exit 255.
n=$((6000 + RANDOM % 1000))
start_bg attach -n web -- sleep "$n"
if wait_pid sleeper "^ *[0-9]+ sleep $n\$"; then
  session=$sleeper
  while [ -n "$session" ] && [ "$session" != 1 ]; do
    case "$(ps -o args= -p "$session")" in "sshd: $LAB_USER@notty"*) break ;; esac
    session=$(ps -o ppid= -p "$session" | tr -d ' ')
  done
  check "found the sshd session process" test -n "$session" -a "$session" != 1
  kill -KILL "$session"
  wait_bg
  expect_rc 255 "sshd session killed"
  expect_err_has "lost"
  expect_err_lines 1
  kill -KILL "$sleeper" 2>/dev/null || true  # left behind in the container: ours to end
else
  fail "remote sleep never started"
fi
finish
