#!/usr/bin/env bash
# `ssh NAME.local` with nothing but what `lxhost ssh-config --install` wrote: the real OpenSSH
# client in the laptop namespace, the lab's containers sshd1 (announced as sshd1.local by its own
# avahi-daemon) and sshd2 (not announced), each running a real sshd on br1.
. "$(dirname "$0")/lib.sh"

# A home of the suite's own (ssh_home), where in_home and ssh_to run OpenSSH as a user's would.
ssh_home "$T/home"

# last_peer CONTAINER: the address the container's sshd saw the last connection come from.
last_peer() {
  sed -n 's/^Connection from \([0-9.]*\) port .*/\1/p' "$LAB_LXCPATH/$1/rootfs/var/log/sshd.log" | tail -1
}

# The user's own ~/.ssh/config: CRLF line ends, a global option before any Host, a Match block,
# an Include of theirs, no final newline.
USER_CONFIG=$'# mine\r\nCompression yes\r\nHost build\r\n    HostName 192.0.2.7\r\nMatch exec "false"\r\n    User nobody\r\nInclude ~/.ssh/mine.d/*\r\nHost *\r\n    ServerAliveInterval 15'
printf '%s' "$USER_CONFIG" >"$H/.ssh/config"
chmod 640 "$H/.ssh/config"

# --- install
capture in_home "$LXHOST_BIN" ssh-config --install
expect_rc 0 "ssh-config --install"
check "the snippet is written, 0600" test "$(stat -c %a "$H/.ssh/config.d/lxhost.conf")" = 600
check "~/.ssh/config starts with the Include line" \
  test "$(head -1 "$H/.ssh/config")" = $'Include ~/.ssh/config.d/lxhost.conf\r'
check "~/.ssh/config: the user's bytes follow it unchanged" \
  test "$(tail -c +38 "$H/.ssh/config" | od -An -tx1)" = "$(printf '%s' "$USER_CONFIG" | od -An -tx1)"
check "~/.ssh/config keeps its mode 640" test "$(stat -c %a "$H/.ssh/config")" = 640
check "the original is saved as ~/.ssh/config.lxhost-backup" \
  test "$(od -An -tx1 "$H/.ssh/config.lxhost-backup")" = "$(printf '%s' "$USER_CONFIG" | od -An -tx1)"
check "~/.ssh stays 0700" test "$(stat -c %a "$H/.ssh")" = 700
SNIPPET=$(cat "$H/.ssh/config.d/lxhost.conf")
check "the snippet's *.local block leaves the container host alone, and has the ProxyCommand" \
  eval 'contains "$SNIPPET" "Host *.local" && contains "$SNIPPET" "ProxyCommand $LXHOST_BIN proxy %h %p"'
BEFORE=$(od -An -tx1 "$H/.ssh/config")
capture in_home "$LXHOST_BIN" ssh-config --install
expect_rc 0 "a second install"
check "a second install changes nothing in ~/.ssh/config" test "$(od -An -tx1 "$H/.ssh/config")" = "$BEFORE"
check "exactly one Include line" test "$(grep -c 'config.d/lxhost.conf' "$H/.ssh/config")" = 1

# The user's settings still hold for their hosts: the snippet's Host blocks end with it.
capture in_home ssh -G build
check "ssh -G build: the user's HostName, global option and Host * option still apply" \
  eval 'contains "$OUT" "hostname 192.0.2.7" && contains "$OUT" "compression yes" && contains "$OUT" "serveraliveinterval 15"'
capture in_home ssh -G sshd2.local
check "ssh -G sshd2.local: the snippet's user and ProxyCommand" \
  eval 'contains "$OUT" "user $LAB_CONTAINER_USER" && contains "$OUT" "proxycommand $LXHOST_BIN proxy %h %p"'

# --- (a) sshd1.local announced and routable: directly from the laptop. (This home has no
# completion cache, so every name is asked of mDNS first; proxy_route covers cached names.)
capture ssh_to sshd1.local hostname
expect_rc 0 "ssh sshd1.local hostname"
expect_out sshd1 "ssh sshd1.local hostname"
check "sshd1.local was reached directly (its sshd saw the laptop, $(last_peer sshd1))" \
  test "$(last_peer sshd1)" = 10.203.0.2
check "sshd1's sshd logged the login as user ubuntu, from the [ssh_config] default" \
  grep -q "Accepted publickey for $LAB_CONTAINER_USER from 10.203.0.2" "$LAB_LXCPATH/sshd1/rootfs/var/log/sshd.log"

