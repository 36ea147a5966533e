# While a mux master serves the host, it watches the host's containers: a container created,
# started, stopped or destroyed on the host with plain lxc-* (not through lxhost) is offered
# correctly by completion within 1 s, though cache_ttl_s = 3600 says the cache is fresh for an
# hour. Without a master, or with `[mux] watch = false`, nothing watches: a container created then
# is not offered (the controls).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/faults_lib.sh"

lab_config "$T/watch.toml"
printf '\n[completion]\ncache_ttl_s = 3600\n' >>"$T/watch.toml"
# lxw ARGS...: lxhost with this config, in the laptop namespace, with this suite's cache.
lxw() { in_laptop lxhost -c "$T/watch.toml" "$@"; }
# offered [--state S]: the names a TAB offers now, one line each.
offered() { lxw __complete containers "$@" 2>/dev/null; }

ms_until_late() { watch_state; }
listed() { offered | grep -qx "$1"; }
not_listed() { ! offered | grep -qx "$1"; }
running() { offered --state running | grep -qx "$1"; }
stopped() { offered --state stopped | grep -qx "$1"; }

capture lxw ls -1
expect_rc 0 "ls -1 starts the master"
check "... and a TAB offers the lab's containers" eval 'offered | grep -qx base'
# The master's first listing is written; from here on only the watch can change what is offered.
sleep 1

new_name name watch
host_lxc copy -n base -N "$name" -s >/dev/null
ms_until 1000 "created on the host: $name offered" listed "$name"
check "... as stopped" stopped "$name"

host_lxc start -n "$name"
ms_until 1000 "started on the host: $name offered as running" running "$name"

host_lxc stop -n "$name" -k
ms_until 1000 "stopped on the host: $name offered as stopped" stopped "$name"
check "... and no longer as running" eval '! running "$name"'

host_lxc destroy -n "$name"
ms_until 1000 "destroyed on the host: $name no longer offered" not_listed "$name"

# A container's directory made, and its config written 0.6 s later (a slow lxc-copy or lxc-create):
# the listing at the directory's news finds no container there; the config's arrival is seen.
new_name slow watch
mkdir -m 0770 "$LAB_LXCPATH/$slow"
sleep 0.6
sed "s/^lxc.uts.name.*/lxc.uts.name = $slow/" "$LAB_LXCPATH/base/config" >"$LAB_LXCPATH/$slow/config"
ms_until 1000 "config written 0.6 s after its directory: $slow offered" listed "$slow"
rm -r "${LAB_LXCPATH:?}/$slow"
ms_until 1000 "its directory removed: $slow no longer offered" not_listed "$slow"

# Many changes at once: the last state wins.
new_name burst watch
host_lxc copy -n base -N "$burst" -s >/dev/null
for _ in 1 2 3; do
  host_lxc start -n "$burst"
  host_lxc stop -n "$burst" -k
done
host_lxc start -n "$burst"
ms_until 1000 "after 7 changes in a row: $burst offered as running" running "$burst"
host_lxc stop -n "$burst" -k

# The master stopped, nothing watches: the cache stays as its TTL says.
capture lxw mux stop --all
expect_rc 0 "mux stop"
new_name unwatched watch
host_lxc copy -n base -N "$unwatched" -s >/dev/null
sleep 1.5
check "without a master, a container created on the host is not offered (cache_ttl_s = 3600)" not_listed "$unwatched"

# [mux] watch = false: a master that does not watch.
printf '\n[mux]\nwatch = false\n' >>"$T/watch.toml"
capture lxw ls -1
expect_rc 0 "ls -1 with watch = false starts a master"
check "... which serves it" eval 'lxw mux status | grep -q "^lab "'
new_name ignored watch
host_lxc copy -n base -N "$ignored" -s >/dev/null
sleep 1.5
check "... and does not watch: a container created on the host is not offered" not_listed "$ignored"

# A host whose sshd allows one session per connection: the watch gives way to commands. Each
# command gets the one channel; none waits for long or fails. The watch has the session by the
# second command at the latest (it takes it when the master starts, or a second after the first
# command), and sshd counts it until the watch's shell has ended: that command waits for it.
fault_port ONE_PORT
"$LAB_TOOL" fault sshd start "$ONE_PORT" MaxSessions=1 >/dev/null
FAULTS_UP+=("sshd stop $ONE_PORT")
sed "s/^\[$LAB_HOST_ADDR\]:$LAB_SSH_PORT /[$LAB_HOST_ADDR]:$ONE_PORT /" "$LAB_KNOWN_HOSTS" >"$T/known_hosts"
lab_config "$T/one.toml" "s/^port = .*/port = $ONE_PORT/" "s|^known_hosts = .*|known_hosts = \"$T/known_hosts\"|"
for i in 1 2 3 4; do
  capture in_laptop lxhost -c "$T/one.toml" ls -1
  expect_rc 0 "MaxSessions 1: command $i through the master"
  check "... listed web, in $MS ms" eval 'out_has_line web && [ "$MS" -lt 5000 ]'
  # The watch would take the channel back between commands, if it still watched.
  if [ "$i" = 1 ]; then sleep 2.5; else sleep 0.3; fi
