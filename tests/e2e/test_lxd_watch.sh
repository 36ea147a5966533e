# While a mux master serves an LXD host, it watches LXD's lifecycle events, every cluster member's:
# an instance created, started, stopped or deleted with LXD's own client (not through lxhost), on
# a member other than the one whose socket the master uses, is offered correctly by completion
# within 1 s, though cache_ttl_s = 3600 says the cache is fresh for an hour. A stopped master leaves
# no LXD monitor on the host. With `[mux] watch = false` nothing
# watches: an instance created then is not offered (the control).
source "$(dirname "$0")/lib.sh"

lxd_suite
printf '\n[completion]\ncache_ttl_s = 3600\n' >>"$T/lxd.toml"
# offered [--state S]: the names a TAB offers now, one line each.
offered() { lxd_lx __complete containers "$@" 2>/dev/null; }
listed() { offered | grep -qx "$1"; }
not_listed() { ! offered | grep -qx "$1"; }
running() { offered --state running | grep -qx "$1"; }
stopped() { offered --state stopped | grep -qx "$1"; }
# monitors: the PIDs of LXD monitors the lab user runs on the host, one a line, but those that ran
# before this suite's first master (another suite's master may watch the cluster still).
monitors() { comm -23 <(pgrep -u "$LAB_USER" -f -- '^lxc monitor --type=lifecycle' | sort) <(sort <<<"$BEFORE"); }
BEFORE=$(pgrep -u "$LAB_USER" -f -- '^lxc monitor --type=lifecycle' || true)
ms_until_late() {
  lxd_lx mux status 2>&1 | sed 's/^/     /'
  ps -u "$LAB_USER" -o pid,ppid,pgid,etimes,args | grep -E 'lxc monitor|PID' | cut -c1-120 | sed 's/^/     /'
  local p
  for p in $(monitors); do echo "     $p's parents: $(ps -o ppid=,args= -p "$(ps -o ppid= -p "$p")" | cut -c1-80)"; done
}

capture lxd_lx ls -1
expect_rc 0 "ls -1 starts the master"
check "a TAB offers nothing unexpected yet" test -z "$(offered | grep -v '^[a-z0-9-]*$' || true)"
wait_for 5 test -n "$(monitors)"
check "the master runs LXD's monitor on the host, as the SSH user" test -n "$(monitors)"
MONITORS=$(monitors)
# The master's first listing is written; from here on only the watch can change what is offered.
sleep 1

new_name name lxdw
INSTANCES+=("$name")
"${LXDC[@]}" init "$LAB_LXD_IMAGE" "$name" --target m2 >/dev/null 2>&1
ms_until 1000 "created on m2 with LXD's client: $name offered" listed "$name"
check "... as stopped" stopped "$name"

"${LXDC[@]}" start "$name" >/dev/null 2>&1
ms_until 1000 "started on m2: $name offered as running" running "$name"

"${LXDC[@]}" stop "$name" --force
ms_until 1000 "stopped on m2: $name offered as stopped" stopped "$name"
check "... and no longer as running" eval '! running "$name"'

"${LXDC[@]}" delete "$name"
ms_until 1000 "deleted on m2: $name no longer offered" not_listed "$name"

# Many changes at once: the last state wins.
new_name burst lxdw
INSTANCES+=("$burst")
"${LXDC[@]}" init "$LAB_LXD_IMAGE" "$burst" --target m3 >/dev/null 2>&1
for _ in 1 2; do
  "${LXDC[@]}" start "$burst" >/dev/null 2>&1
  "${LXDC[@]}" stop "$burst" --force
done
"${LXDC[@]}" start "$burst" >/dev/null 2>&1
ms_until 1000 "after 5 changes in a row on m3: $burst offered as running" running "$burst"
"${LXDC[@]}" delete --force "$burst"

# The master stopped: its monitor on the host ends with it.
capture lxd_lx mux stop
expect_rc 0 "mux stop"
gone() { [ -z "$(comm -12 <(monitors) <(sort <<<"$MONITORS"))" ]; }
if wait_for 5 gone; then
  pass "LXD's monitor on the host ended with the master"
else
  fail "LXD's monitor on the host did not end with the master (it ran: $(tr '\n' ' ' <<<"$MONITORS"))"
  ms_until_late
fi

# The control: no watch, and nothing else refreshes the cache within its TTL.
sed -i 's/^\[completion\]$/[mux]\nwatch = false\n\n[completion]/' "$T/lxd.toml"
capture lxd_lx ls -1
expect_rc 0 "ls -1 starts a master that does not watch"
sleep 1
if [ -z "$(monitors)" ]; then pass "... and it runs no LXD monitor"; else fail "... yet LXD monitors run"; ms_until_late; fi
new_name quiet lxdw
INSTANCES+=("$quiet")
"${LXDC[@]}" init "$LAB_LXD_IMAGE" "$quiet" --target m2 >/dev/null 2>&1
sleep 2
check "without the watch, $quiet created 2 s ago is not offered (control)" not_listed "$quiet"

finish
