# `lxhost publish` on the laptop node: a container started with plain lxc-start on the host gets a
# NAME.local that a peer (the lab's `pub` node, its own avahi-daemon) resolves to the container's
# address, and loses it within 2 s of stopping; web.local, which web's own avahi-daemon announces,
# is left to it; a container name that is no DNS label is skipped with one line; the laptop's
# avahi-daemon restarted: the names come back; the master killed: publish follows a new one;
# SIGTERM: every name withdrawn, exit 0. The containers it makes have addresses of their own on
# the lab's bridge; sshd1 and sshd2 are left out (other suites read their mDNS names).
source "$(dirname "$0")/lib.sh"

lab_config "$T/pub.toml"
printf '\n[completion]\ncache_ttl_s = 3600\n\n[publish]\nexclude = ["sshd1", "sshd2"]\n' >>"$T/pub.toml"
LXP=("$LAB_TOOL" exec laptop env XDG_RUNTIME_DIR="$T/run" XDG_CACHE_HOME="$T/cache" "$LXHOST_BIN" -c "$T/pub.toml")
PUB_LOG=$T/publish.err

# a_container VAR PREFIX ADDRESS: a copy of base (stopped) on the lab's bridge with ADDRESS, and a
# MAC of its own that stays the same from run to run: with a new one each run, the laptop's and
# the host's neighbour entries for ADDRESS would be stale for seconds, and connections time out.
a_container() {
  new_name "$1" "$2"
  host_lxc copy -n base -N "${!1}" -s >/dev/null
  sed -i '/^lxc\.net\./d' "$LAB_LXCPATH/${!1}/config"
  printf 'lxc.net.0.%s\n' "type = veth" "link = $LAB_BRIDGE" "flags = up" "name = lab0" "ipv4.address = $3/24" \
    "hwaddr = $(printf '00:16:3e:cb:00:%02x' "${3##*.}")" >>"$LAB_LXCPATH/${!1}/config"
}
# resolves NAME ADDRESS_RE: the pub node resolves NAME.local to an address ADDRESS_RE matches
# (Avahi's own tool, the pub node's daemon).
resolves() { "$LAB_TOOL" exec pub avahi-resolve -4 -n "$1.local" 2>/dev/null | grep -P "^\Q$1.local\E\t$2$" >/dev/null; }
# said N TEXT: publish's stderr has at least N lines with TEXT.
said() { [ "$(grep -cF -- "$2" "$PUB_LOG" || true)" -ge "$1" ]; }
ms_until_late() {
  "${LXP[@]}" mux status 2>&1 | sed 's/^/     /'
  watch_state
}
# gone_by NAME T0: at T0 (EPOCHREALTIME) + 2 s, the pub node no longer resolves NAME.local (it
# asks the network: nobody answers, and its cache dropped the name on the goodbye).
gone_by() {
  local left=$((${2/./} + 2000000 - ${EPOCHREALTIME/./}))
  [ "$left" -le 0 ] || sleep "$((left / 1000000)).$(printf '%06d' $((left % 1000000)))"
  local answer
  answer=$("$LAB_TOOL" exec pub avahi-resolve -4 -n "$1.local" 2>/dev/null) || true
  [ -n "$answer" ] || return 0  # avahi-resolve exits 0 when it found nothing: its stdout tells
  printf '     %s still resolves %s s after: %s\n' "$1.local" "$(((${EPOCHREALTIME/./} - ${2/./}) / 1000))" "$answer"
  return 1
}

a_container one pub 10.203.0.50
a_container two pub 10.203.0.51
a_container bad pub_x 10.203.0.52  # "pub_x-PID-N": LXC takes it, DNS does not

capture "${LXP[@]}" publish -H nosuch
expect_rc 2 "publish -H a host the config does not have"
expect_err_has "no host 'nosuch'"
# --install here, where no user service manager runs: the unit is written, the failure says what
# to run later, exit 1; --uninstall removes it; --dry-run changes nothing.
mkdir -p "$T/home"
UNIT=$T/home/.config/systemd/user/lxhost-publish.service
capture env HOME="$T/home" "$LXHOST_BIN" -c "$T/pub.toml" publish --install --dry-run -H lab
expect_rc 0 "publish --install --dry-run"
check "... prints the unit, running this lxhost with its config" \
  eval 'grep -qxF "ExecStart=$LXHOST_BIN -c $T/pub.toml publish -H lab" "$T/out"'
check "... and writes nothing" test ! -e "$UNIT"
capture env HOME="$T/home" XDG_RUNTIME_DIR="$T/no-manager" "$LXHOST_BIN" -c "$T/pub.toml" publish --install
expect_rc 1 "publish --install with no user service manager running"
check "... wrote the unit" test -s "$UNIT"
expect_err_has "once your service manager runs: systemctl --user daemon-reload && systemctl --user enable --now lxhost-publish.service"
capture env HOME="$T/home" XDG_RUNTIME_DIR="$T/no-manager" "$LXHOST_BIN" -c "$T/pub.toml" publish --uninstall
check "publish --uninstall removes the unit" test ! -e "$UNIT"

cp "$T/pub.toml" "$T/nowatch.toml"
printf '\n[mux]\nwatch = false\n' >>"$T/nowatch.toml"
capture "$LAB_TOOL" exec laptop env XDG_RUNTIME_DIR="$T/run" "$LXHOST_BIN" -c "$T/nowatch.toml" publish
expect_rc 2 "publish with [mux] watch = false"
expect_err_has "[mux] watch is false"

"${LXP[@]}" publish </dev/null >"$T/publish.out" 2>"$PUB_LOG" &
PUB=$!
# Whatever ends the suite ends this publish too: left running, it would go on publishing the names
# of containers other runs make.
at_exit 'kill -TERM "$PUB" 2>/dev/null'
ms_until 10000 "publish follows the host (its first listing)" said 1 "web.local (lab: web) is announced by another responder: left to it"
WEB_ADDRS='10\.203\.0\.1[01]'  # web has two IPv4 addresses: either answers
check "web.local still resolves to web's own address (web's avahi-daemon)" resolves web "$WEB_ADDRS"

# A container started on the host gets its name after waits that are part of the design: the
# master's watch (up to 1 s), the hold for the container's own avahi-daemon (3 s), the check that
# nobody answers for the name (1.25 s) and Avahi's probing (3 x 250 ms), about 6 s in all. CI's
# 2-core machine took up to 7.6 s; NEW_NAME_MS leaves room for that, and a name that never comes
# still fails.
NEW_NAME_MS=10000
host_lxc start -n "$one"
ms_until "$NEW_NAME_MS" "started on the host (held back 3 s for its own avahi-daemon): one.local published" said 1 "published $one.local (lab: $one): 10.203.0.50"
check "... not before 3 s: a daemon of its own would claim the name first (${MS_TAKEN} ms)" test "$MS_TAKEN" -ge 3000
check "... and the pub node resolves it to its address" resolves "$one" 10\\.203\\.0\\.50
check "... and published.tsv has it (list's shortcut)" grep -q "^$one.local	10.203.0.50	lab	$one$" "$T/cache/lxhost/published.tsv"
capture "${LXP[@]}" list
expect_rc 0 "list while publish runs"
check "... shows $one.local for $one without waiting" eval 'grep -E "^$one +RUNNING +10\.203\.0\.50 .*$one\.local" "$T/out"'

# ssh's ProxyCommand for a published name connects to its address directly, without asking anyone.
# httpd in the foreground (-f), its lxc-attach in the background: it ends when the container stops.
host_lxc attach -n "$one" -- httpd -f -p 8080 -h /etc </dev/null >/dev/null 2>&1 &
listening() { timeout 1 bash -c 'exec 3<>/dev/tcp/10.203.0.50/8080' 2>/dev/null; }
check "httpd listens in $one" wait_for 5 listening
printf 'GET /hostname HTTP/1.0\r\n\r\n' >"$T/get"
STDIN_FILE=$T/get capture "${LXP[@]}" -v proxy "$one.local" 8080
expect_rc 0 "proxy $one.local 8080 (busybox httpd in the container)"
expect_out_has "HTTP/1.1 "
expect_err_has "proxy: $one.local is published by lxhost publish: directly first"
expect_err_has "proxy: $one.local port 8080 directly"
[ "$FAILURES" = 0 ] || printf '%s\n' "$ERR"

host_lxc start -n "$bad"
ms_until "$NEW_NAME_MS" "a name that is no DNS label: one line" said 1 "not published: lab: $bad: not a DNS label ($bad.local)"

# A connection the host cannot make yet does not hold up the master: $bad's interface down, its
# address stays listed, and the host's connect to it waits for ARP (about 3 s) while another
# command goes through the same master.
host_lxc attach -n "$bad" -- ip link set lab0 down
start_bg --as stuck -c "$T/pub.toml" proxy --via-host "$bad.local" 22
sleep 0.3
capture "${LXP[@]}" ls -1
expect_rc 0 "ls -1 through the master while it waits for the host's connect"
check "... in under $SLOW s ($MS ms)" test "$MS" -lt $((SLOW * 1000))
wait_bg stuck
expect_rc 255 "the connection the host could not make: exit 255"
expect_err_has "cannot open a connection to 10.203.0.52 port 22"

T0=$EPOCHREALTIME
host_lxc stop -n "$one" -k
check "stopped on the host: the pub node stops resolving it within 2 s" gone_by "$one" "$T0"
check "... and publish said it withdrew it" said 1 "withdrew $one.local"

host_lxc start -n "$one"
ms_until "$NEW_NAME_MS" "started again: published again" said 2 "published $one.local"
"$LAB_TOOL" mdns restart laptop >/dev/null
ms_until 5000 "the laptop's avahi-daemon restarted: published once more" said 3 "published $one.local"
check "... and the pub node resolves it" resolves "$one" 10\\.203\\.0\\.50

# The master killed: publish follows a new one, which sees a container started after it.
MASTER=$(master_pid "${LXP[@]}")
check "a master serves publish" test -n "$MASTER"
[ -z "$MASTER" ] || kill -KILL "$MASTER"
host_lxc start -n "$two"
ms_until $((NEW_NAME_MS + 2000)) "the master killed, $two started: published through a new master" said 1 "published $two.local"
check "... the pub node resolves $two.local" resolves "$two" 10\\.203\\.0\\.51
check "... a new master serves it" eval 'NEW=$(master_pid "${LXP[@]}"); [ -n "$NEW" ] && [ "$NEW" != "$MASTER" ]'

capture "${LXP[@]}" publish
expect_rc 1 "a second publish of the same user"
expect_err_has "another \`lxhost publish\` of this user is running"

T0=$EPOCHREALTIME
kill -TERM "$PUB"
set +e
wait "$PUB"
RC=$?
set -e
expect_rc 0 "SIGTERM: publish exits 0"
check "... and the pub node resolves neither name 2 s later" eval 'gone_by "$one" "$T0" && gone_by "$two" "$T0"'
check "... published.tsv is gone" test ! -e "$T/cache/lxhost/published.tsv"
check "... and web.local is still web's" resolves web "$WEB_ADDRS"
"${LXP[@]}" mux stop >/dev/null 2>&1 || true
if [ "$FAILURES" -gt 0 ]; then
  echo "publish's stderr:"
  sed 's/^/     /' "$PUB_LOG"
fi
finish
