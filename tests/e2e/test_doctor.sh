# `lxhost doctor`: on the healthy lab every check passes (exit 0); each link broken on our own side
# (a config, a name, a port, a known_hosts file, a key, a lab user, an lxcpath, a cache or mux
# directory, sudo's secure_path, an lxcpath on overlayfs) fails its check with its one fix line
# (exit 1), the checks that need it are skipped and the independent ones still run. Every wait is
# bounded.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/faults_lib.sh"

mkdir -p "$T/cache"
LXD=("$LAB_TOOL" exec laptop env XDG_RUNTIME_DIR="$T/run" XDG_CACHE_HOME="$T/cache" "$LXHOST_BIN")
doctor() { capture "${LXD[@]}" "$@" doctor; }
# doctor_in HOME ARGS...: doctor with a HOME (so an ~/.ssh) of the test's own, nothing else inherited.
doctor_in() {
  capture ip netns exec "$LAB_NETNS" env -i PATH="$PATH" HOME="$1" XDG_RUNTIME_DIR="$T/run" \
    XDG_CACHE_HOME="$T/cache" "$LXHOST_BIN" "${@:2}" doctor
}
# expect_line TEXT: stdout has exactly this line.
expect_line() { if out_has_line "$1"; then pass "line '$1'"; else fail "no line '$1'"; fi; }
# expect_status STATUS CHECK: the check's line starts with STATUS (ok, FAIL, skip).
expect_status() {
  if grep -qE "^$1 +([0-9]+ ms)? +$2: " <<<"$OUT"; then pass "$2: $1"; else fail "$2: expected $1"; fi
}
expect_skip() { expect_line "skip            $1: not checked, waits for $2"; }
expect_fix() { expect_line "      fix: $1"; }

# --- healthy: every check passes, in order
doctor
expect_rc 0 "healthy lab"
for c in config name tcp "host key" auth "login shell" sudo lxc lxcpath "backing store" cache "mux dir"; do
  expect_status ok "$c"
done
check "twelve lines and a summary" test "$(printf '%s\n' "$OUT" | grep -c '')" = 13
expect_line "all 12 checks passed"
expect_out_has "name: $LAB_HOST_ADDR is an address (no lookup)"
expect_out_has "tcp: $LAB_HOST_ADDR:$LAB_SSH_PORT accepted the connection"
expect_out_has "host key: known and matching (ssh-ed25519 SHA256:"
expect_out_has "in $LAB_KNOWN_HOSTS"
expect_out_has "login shell: /bin/sh speaks POSIX sh"
expect_out_has "sudo: $LAB_USER runs lxc-* as root without a password"
expect_out_has "lxc: LXC 5."
expect_out_has "lxcpath: $LAB_LXCPATH (lxcpath of [hosts.lab]): "
expect_out_has "backing store: $LAB_LXCPATH is "
expect_out_has ": lxc-copy -s of base made a snapshot (overlay) in "
expect_out_has "lxc: LXC 5."
check "the lxc check counts every tool of the verb table" \
  grep -qE "^ok +[0-9]+ ms  lxc: LXC [0-9.]+, ([0-9]+) of \1 tools in /usr/bin \(as sudo -n finds them\)$" <<<"$OUT"
check "doctor's snapshot clone is gone again" test -z "$(ls -A "$LAB_LXCPATH" | grep '^lxhost-doctor-' || true)"
expect_out_has "cache: $T/cache/lxhost is writable"
expect_out_has "mux dir: $T/run/lxhost is private"
check "stderr is empty" test -z "$ERR"
check "healthy doctor within 10 s (${MS} ms)" test "$MS" -lt $((SLOW * 10000))
check "no mux master was started" test -z "$(ls -A "$T/run/lxhost")"

# -H after the command word picks a host too (here: an address with the default host's settings).
lab_config "$T/two.toml" '$a [hosts.other]\naddress = "127.0.0.1"\nport = 2299\nuser = "lxhtest"'
capture "${LXD[@]}" -c "$T/two.toml" doctor -H other
expect_rc 1 "doctor -H other"
expect_out_has "config: $T/two.toml: host other is lxhtest@127.0.0.1:2299"

# --- bad usage
capture "${LXD[@]}" doctor --bogus
expect_rc 2 "unknown doctor option"

