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

# Failures lxc-copy is silent about by itself: one line naming the cause, with its own words.
new_name f clone-f
run_lx clone -o nosuch -n "$f" -s
expect_rc 1 "clone of a missing container"
expect_err_has "lxhost: error: clone: no container 'nosuch' on $LAB_HOST_ADDR (lxc-copy: Container nosuch is not defined)"
expect_err_lines 1
run_lx clone -o base -n "$a" -s
expect_rc 1 "clone onto an existing container"
expect_err_has "lxhost: error: clone: '$a' already exists on $LAB_HOST_ADDR (lxc-copy: "
expect_err_lines 1
run_lx clone -o base -n "$f" -s -B dir
expect_rc 1 "clone that lxc-copy refuses"
expect_err_has "lxhost: error: clone: lxc-copy could not copy 'base' to '$f' (exit 1): "
expect_err_lines 1
run_lx start-ephemeral -o nosuch -d
expect_rc 1 "start-ephemeral of a missing container"
expect_err_has "lxhost: error: start-ephemeral: no container 'nosuch' on $LAB_HOST_ADDR"
run_lx start-ephemeral -o base -n "$a" -d
expect_rc 1 "start-ephemeral onto an existing container"
expect_err_has "lxhost: error: start-ephemeral: '$a' already exists on $LAB_HOST_ADDR"
run_lx start-ephemeral -o nosuch -- true
expect_rc 1 "start-ephemeral -- CMD of a missing container"
expect_err_has "lxhost: error: start-ephemeral: no container 'nosuch' on $LAB_HOST_ADDR (lxc-copy: Container nosuch is not defined)"
expect_err_lines 1
run_lx start-ephemeral -o base -n "$a" -- true
expect_rc 1 "start-ephemeral -- CMD onto an existing container"
expect_err_has "lxhost: error: start-ephemeral: '$a' already exists on $LAB_HOST_ADDR (lxc-copy: "
expect_err_lines 1
run_lx start-ephemeral -o base -u bogus -- true
expect_rc 1 "start-ephemeral -- CMD whose copy lxc-copy refuses"
expect_err_has "lxhost: error: start-ephemeral: lxc-copy could not copy 'base' to 'lxhost-"
expect_err_has "Failed to initialize bogus storage driver"
expect_err_lines 1
# CMD's own failure is CMD's: its stderr as it wrote it, its exit code, no word from lxhost.
run_lx start-ephemeral -o base -- sh -c 'echo to-out; echo to-err >&2; exit 3'
expect_rc 3 "start-ephemeral -- CMD that fails"
check "CMD's stdout" test "$OUT" = to-out
check "CMD's stderr, and nothing else" test "$ERR" = to-err
# In the foreground lxc-copy's stderr is the container's console: its words pass as they come,
# and lxhost's line says why without repeating them.
run_lx start-ephemeral -o nosuch
expect_rc 1 "start-ephemeral in the foreground of a missing container"
expect_err_has "Container nosuch is not defined"
expect_err_has "lxhost: error: start-ephemeral: no container 'nosuch' on $LAB_HOST_ADDR"
check "lxhost's line does not repeat lxc-copy's words" eval '! grep -q "lxhost: error: .*(lxc-copy" "$T/err"'

# [verbs.VERB] args: put before the typed arguments, LXC 1 verbs included.
lab_config "$T/verbs.toml"
printf '\n[verbs.clone]\nargs = ["-s"]\n\n[verbs.info]\nargs = ["-s"]\n' >>"$T/verbs.toml"
new_name d clone-d
run_lx -c "$T/verbs.toml" clone -o base -n "$d"
expect_rc 0 "clone with [verbs.clone] args = [\"-s\"]"
check "the default -s made a snapshot clone" grep -q '^lxc.rootfs.path = overlay' "$LAB_LXCPATH/$d/config"
run_lx -c "$T/verbs.toml" info -n web
expect_rc 0 "info with [verbs.info] args = [\"-s\"]"
check "info printed the state only" test "$(printf '%s\n' "$OUT" | grep -c '')" = 1
expect_out_has "State:"
new_name g clone-g
run_lx -c "$T/verbs.toml" clone -o base -n "$g" -B dir
expect_rc 1 "a default that does not go with the typed arguments"
expect_err_has "Directories cannot be snapshotted"
expect_err_has "lxhost: hint: clone ran with -s (the config's [verbs.clone] args, $T/verbs.toml:"
run_lx -c "$T/verbs.toml" info -n nosuch
expect_rc 1 "a pass-through verb with defaults that failed"
expect_err_has "lxhost: hint: lxc-info ran with -s (the config's [verbs.info] args, $T/verbs.toml:"
run_lx -c "$T/verbs.toml" info -n web -p
expect_rc 0 "a pass-through verb with defaults that succeeded"
check "no hint when it succeeds" eval '! grep -q hint "$T/err"'

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
