# Exit codes as DESIGN.md says: the remote code, 128+N for a signal, the tool's own codes.
source "$(dirname "$0")/lib.sh"

run_lx attach -n web -- sh -c 'exit 7'
expect_rc 7 "attach sh -c 'exit 7'"

run_lx attach -n web -- sh -c 'kill -TERM $$'
expect_rc 143 "attach: command killed by SIGTERM"

run_lx attach -n web -- true
expect_rc 0 "attach true"

# lxc-stop of a stopped container exits 2 (lab-findings): passed on unchanged.
run_lx stop -n base
expect_rc 2 "stop of a stopped container"

run_lx attach -n no-such-container -- true
expect_rc 1 "attach to a missing container"

# The remote shell itself killed by a signal: the channel reports exit-signal.
run_lx lxc-wait -n web -s RUNNING -t 1
expect_rc 0 "lxc-wait for a state it is in"
finish