# --- config: invalid TOML
lab_config "$T/bad.toml" '$a nonsense = 1'
doctor -c "$T/bad.toml"
expect_rc 1 "invalid config"
expect_status FAIL config
expect_out_has "config: $T/bad.toml:"
for c in name tcp "host key" auth "login shell" sudo lxc lxcpath "backing store"; do expect_skip "$c" config; done
expect_status ok cache
expect_status ok "mux dir"
expect_line "1 failed, 9 skipped, 2 passed"

# --- name: a .local name nobody announces (mDNS and the system resolver both asked, bounded)
lab_config "$T/nowhere.toml" "s|^address = .*|address = \"nowhere-$$.local\"|"
doctor -c "$T/nowhere.toml"
expect_rc 1 "unannounced .local name"
expect_status FAIL name
expect_out_has "name: nowhere-$$.local: mDNS (avahi): no answer within 1000 ms; system: "
expect_fix "on the host, set host-name=nowhere-$$ in [server] and publish-addresses=yes in [publish] of /etc/avahi/avahi-daemon.conf and restart avahi-daemon (\`lxhost discover\` shows what answers here)"
expect_skip tcp name
check "bounded by resolve_timeout_ms twice (${MS} ms)" test "$MS" -lt $((SLOW * 5000))

# --- name: a .local name that is announced: mDNS answers, and says so
lab_config "$T/mdns.toml" 's|^address = .*|address = "containers.local"|'
doctor -c "$T/mdns.toml"
expect_rc 0 "containers.local"
expect_out_has "name: containers.local: mDNS (avahi): $LAB_HOST_ADDR ("

# --- name: no mDNS daemon to ask (a D-Bus without Avahi): the system resolver's answer is used, as
# a connection uses it (nss-mdns still knows containers.local)
bus_without_avahi
capture "$LAB_TOOL" exec laptop env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus.sock" XDG_RUNTIME_DIR="$T/run" \
  XDG_CACHE_HOME="$T/cache" "$LXHOST_BIN" -c "$T/mdns.toml" doctor
expect_rc 0 "containers.local without an mDNS daemon"
expect_out_has "name: containers.local: mDNS: not available ("
expect_out_has "; system: $LAB_HOST_ADDR ("
expect_out_has "(lxhost uses the system resolver when mDNS is not available)"
expect_err_has "asking the system resolver for containers.local"

# --- tcp: a port nobody listens on
lab_config "$T/noport.toml" "s|^port = .*|port = 2299|"
doctor -c "$T/noport.toml"
expect_rc 1 "closed port"
expect_out_has "tcp: $LAB_HOST_ADDR:2299: Connection refused"
expect_fix "start sshd on the host, or set port in [hosts.lab] to the port it listens on (\`ss -ltn\` on the host lists them)"
for c in "host key" auth "login shell" sudo lxc lxcpath "backing store"; do expect_skip "$c" tcp; done
expect_status ok cache
expect_status ok "mux dir"

# --- tcp: an address nobody answers on, bounded by connect_timeout_ms
lab_config "$T/blackhole.toml" "s|^address = .*|address = \"10.203.0.254\"|" \
  "s|^connect_timeout_ms = .*|connect_timeout_ms = 1000|"
doctor -c "$T/blackhole.toml"
expect_rc 1 "unanswered address"
expect_out_has "tcp: 10.203.0.254:$LAB_SSH_PORT did not answer within 1000 ms"
expect_fix "check that the host is up and that no firewall drops port $LAB_SSH_PORT (connect_timeout_ms = 1000 bounds the wait)"
check "bounded by connect_timeout_ms (${MS} ms)" test "$MS" -lt $((SLOW * 3000))

# --- host key: a port that accepts TCP and never speaks SSH (lab fault silent), bounded by
# connect_timeout_ms
fault_port SILENT
"$LAB_TOOL" fault silent start "$SILENT" >/dev/null
FAULTS_UP+=("silent stop $SILENT")
lab_config "$T/silent.toml" "s|^port = .*|port = $SILENT|" "s|^connect_timeout_ms = .*|connect_timeout_ms = 1000|"
doctor -c "$T/silent.toml"
expect_rc 1 "a port that never speaks SSH"
expect_out_has "tcp: $LAB_HOST_ADDR:$SILENT accepted the connection"
expect_out_has "host key: no SSH handshake: $LAB_HOST_ADDR:$SILENT sent no SSH banner within 1000 ms (connect_timeout_ms)"
expect_fix "$LAB_HOST_ADDR:$SILENT answers TCP but not as sshd: set port in [hosts.lab] to the port sshd listens on"
expect_skip auth "host key"
START_MS=$(binary_start_ms)
check "bounded by connect_timeout_ms (${MS} ms; start ${START_MS} ms)" test "$MS" -lt $((3000 + START_MS))