done
capture in_laptop lxhost -c "$T/one.toml" mux stop
capture lxw mux stop  # the watch = false one (lib.sh's cleanup stops the lab config's masters)

# A deaf lxc-monitord. LXC names an lxcpath's monitor socket after the lxcpath alone, whoever runs
# it: the lxc-monitord an unprivileged lxc-monitor started also serves root's lxc-monitor, while it
# reads the user's FIFO, not the one root's lxc-start writes to. A watch that reached it would hear
# nothing until the master went; it notices, has that monitord quit, and hears again. An lxcpath of
# this suite's own, so that no other suite's master has a monitord on it first.
DEAF=$T/deaf
mkdir "$DEAF"
URUN=$(mktemp -d /tmp/lxhost-urun.XXXXXX)
chown "$LAB_USER" "$URUN"
deaf_cleanup() {
  [ -z "${UMON-}" ] || kill "$UMON" 2>/dev/null
  in_laptop lxhost -c "$T/deaf.toml" mux stop >/dev/null 2>&1
  lxc-monitor -P "$DEAF" --quit >/dev/null 2>&1  # a user's monitord left with no client
  [ -z "${deafc-}" ] || { lxc-stop -P "$DEAF" -n "$deafc" -k; lxc-destroy -P "$DEAF" -n "$deafc" -f; } >/dev/null 2>&1
  rm -rf "$URUN"
}
at_exit deaf_cleanup
deafc=deaf-$$-$RANDOM
lxc-copy -P "$LAB_LXCPATH" -n base -N "$deafc" -p "$DEAF" >/dev/null
lab_config "$T/deaf.toml" "s|^lxcpath = .*|lxcpath = \"$DEAF\"|"
printf '\n[completion]\ncache_ttl_s = 3600\n' >>"$T/deaf.toml"
deaf_running() { in_laptop lxhost -c "$T/deaf.toml" __complete containers --state running 2>/dev/null | grep -qx "$deafc"; }
user_monitord() { pgrep -u "$LAB_USER" -x lxc-monitord >/dev/null; }
setpriv --reuid "$LAB_USER" --regid "$LAB_USER" --clear-groups env XDG_RUNTIME_DIR="$URUN" \
  lxc-monitor -P "$DEAF" -n '.*' </dev/null >/dev/null 2>&1 &
UMON=$!
check "an unprivileged lxc-monitor has an lxc-monitord of its user's on the lxcpath" \
  wait_for 5 user_monitord
capture in_laptop lxhost -c "$T/deaf.toml" ls -1
expect_rc 0 "ls -1 on that lxcpath starts a master"
check "... which lists the container" out_has_line "$deafc"
sleep 1  # the watch's lxc-monitor connects to the user's monitord
kill "$UMON"
UMON=
t0=${EPOCHREALTIME/./}
wait_for 10 eval '! user_monitord' || true
ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
check "the watch has the user's lxc-monitord quit, in $ms ms (it would serve the watch, deaf, as long as it ran)" \
  eval '! user_monitord'
sleep 1  # the watch's lxc-monitor again, and its own monitord
lxc-start -P "$DEAF" -n "$deafc"
ms_until 1000 "then a container started there is offered as running" deaf_running

# The watch ends (its lxc-monitor killed on the host: LXC's lxc-monitord quit, say): the master
# starts it again within seconds, and that one hears.
deaf_monitor() { pgrep -f -- "^lxc-monitor -P $DEAF -n" || true; }
deaf_stopped() { in_laptop lxhost -c "$T/deaf.toml" __complete containers --state stopped 2>/dev/null | grep -qx "$deafc"; }
old_monitor=$(deaf_monitor)
check "the watch's lxc-monitor runs on the host" test -n "$old_monitor"
kill $old_monitor
restarted() { [ -n "$(deaf_monitor)" ] && [ "$(deaf_monitor)" != "$old_monitor" ]; }
check "killed, the watch is started again within 5 s" wait_for 5 restarted
sleep 0.5  # its lxc-monitor connects
lxc-stop -P "$DEAF" -n "$deafc" -k
ms_until 1000 "... and hears: a container stopped there is offered as stopped" deaf_stopped
finish
