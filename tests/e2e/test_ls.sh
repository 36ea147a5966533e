# `ls` is pure pass-through: lxc-ls's own output and exit code, through lxhost and through lxc-ls.
source "$(dirname "$0")/lib.sh"

run_lx ls -1
expect_rc 0 "lxhost ls -1"
check "ls lists base" grep -qx base "$T/out"
check "ls lists web" grep -qx web "$T/out"

run_lx lxc-ls -f
expect_rc 0 "lxhost lxc-ls -f"
check "lxc-ls -f shows web RUNNING" grep -Eq '^web +RUNNING' "$T/out"
check "lxc-ls -f shows base STOPPED" grep -Eq '^base +STOPPED' "$T/out"

run_lx ls -1 --running
expect_rc 0
# Running: web, sshd1, sshd2 and whatever other suites started; never base.
check "--running reaches lxc-ls (web, not base)" eval 'grep -qx web "$T/out" && ! grep -qx base "$T/out"'

# Without -1, lxc-ls prints names in columns when stdout is not a tty, as it does locally.
run_lx ls
expect_rc 0 "lxhost ls"
check "plain ls output has both names" eval 'contains "$OUT" base && contains "$OUT" web' 

run_lx ls --help
expect_rc 0 "remote --help"
expect_err_has "Usage: lxc-ls"  # lxc-ls writes its help to stderr

# An argument lxc-ls rejects: its message and code, unchanged.
run_lx ls --no-such-flag
check "lxc-ls's own error code passes through (non-zero)" test "$RC" -ne 0 -a "$RC" -ne 255
expect_err_has "no-such-flag"

# The host's lxcpath is configured: a typed -P wins (LXC's tools refuse a second one).
run_lx info -P "$LAB_LXCPATH" -n web -s
expect_rc 0 "info -P LXCPATH beside the configured lxcpath"
expect_out_has "RUNNING"
run_lx ls -1 --lxcpath=/nonexistent-lxcpath
expect_rc 0 "ls --lxcpath=DIR lists that directory"
check "an empty lxcpath lists nothing" test -z "$OUT"
finish