# --- name, tcp: a host reached through a ProxyCommand of ~/.ssh/config (lxhost proxy itself): not
# resolved nor connected by doctor, the rest through the proxy
home=$T/proxyhome
mkdir -p "$home/.ssh"
chmod 700 "$home" "$home/.ssh"
cp "$LAB_CLIENT_KEY" "$LAB_CLIENT_KEY.pub" "$LAB_KNOWN_HOSTS" "$home/.ssh/"
printf 'Host viaproxy\n  HostName %s\n  Port %s\n  ProxyCommand %s proxy %%h %%p\n' \
  "$LAB_HOST_ADDR" "$LAB_SSH_PORT" "$LXHOST_BIN" >"$home/.ssh/config"
lab_config "$T/proxy.toml" 's|^address = .*|address = "viaproxy"|'
doctor_in "$home" -c "$T/proxy.toml"
expect_rc 0 "a host behind a ProxyCommand"
expect_out_has "name: $LAB_HOST_ADDR is reached through ~/.ssh/config's ProxyCommand \`$LXHOST_BIN proxy %h %p\`: not resolved here"
expect_out_has "tcp: not checked here: the ProxyCommand makes the connection"
expect_out_has "host key: known and matching"
expect_line "all 12 checks passed"

# --- host key: unknown (an empty known_hosts file of our own)
fp=$(ssh-keygen -lf "$LXHOST_LAB_DIR/sshd/ssh_host_ed25519_key.pub" | cut -d' ' -f2)
: >"$T/kh-empty"
lab_config "$T/unknown.toml" "s|^known_hosts = .*|known_hosts = \"$T/kh-empty\"|"
doctor -c "$T/unknown.toml"
expect_rc 1 "unknown host key"
expect_out_has "host key: ssh-ed25519 $fp is not in $T/kh-empty: refused (host_key = \"strict\")"
expect_fix "compare ssh-ed25519 $fp with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on the host, then run \`ssh-keyscan -p $LAB_SSH_PORT -t ed25519 $LAB_HOST_ADDR >> $T/kh-empty\`"
expect_skip auth "host key"
check "doctor wrote nothing to known_hosts" test ! -s "$T/kh-empty"

# accept-new: not a failure, and still nothing written (doctor only looks)
lab_config "$T/acceptnew.toml" "s|^known_hosts = .*|known_hosts = \"$T/kh-empty\"|" '/^\[hosts.lab\]/a host_key = "accept-new"'
doctor -c "$T/acceptnew.toml"
expect_rc 0 "accept-new with an unknown key"
expect_out_has "host key: not in $T/kh-empty yet: host_key = \"accept-new\" records ssh-ed25519 $fp on the first connection"
check "accept-new: doctor wrote nothing to known_hosts" test ! -s "$T/kh-empty"

# --- host key: changed (our own known_hosts with another key for the host)
ssh-keygen -q -t ed25519 -N '' -f "$T/fake"
printf '[%s]:%s %s\n' "$LAB_HOST_ADDR" "$LAB_SSH_PORT" "$(cut -d' ' -f1,2 "$T/fake.pub")" >"$T/kh-changed"
lab_config "$T/changed.toml" "s|^known_hosts = .*|known_hosts = \"$T/kh-changed\"|"
doctor -c "$T/changed.toml"
expect_rc 1 "changed host key"
expect_out_has "host key: ssh-ed25519 $fp does not match the key $T/kh-changed has for [$LAB_HOST_ADDR]:$LAB_SSH_PORT: refused"
expect_fix "only if the host was reinstalled: \`ssh-keygen -f $T/kh-changed -R '[$LAB_HOST_ADDR]:$LAB_SSH_PORT'\`, then run doctor again to add the new key"

