#!/usr/bin/env bash
# `ssh NAME.local` with several configured hosts: the real OpenSSH client through lxhost's
# snippet, whose ProxyCommand (`lxhost proxy`) finds the host that has NAME. The default host
# "mine" is the lab's host with an lxcpath of this suite's own; "lab" is the lab's lxcpath, whose
# sshd2 (running sshd, announced by no mDNS) only it has at first: `ssh sshd2.local` reaches it.
# Once mine has an sshd2 too (stopped), the name is the default host's, which says its container
# has no address; `ssh lab--sshd2.local` still reaches lab's. A name no cache lists is asked of
# every host at once.
. "$(dirname "$0")/lib.sh"

MINE=$T/mine
mkdir "$MINE"
at_exit 'lxc-destroy -P "$MINE" -n sshd2 -f >/dev/null 2>&1'
ssh_home "$T/home"
CONFIG=$H/.config/lxhost/config.toml
{
  echo
  sed -n '/^\[hosts\.lab\]/,$p' "$LAB_CONFIG" | sed -e '1s/.*/[hosts.mine]/' -e "s|^lxcpath = .*|lxcpath = \"$MINE\"|"
} >>"$CONFIG"
sed -i 's/^default_host = .*/default_host = "mine"/' "$CONFIG"
# What a user accepts on the first `ssh lab--sshd2.local`: the name is one of its own for ssh.
sed -n 's/^sshd2\.local /lab--sshd2.local /p' "$H/.ssh/known_hosts" >>"$H/.ssh/known_hosts"
capture in_home "$LXHOST_BIN" ssh-config --install
expect_rc 0 "ssh-config --install"

MINE_CACHE=$H/.cache/lxhost/containers-mine.tsv LAB_CACHE=$H/.cache/lxhost/containers-lab.tsv
# refreshed HOST FILE [PATTERN]: HOST's cache (refreshed now) is there, with a line matching PATTERN.
refreshed() {
  in_home "$LXHOST_BIN" -H "$1" __refresh-cache >/dev/null 2>&1
  if [ -z "${3-}" ]; then test -f "$2"; else grep -qs "$3" "$2"; fi
}
check "mine's cache is written" wait_for 10 refreshed mine "$MINE_CACHE"
check "... it does not list sshd2" eval '! grep -q "^sshd2	" "$MINE_CACHE"'
check "lab's cache lists sshd2" wait_for 10 refreshed lab "$LAB_CACHE" '^sshd2	RUNNING$'

# --- only the second host has it
capture ssh_to sshd2.local hostname
expect_rc 0 "ssh sshd2.local hostname (only lab has sshd2)"
expect_out sshd2 "ssh sshd2.local hostname"
capture in_home "$LXHOST_BIN" -v proxy sshd2.local 22
expect_rc 0 "proxy -v sshd2.local 22"
expect_err_has "proxy: sshd2.local is a container of lab (the completion cache)"
expect_err_has "proxy: sshd2.local port 22 through lab ($LAB_SSHD2_ADDR)"

# --- a name no cache lists: mDNS first, then every host at once, the one that has it wins.
sed -i '/^sshd2	/d' "$LAB_CACHE"
capture in_home "$LXHOST_BIN" -v proxy sshd2.local 22
expect_rc 0 "proxy -v sshd2.local 22, no cache listing it"
expect_err_has "proxy: no cache lists sshd2.local: asking 2 hosts at once"
expect_err_has "proxy: sshd2.local port 22 through lab ($LAB_SSHD2_ADDR)"
UNKNOWN=nosuch-$$
capture in_home "$LXHOST_BIN" proxy "$UNKNOWN.local" 22
expect_rc 255 "proxy to a name no host has"
expect_err_has "no configured host has an address for it: mine: "
expect_err_has "; lab: "
check "... one line" eval '[ "$(grep -c . <<<"$ERR")" = 1 ]'

# --- both hosts have it: the default host's
lxc-copy -P "$LAB_LXCPATH" -n base -N sshd2 -p "$MINE" >/dev/null
check "mine's cache lists its (stopped) sshd2" wait_for 10 refreshed mine "$MINE_CACHE" '^sshd2	STOPPED$'
check "lab's cache lists sshd2 again" wait_for 10 refreshed lab "$LAB_CACHE" '^sshd2	RUNNING$'
capture in_home "$LXHOST_BIN" -v proxy sshd2.local 22
expect_rc 255 "proxy sshd2.local 22 with sshd2 on both hosts: the default host's, which is stopped"
expect_err_has "proxy: sshd2.local is a container of mine (the completion cache)"
expect_err_has "container 'sshd2' on mine has no address (is it running?)"
capture ssh_to lab--sshd2.local hostname
expect_rc 0 "ssh lab--sshd2.local hostname"
expect_out sshd2 "ssh lab--sshd2.local hostname"
capture in_home "$LXHOST_BIN" -v proxy lab--sshd2.local 22
expect_rc 0 "proxy -v lab--sshd2.local 22"
expect_err_has "proxy: lab--sshd2.local is sshd2.local of lab"
capture in_home "$LXHOST_BIN" -v proxy mine--sshd2.local 22
expect_rc 255 "proxy mine--sshd2.local 22 (stopped)"
expect_err_has "container 'sshd2' on mine has no address (is it running?)"

in_home "$LXHOST_BIN" mux stop --all >/dev/null 2>&1 || true
finish