# --- (b) sshd2.local not announced: through lxhost proxy and the container host.
capture ssh_to sshd2.local hostname
expect_rc 0 "ssh sshd2.local hostname (not announced)"
expect_out sshd2 "ssh sshd2.local hostname"
check "sshd2.local was reached through the container host (its sshd saw $(last_peer sshd2))" \
  test "$(last_peer sshd2)" = "$LAB_HOST_ADDR"
capture in_home "$LXHOST_BIN" mux status
check "... over the host's mux master (proxy kept it: mux status lists it)" eval 'contains "$OUT" "lab (lxhtest@"'

# --- (b) sshd2.local announced but not routable: an avahi-daemon on the lab's pub node answers
# for it with an address nobody has; the direct attempt ends at its bound, then the host.
"$LAB_TOOL" exec pub avahi-publish -a -R sshd2.local 10.203.0.99 >"$T/publish.log" 2>&1 &
PUBLISHER=$!
announced() { [ "$(in_home "$LXHOST_BIN" resolve -4 sshd2.local 2>/dev/null)" = 10.203.0.99 ]; }
check "sshd2.local is now announced as 10.203.0.99" \
  eval 'for i in $(seq 50); do announced && break; sleep 0.2; done; announced'
capture ssh_to sshd2.local hostname
expect_rc 0 "ssh sshd2.local hostname (announced, not routable)"
expect_out sshd2 "ssh sshd2.local hostname (announced, not routable)"
check "... through the container host (its sshd saw $(last_peer sshd2))" test "$(last_peer sshd2)" = "$LAB_HOST_ADDR"
# The direct attempt waits 1000 ms for the connection; a test allows 3x (plus the mDNS lookup's).
check "... within 3x its bounds ($MS ms, at most $((SLOW * 6000)))" test "$MS" -le $((SLOW * 6000))
kill "$PUBLISHER" 2>/dev/null || true
wait "$PUBLISHER" 2>/dev/null || true

# --- scp of 10 MB through the proxy and the container host, both ways, checksummed.
head -c 10485760 /dev/urandom >"$T/big.bin"
SUM=$(sha256sum <"$T/big.bin")
capture in_home timeout 120 scp -q "$T/big.bin" sshd2.local:big.bin
expect_rc 0 "scp 10 MB to sshd2.local"
check "it arrived intact" test "$(sha256sum <"$LAB_LXCPATH/sshd2/rootfs/home/$LAB_CONTAINER_USER/big.bin")" = "$SUM"
capture in_home timeout 120 scp -q sshd2.local:big.bin "$T/back.bin"
expect_rc 0 "scp 10 MB back from sshd2.local"
check "it came back intact" test "$(sha256sum <"$T/back.bin")" = "$SUM"
rm -f "$LAB_LXCPATH/sshd2/rootfs/home/$LAB_CONTAINER_USER/big.bin"
# stdin through ssh and the proxy, EOF included: the remote side counts what it got.
STDIN_FILE=$T/big.bin capture ssh_to sshd2.local wc -c
expect_out 10485760 "10 MB on ssh's stdin through the proxy, counted by wc -c in sshd2"

# --- lxhost proxy by itself: EOF on stdin is passed on, and the server's EOF ends it.
capture in_home "$LXHOST_BIN" proxy sshd1.local 22
expect_rc 0 "proxy sshd1.local 22 with stdin at EOF"
check "it printed sshd1's identification line" eval 'contains "$OUT" SSH-2.0-OpenSSH'
capture in_home "$LXHOST_BIN" proxy --via-host sshd1.local 22
expect_rc 0 "proxy --via-host sshd1.local 22 with stdin at EOF"
check "through the host: sshd1's identification line" eval 'contains "$OUT" SSH-2.0-OpenSSH'

# --- a proxy killed mid-connection (ssh went away first): the master closes that channel and
# lives on (it once freed the channel's state while libssh still had the channel: the far end's
# close then crashed the master under ASan); the next command goes through the same master.
MASTER=$(master_pid in_home "$LXHOST_BIN")
mkfifo "$T/proxy.in"
# shellcheck disable=SC2016 # expanded by that sh: it becomes the proxy, so its PID is the proxy's
in_home sh -c 'echo $$ >"$0" && exec "$@"' "$T/proxy.pid" "$LXHOST_BIN" proxy --via-host sshd1.local 22 \
  <"$T/proxy.in" >"$T/proxy.out" 2>&1 &
PROXY_JOB=$!
exec 8>"$T/proxy.in"  # its stdin stays open: the connection stays up
check "a proxy through the host's master ($MASTER) got sshd1's identification line" \
  eval 'for i in $(seq 100); do grep -q SSH-2.0-OpenSSH "$T/proxy.out" && break; sleep 0.1; done; grep -q SSH-2.0-OpenSSH "$T/proxy.out"'