# --- auth: a HOME whose only key the server does not know
home=$T/home
unauthorized_home "$home"
key=$(basename "$LAB_UNAUTHORIZED_KEY")
lab_config "$T/unauth.toml" "s|^identity_file = .*|identity_file = \"~/.ssh/$key\"|"
doctor_in "$home" -c "$T/unauth.toml"
expect_rc 1 "unauthorized key"
expect_out_has "auth: $LAB_USER@$LAB_HOST_ADDR:$LAB_SSH_PORT refused every key offered"
expect_out_has "tried: no agent (\$SSH_AUTH_SOCK unset), $home/.ssh/$key"
expect_fix "add $home/.ssh/$key.pub to ~$LAB_USER/.ssh/authorized_keys on the host"
expect_skip "login shell" auth

# --- sudo: a lab user sudo does not allow lxc-* (and one it asks a password of)
lab_config "$T/notallowed.toml" "s|^user = .*|user = \"$LAB_NOTALLOWED_USER\"|"
doctor -c "$T/notallowed.toml"
expect_rc 1 "sudo not allowed"
expect_out_has "sudo: $LAB_NOTALLOWED_USER cannot run lxc-* as root without a password: Sorry, user $LAB_NOTALLOWED_USER is not allowed"
expect_fix "on the host, add \`$LAB_NOTALLOWED_USER ALL=(root) NOPASSWD: /usr/bin/lxc-*\` with \`visudo -f /etc/sudoers.d/lxhost\`"
for c in lxc lxcpath; do expect_skip "$c" sudo; done
expect_skip "backing store" sudo
expect_status ok "login shell"

# A login shell that is not POSIX sh (the lab's lxhcsh logs in with tcsh): lxhost's command
# lines would be read by it, so everything after the shell check waits for it.
lab_config "$T/csh.toml" "s|^user = .*|user = \"$LAB_CSH_USER\"|"
doctor -c "$T/csh.toml"
expect_rc 1 "a login shell that is not POSIX"
expect_status ok auth
expect_out_has "login shell: /usr/bin/tcsh is not a POSIX sh: "
expect_fix "on the host, as root: chsh -s /bin/bash $LAB_CSH_USER"
expect_skip sudo "login shell"
for c in lxc lxcpath "backing store"; do expect_skip "$c" "login shell"; done

lab_config "$T/nopw.toml" "s|^user = .*|user = \"$LAB_NOPW_USER\"|"
doctor -c "$T/nopw.toml"
expect_rc 1 "sudo wants a password"
expect_out_has "sudo: $LAB_NOPW_USER cannot run lxc-* as root without a password: sudo: a password is required"
expect_fix "on the host, add \`$LAB_NOPW_USER ALL=(root) NOPASSWD: /usr/bin/lxc-*\` with \`visudo -f /etc/sudoers.d/lxhost\`"

# --- sudo: lxc-ls is not in sudo's secure_path (the lab's lxhnolxc: an empty directory). sudo
# then matches no NOPASSWD rule and says a password is required; doctor tells the two apart.
# (-H USER@ADDRESS picks the user as ssh would, the rest from the default host.)
capture "${LXD[@]}" doctor -H "$LAB_NOLXC_USER@$LAB_HOST_ADDR"
expect_rc 1 "lxc-ls not in sudo's secure_path"
expect_out_has "host $LAB_NOLXC_USER@$LAB_HOST_ADDR is $LAB_NOLXC_USER@$LAB_HOST_ADDR:$LAB_SSH_PORT, sudo -n"
expect_out_has "sudo: sudo finds no lxc-ls: /usr/bin is not in its secure_path (sudo: a password is required)"
expect_fix "on the host, add /usr/bin to secure_path in /etc/sudoers (with visudo)"
for c in lxc lxcpath "backing store"; do expect_skip "$c" sudo; done

# --- lxc: sudo's secure_path has lxc-ls, lxc-info and lxc-config only (the lab's lxhfewlxc)
lab_config "$T/fewlxc.toml" "s|^user = .*|user = \"$LAB_FEWLXC_USER\"|"
doctor -c "$T/fewlxc.toml"
expect_rc 1 "some lxc-* tools not in sudo's secure_path"
expect_status ok sudo
check "lxc: 3 tools found, in the secure_path's directory" \
  grep -qE "^FAIL +[0-9]+ ms  lxc: LXC [0-9.]+, 3 of [0-9]+ tools in $LAB_SUDO_PATHS/few \(as sudo -n finds them\); missing: lxc-" <<<"$OUT"
