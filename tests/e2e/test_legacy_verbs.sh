# LXC 1 verbs, as users of LXC 1 type them, on an LXC 5 host (translated to lxc-copy).
source "$(dirname "$0")/lib.sh"

new_name a clone-a
new_name b clone-b
new_name c clone-c

run_lx clone -o base -n "$a" -s
expect_rc 0 "clone -o base -n A -s"
check "clone -s made an overlay snapshot" grep -q '^lxc.rootfs.path = overlay' "$LAB_LXCPATH/$a/config"

run_lx lxc-clone -s base "$b"
expect_rc 0 "lxc-clone -s ORIG NEW (positional, full tool name)"
check "positional clone exists" container_exists "$b"

run_lx clone --orig=base --new="$c" --snapshot
expect_rc 0 "clone --orig= --new= --snapshot"
check "long-form clone exists" container_exists "$c"

run_lx clone -o base -n x -Z
expect_rc 2 "unknown clone flag"
expect_err_has "'-Z'"

# start-ephemeral -d: a running copy that disappears when stopped.
new_name e eph
run_lx start-ephemeral -o base -n "$e" -d
expect_rc 0 "start-ephemeral -o base -n E -d"
check "ephemeral copy runs" test "$(container_state "$e")" = RUNNING
run_lx stop -n "$e" -k
expect_rc 0 "stop the ephemeral copy"
for _ in $(seq 50); do container_exists "$e" || break; sleep 0.1; done
check "ephemeral copy is gone after stop" test ! -e "$LAB_LXCPATH/$e"

# start-ephemeral -- CMD: CMD's exit code, its output, and no container left behind.
# (Copies lxhost names itself are "lxhost-<hex>"; other suites running alongside use other names.)
generated() { ls "$LAB_LXCPATH" | grep '^lxhost-' || true; }
before=$(generated)
run_lx start-ephemeral -o base -- sh -c 'echo in-copy; exit 7'
expect_rc 7 "start-ephemeral -- CMD returns CMD's code"
expect_out in-copy
check "no container left behind" test "$(generated)" = "$before"

new_name n eph-named
printf 'fed through stdin\n' >"$T/in"
STDIN_FILE=$T/in run_lx start-ephemeral -o base -n "$n" -- cat
expect_rc 0 "start-ephemeral -n N -- cat"
expect_out "fed through stdin" "stdin reaches CMD"
check "named copy removed" test ! -e "$LAB_LXCPATH/$n"

run_lx start-ephemeral -o base -d -- true
expect_rc 2 "-d with a command"
run_lx start-ephemeral -o base --bogus
expect_rc 2 "unknown start-ephemeral flag"
expect_err_has "'--bogus'"
finish
