#!/usr/bin/env bash
# Which way `lxhost proxy` (ssh's ProxyCommand) takes for a name its host's completion cache lists
# as a container, and how long it waits: the real OpenSSH client in the laptop namespace, the
# lab's sshd1 (announced as sshd1.local by its own avahi-daemon) and sshd2 (announced by nobody),
# both containers of the lab's host. The route is read from proxy's -v debug lines.
. "$(dirname "$0")/lib.sh"

ssh_home "$T/home"
# mDNS may take 5 s for a name here: a proxy that waited for it could not end in time.
printf '\n[discovery]\nresolve_timeout_ms = 5000\n' >>"$H/.config/lxhost/config.toml"
capture in_home "$LXHOST_BIN" ssh-config --install
expect_rc 0 "ssh-config --install"
capture in_home "$LXHOST_BIN" ls -1  # starts the host's mux master: the timings below are warm
expect_rc 0 "ls -1 (the mux master)"
capture in_home "$LXHOST_BIN" __refresh-cache
expect_rc 0 "__refresh-cache"
CACHE=$H/.cache/lxhost/containers-lab.tsv
# __refresh-cache leaves the cache to a refresh that holds its lock (the master's watch lists the
# containers as it starts) and returns at once: the file comes when that listing ends.
check "the completion cache lists sshd1 and sshd2" \
  wait_for 10 eval 'grep -qs "^sshd1	RUNNING$" "$CACHE" && grep -qs "^sshd2	RUNNING$" "$CACHE"'

# --- sshd2: cached, nobody announces it. Through the host, without waiting for mDNS's 5 s.
capture ssh_to sshd2.local hostname
expect_rc 0 "ssh sshd2.local hostname"
expect_out sshd2 "ssh sshd2.local hostname"
check "... it did not wait for mDNS ($MS ms, resolve_timeout_ms is 5000)" test "$MS" -lt 5000
capture in_home "$LXHOST_BIN" -v proxy sshd2.local 22
expect_rc 0 "proxy -v sshd2.local 22 with stdin at EOF"
check "it printed sshd2's identification line" eval 'contains "$OUT" SSH-2.0-OpenSSH'
expect_err_has "proxy: sshd2.local is a container of lab (the completion cache): asking it and mDNS at once"
expect_err_has "proxy: sshd2.local port 22 through lab ($LAB_SSHD2_ADDR)"
check "... and the proxy ended without waiting for mDNS ($MS ms, resolve_timeout_ms is 5000)" test "$MS" -lt 5000

# --- sshd1: cached and announced. Both ways are right for a container of the host; whichever
# answered first (mDNS, or the host's lxc-info) is taken.
capture in_home "$LXHOST_BIN" -v proxy sshd1.local 22
expect_rc 0 "proxy -v sshd1.local 22 with stdin at EOF"
check "it printed sshd1's identification line" eval 'contains "$OUT" SSH-2.0-OpenSSH'
expect_err_has "proxy: sshd1.local is a container of lab (the completion cache): asking it and mDNS at once"
check "... directly or through the host" eval 'contains "$ERR" "port 22 directly" || contains "$ERR" "port 22 through lab ($LAB_SSHD1_ADDR)"'
capture ssh_to sshd1.local hostname
expect_out sshd1 "ssh sshd1.local hostname"

# --- a name the cache does not list: mDNS first, as before, within 3x its bound (the lab's
# config: resolve_timeout_ms 1000) and the host's lxc-info after it.
UNKNOWN=nosuch-$$
capture in_home "$LXHOST_BIN" -v -c "$LAB_CONFIG" proxy "$UNKNOWN.local" 22
expect_rc 255 "proxy to a name that is no container"
expect_err_has "proxy: $UNKNOWN.local is not reachable directly, and lxc-info on $LAB_HOST_ADDR failed (exit 1): $UNKNOWN doesn't exist"
check "... not raced: the cache does not list it" eval '! contains "$ERR" "(the completion cache)"'
check "... within 3x its bound ($MS ms, at most $((SLOW * 3000)))" test "$MS" -le $((SLOW * 3000))

# --- a name the cache lists that the host no longer has (a stale cache): mDNS decides, within
# 3x its bound, and the host's reason is the error.
printf 'gone-%s\tRUNNING\n' "$$" >>"$CACHE"
capture in_home "$LXHOST_BIN" -c "$LAB_CONFIG" proxy "gone-$$.local" 22
expect_rc 255 "proxy to a cached name the host does not have"
expect_err_has "proxy: gone-$$.local is not reachable directly, and lxc-info on $LAB_HOST_ADDR failed (exit 1): gone-$$ doesn't exist"
check "... within 3x mDNS's bound ($MS ms, at most $((SLOW * 3000)))" test "$MS" -le $((SLOW * 3000))

finish