expect_out_has " (lxhost needs lxc-attach, lxc-start, lxc-stop, lxc-copy); /usr/bin has them, sudo's secure_path does not"
expect_fix "on the host, add /usr/bin to secure_path in /etc/sudoers (with visudo)"
for c in lxcpath "backing store"; do expect_skip "$c" lxc; done

# --- backing store: an lxcpath on overlayfs holding a container (lab fault lxcpath overlay): the
# snapshot clone doctor tries fails as lxc-copy -s would for the user, and leaves nothing behind.
OVL=$LXHOST_LAB_DIR/doctor-overlay-$$
"$LAB_TOOL" fault lxcpath overlay "$OVL" >/dev/null
FAULTS_UP+=("lxcpath clear $OVL")
lab_config "$T/overlay.toml" "s|^lxcpath = .*|lxcpath = \"$OVL\"|"
doctor -c "$T/overlay.toml"
expect_rc 1 "lxcpath on overlayfs"
expect_out_has "lxcpath: $OVL (lxcpath of [hosts.lab]): 1 container"
expect_out_has "backing store: $OVL is overlayfs; lxc-copy -s of base failed (exit 1): ovl_mount: "
expect_fix "move the lxcpath off overlayfs: set lxcpath in lxhost's config (and lxc.lxcpath in the host's lxc.conf) to a directory on ext4, xfs or btrfs instead of $OVL"
expect_line "1 failed, 0 skipped, 11 passed"
check "nothing but base is left in the overlay lxcpath" test "$(ls -A "$OVL")" = base

# An lxcpath on btrfs (lab fault lxcpath btrfs: a loop image, base made with -B btrfs): the
# snapshot clone is a btrfs snapshot, and is gone again.
BTR=$LXHOST_LAB_DIR/doctor-btrfs-$$
"$LAB_TOOL" fault lxcpath btrfs "$BTR" >/dev/null
FAULTS_UP+=("lxcpath clear $BTR")
lab_config "$T/btrfs.toml" "s|^lxcpath = .*|lxcpath = \"$BTR\"|"
doctor -c "$T/btrfs.toml"
expect_rc 0 "lxcpath on btrfs"
expect_out_has "backing store: $BTR is btrfs: lxc-copy -s of base made a snapshot (btrfs) in "
check "nothing but base is left in the btrfs lxcpath" test "$(ls -A "$BTR")" = base

# --- lxcpath: one that does not exist on the host
lab_config "$T/nolxcpath.toml" "s|^lxcpath = .*|lxcpath = \"/nonexistent-$$\"|"
doctor -c "$T/nolxcpath.toml"
expect_rc 1 "missing lxcpath"
expect_out_has "lxcpath: /nonexistent-$$ (lxcpath of [hosts.lab]) is not a directory on the host"
expect_fix "set lxcpath in [hosts.lab] to the host's lxcpath (\`lxc-config lxc.lxcpath\` on the host prints the default), or create /nonexistent-$$ there"
expect_skip "backing store" lxcpath
expect_status ok lxc

# --- cache: XDG_CACHE_HOME is a file, so the cache directory cannot be made
: >"$T/not-a-dir"
capture "$LAB_TOOL" exec laptop env XDG_RUNTIME_DIR="$T/run" XDG_CACHE_HOME="$T/not-a-dir" "$LXHOST_BIN" doctor
expect_rc 1 "unusable cache directory"
expect_out_has "cache: $T/not-a-dir/lxhost: cannot be created: Not a directory"
expect_fix "$T/not-a-dir is not a directory: remove it, or set XDG_CACHE_HOME to a directory of yours"
expect_status ok "backing store"
expect_line "1 failed, 0 skipped, 11 passed"

# --- mux dir: others may write in it
mkdir -p "$T/run777/lxhost"
chmod 777 "$T/run777/lxhost"
capture "$LAB_TOOL" exec laptop env XDG_RUNTIME_DIR="$T/run777" XDG_CACHE_HOME="$T/cache" "$LXHOST_BIN" doctor
expect_rc 1 "mux directory open to others"
expect_out_has "mux dir: $T/run777/lxhost: mode 0777 lets others in; the mux needs 0700"
expect_fix "check what is in it, then chmod 700 $T/run777/lxhost"
check "doctor did not change the directory's mode" test "$(stat -c %a "$T/run777/lxhost")" = 777
finish
