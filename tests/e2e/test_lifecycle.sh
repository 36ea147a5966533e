# A container's life through lxhost: create, snapshot copy, start, wait, info, attach, stop, destroy.
source "$(dirname "$0")/lib.sh"

new_name made made
new_name snap snap

run_lx create -n "$made" -t busybox -f "$LXHOST_LAB_DIR/lxc-empty.conf"
expect_rc 0 "create -t busybox"
check "created container exists on the host" container_exists "$made"

run_lx copy -n base -N "$snap" -s
expect_rc 0 "copy -s (snapshot)"
check "snapshot uses overlay" grep -q '^lxc.rootfs.path = overlay' "$LAB_LXCPATH/$snap/config"

run_lx start -n "$snap"
expect_rc 0 "start"
run_lx wait -n "$snap" -s RUNNING -t 10
expect_rc 0 "wait -s RUNNING"
run_lx info -n "$snap" -s -H
expect_rc 0 "info -s -H"
expect_out RUNNING "info state"

run_lx attach -n "$snap" -- hostname
expect_rc 0 "attach hostname"
expect_out "$snap" "hostname inside the snapshot"

run_lx stop -n "$snap" -k
expect_rc 0 "stop -k"
check "stopped on the host" test "$(container_state "$snap")" = STOPPED

run_lx destroy -n "$snap"
expect_rc 0 "destroy snapshot"
check "snapshot gone" test ! -e "$LAB_LXCPATH/$snap"
run_lx destroy -n "$made"
expect_rc 0 "destroy created"
check "created container gone" test ! -e "$LAB_LXCPATH/$made"
check "base untouched" test "$(container_state base)" = STOPPED
finish
