# loaded_libraries: what an lxhost process has mapped, from its /proc/PID/maps (read by gdb as the
# process exits, or directly while it runs). A TAB, --version, help, config show, shell-init and a
# command through a running mux master map none of libssh, OpenSSL, Kerberos, Avahi or D-Bus: the
# binary loads libssh when it first opens an SSH session and Avahi when it first asks mDNS. The
# controls: `--no-mux`, the mux master and `resolve` map them, so the check can see them.
source "$(dirname "$0")/lib.sh"

outside='/lib(ssh|crypto|ssl|gssapi_krb5|krb5|k5crypto|avahi-client|avahi-common|dns_sd|dbus-1)\.so'

# maps_at_exit ARGS...: runs lxhost ARGS under gdb in the laptop namespace, stopped at its
# exit_group; $T/maps gets every file it has mapped then (gdb's `info proc mappings` reads
# /proc/PID/maps), one a line; $T/out and $T/err get the program's own output.
maps_at_exit() {
  local args=() arg
  # gdb's `run` line goes through a shell: each argument quoted for it.
  for arg in "$@"; do args+=("$(printf '%q' "$arg")"); done
  "$LAB_TOOL" exec laptop env XDG_RUNTIME_DIR="$T/run" \
    gdb -nx -q -batch -ex 'catch syscall exit_group' -ex "run ${args[*]} </dev/null >$T/out 2>$T/err" \
    -ex 'info proc mappings' "$LXHOST_BIN" </dev/null >"$T/gdb" 2>&1 || true
  awk '$NF ~ /^\// { print $NF }' "$T/gdb" | sort -u >"$T/maps"
  OUT=$(cat "$T/out")
}
maps_have() { grep -q "$LXHOST_BIN" "$T/maps"; }
maps_clean() { maps_have && ! grep -E "$outside" "$T/maps"; }

# A running master, and the host's names in the completion cache.
run_lx ls -1
expect_rc 0 "ls -1 through a new master"
check "a master serves the host" test -n "$(master_pid)"
run_lx __complete containers
expect_out_has base

maps_at_exit __complete containers
check "gdb read the TAB's maps at its exit" maps_have
check "a TAB offers the host's containers" contains "$OUT" base
check "a TAB maps no libssh, OpenSSL, Kerberos, Avahi or D-Bus" maps_clean

maps_at_exit --version
check "--version prints the version" contains "$OUT" "lxhost "
check "--version maps none of them" maps_clean
maps_at_exit help
check "help prints the usage" contains "$OUT" "Usage: lxhost"
check "help maps none of them" maps_clean
maps_at_exit config show
check "config show prints the lab host" contains "$OUT" "10.203.0.1"
check "config show maps none of them" maps_clean
maps_at_exit shell-init bash
check "shell-init prints its functions" contains "$OUT" "lxc-"
check "shell-init maps none of them" maps_clean

maps_at_exit ls -1
check "ls -1 through the master lists base" contains "$OUT" base
check "the master's client maps none of them" maps_clean

# The client of a running command, read while it runs (no debugger): attach through the master.
start_bg attach -n web -- sh -c 'echo started; sleep 3'
check "attach through the master is running" wait_for 5 grep -q started "$T/out"
cp "/proc/$BG/maps" "$T/live_maps" 2>/dev/null || : >"$T/live_maps"
wait_bg
expect_rc 0 "attach through the master"
check "the live client's maps were read" grep -q "$LXHOST_BIN" "$T/live_maps"
check "the live client maps none of them" bash -c '! grep -E "$1" "$2"' _ "$outside" "$T/live_maps"

# Controls: the same check sees them where they belong.
maps_at_exit --no-mux ls -1
check "--no-mux lists base" contains "$OUT" base
check "--no-mux maps libssh (control)" grep -q '/libssh\.so' "$T/maps"
check "--no-mux maps libcrypto (control)" grep -q '/libcrypto\.so' "$T/maps"
check "the master maps libssh (control)" grep -q '/libssh\.so' "/proc/$(master_pid)/maps"
maps_at_exit resolve containers.local
check "resolve finds containers.local" contains "$OUT" "10.203.0.1"
check "resolve maps Avahi's client library (control)" grep -q '/libavahi-client\.so' "$T/maps"
finish