kill -9 "$(cat "$T/proxy.pid")"
exec 8>&-
wait "$PROXY_JOB" 2>/dev/null || true
sleep 1  # sshd1 closes its end of the channel meanwhile
check "after the proxy was killed, the master ($MASTER) is still running" eval '[ -n "$MASTER" ] && kill -0 "$MASTER"'
capture in_home "$LXHOST_BIN" ls -1
expect_rc 0 "the next command"
check "... went through the same master" test "$(master_pid in_home "$LXHOST_BIN")" = "$MASTER"

# --- a stopped container: ssh fails, with the proxy's reason, within the bound.
new_name STOPPED sshstop
host_lxc copy -n base -N "$STOPPED" -s
capture ssh_to "$STOPPED.local" hostname
expect_rc 255 "ssh to a stopped container"
expect_err_has "container '$STOPPED' on lab has no address (is it running?)"
# mDNS resolve_timeout_ms (1000) and the host's connect_timeout_ms (3000): 3x is 12 s.
check "it failed within 3x its bounds ($MS ms, at most 12000)" test "$MS" -le 12000
capture in_home "$LXHOST_BIN" proxy "$STOPPED.local" 22
expect_rc 255 "proxy to a stopped container"
expect_out "" "proxy to a stopped container: stdout (ssh's connection)"
expect_err_lines 1
capture in_home "$LXHOST_BIN" proxy "nosuch-$$.local" 22
expect_rc 255 "proxy to a container that does not exist"
expect_err_has "proxy: nosuch-$$.local is not reachable directly, and lxc-info on $LAB_HOST_ADDR failed (exit 1): nosuch-$$ doesn't exist"
capture in_home "$LXHOST_BIN" proxy sshd1.local 0
expect_rc 2 "proxy with port 0"

# --- via_host: "always" reaches even sshd1 through the host; "never" writes no ProxyCommand.
cp "$H/.config/lxhost/config.toml" "$T/always.toml"
printf '\n[ssh_config]\nvia_host = "always"\n' >>"$T/always.toml"
in_home "$LXHOST_BIN" -c "$T/always.toml" ssh-config >"$T/always.conf"
check "via_host = always: ProxyCommand with --via-host" grep -q "proxy --via-host %h %p" "$T/always.conf"
capture ssh_to -F "$T/always.conf" sshd1.local hostname
expect_out sshd1 "via_host = always: ssh sshd1.local"
check "... through the container host (sshd1's sshd saw $(last_peer sshd1))" test "$(last_peer sshd1)" = "$LAB_HOST_ADDR"
cp "$H/.config/lxhost/config.toml" "$T/never.toml"
printf '\n[ssh_config]\nvia_host = "never"\n' >>"$T/never.toml"
in_home "$LXHOST_BIN" -c "$T/never.toml" ssh-config >"$T/never.conf"
check "via_host = never: no ProxyCommand" eval '! grep -q ProxyCommand "$T/never.conf"'
capture ssh_to -F "$T/never.conf" sshd1.local hostname
expect_out sshd1 "via_host = never: ssh sshd1.local (OpenSSH resolves it through nss-mdns)"

# --- refused: a value that would inject a line; nothing is written.
cp "$H/.config/lxhost/config.toml" "$T/evil.toml"
printf '\n[ssh_config]\nuser = "ubuntu\\nProxyCommand evil"\n' >>"$T/evil.toml"
capture in_home "$LXHOST_BIN" -c "$T/evil.toml" ssh-config --install
expect_rc 2 "a user with a line break in it"
expect_err_lines 2
expect_err_has "control character"
check "... and the installed snippet is unchanged" test "$(cat "$H/.ssh/config.d/lxhost.conf")" = "$SNIPPET"

# --- uninstall: the user's bytes exactly as before.
capture in_home "$LXHOST_BIN" ssh-config --uninstall
expect_rc 0 "ssh-config --uninstall"
check "~/.ssh/config holds the user's bytes exactly" \
  test "$(od -An -tx1 "$H/.ssh/config")" = "$(printf '%s' "$USER_CONFIG" | od -An -tx1)"
check "... and its mode 640" test "$(stat -c %a "$H/.ssh/config")" = 640
check "the snippet is gone" test ! -e "$H/.ssh/config.d/lxhost.conf"
capture ssh_to -o BatchMode=yes -o ConnectTimeout=3 sshd2.local hostname
check "without the snippet, ssh sshd2.local no longer works (rc $RC)" test "$RC" = 255

finish
