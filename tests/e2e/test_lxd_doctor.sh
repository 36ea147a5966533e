# `doctor` on a host with backend = "lxd" (the lab's cluster): every check passes, an ephemeral
# copy made and deleted; an sshd that refuses channels to unix sockets fails the lxd socket check
# with the fix naming both sshd options, the checks that need it skipped and the local ones run;
# a configured socket that is not there fails with its own fix.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/faults_lib.sh"

lxd_suite

doctor() { capture in_laptop lxhost -c "$1" doctor; }
expect_line() { if out_has_line "$1"; then pass "line '$1'"; else fail "no line '$1'"; fi; }
expect_status() {
  if grep -qE "^$1 +([0-9]+ ms)? +$2: " <<<"$OUT"; then pass "$2: $1"; else fail "$2: expected $1"; fi
}
doctors() { "${LXDC[@]}" list -f csv -c n 2>/dev/null | grep -c '^lxhost-doctor-' || true; }

new_name X lxdd-x
INSTANCES+=("$X")
"${LXDC[@]}" init "$LAB_LXD_IMAGE" "$X" --target m2 >/dev/null

# --- healthy ----------------------------------------------------------------------------------------
doctor "$T/lxd.toml"
expect_rc 0 "doctor on the LXD cluster"
for c in config name tcp "host key" auth "login shell" "lxd socket" lxd cluster storage "ephemeral copy" cache "mux dir"; do
  expect_status ok "$c"
done
expect_line "all 13 checks passed"
expect_out_has "config: $T/lxd.toml: host cluster is $LAB_USER@$LAB_HOST_ADDR:$LAB_SSH_PORT, backend lxd (no sudo"
expect_out_has "lxd socket: $LAB_LXD_SOCKET answered through the SSH session in "
expect_out_has "lxd: LXD 5."
expect_out_has ", cluster member m1; $LAB_USER is trusted"
expect_out_has "cluster: m1 Online, m2 Online, m3 Online"
expect_out_has "storage: "
expect_out_has "ephemeral copy: an ephemeral copy of "
expect_out_has ", deleted again"
check "... and no copy of doctor's is left" test "$(doctors)" = 0

# --- the socket's path configured wrong --------------------------------------------------------------
lxd_config "$T/nosock.toml"
sed -i 's|^lxd_socket = .*|lxd_socket = "/var/lib/lxhost-lab/no/such.socket"|' "$T/nosock.toml"
doctor "$T/nosock.toml"
expect_rc 1 "a configured socket that is not there: exit 1"
expect_status FAIL "lxd socket"
expect_out_has "lxd socket: /var/lib/lxhost-lab/no/such.socket is not a socket on the host"
expect_line "      fix: start LXD on the host, or correct lxd_socket in [hosts.cluster]"
expect_line "skip            lxd: not checked, waits for lxd socket"
expect_line "skip            ephemeral copy: not checked, waits for lxd socket"
expect_status ok cache

# --- an sshd that refuses channels to unix sockets ----------------------------------------------------
fault_port NOSL_PORT
"$LAB_TOOL" fault sshd start "$NOSL_PORT" AllowStreamLocalForwarding=no >/dev/null
FAULTS_UP+=("sshd stop $NOSL_PORT")
sed "s/^\[$LAB_HOST_ADDR\]:$LAB_SSH_PORT /[$LAB_HOST_ADDR]:$NOSL_PORT /" "$LAB_KNOWN_HOSTS" >"$T/known_hosts"
lxd_config "$T/nosl.toml" "s/^port = .*/port = $NOSL_PORT/" "s|^known_hosts = .*|known_hosts = \"$T/known_hosts\"|"
doctor "$T/nosl.toml"
expect_rc 1 "AllowStreamLocalForwarding no: exit 1"
expect_status ok "login shell"
expect_status FAIL "lxd socket"
expect_out_has "lxd socket: $LAB_USER can use $LAB_LXD_SOCKET, but the channel to it failed: "
expect_line "      fix: set AllowStreamLocalForwarding yes and AllowTcpForwarding yes in the host's sshd_config (sshd opens a channel to a unix socket only when both allow it), then reload sshd"
expect_line "skip            cluster: not checked, waits for lxd socket"
expect_status ok "mux dir"
check "... within 3x its bound ($MS ms)" test "$MS" -lt $((SLOW * 3 * 3000))
capture in_laptop lxhost -c "$T/nosl.toml" ls
expect_rc 255 "ls through that sshd: exit 255"
expect_err_has "unix socket $LAB_LXD_SOCKET"

finish
