# Connections to a .local host: resolved by mDNS (both backends), IPv4 first, the socket handed to
# libssh with the name kept for known_hosts. No mDNS daemon: one warning, then the system
# resolver. Nothing resolves: exit 255 naming the host and what was tried.
# The connection is this invocation's own (--no-mux): a mux master would make it once, for all.
source "$(dirname "$0")/lib.sh"

lab_config "$T/mdns.toml" 's|^address = .*|address = "containers.local"|'
for backend in avahi dnssd; do
  LXHOST_MDNS_BACKEND=$backend run_lx --no-mux -v -c "$T/mdns.toml" ls -1
  expect_rc 0 "$backend: ls on containers.local"
  check "$backend: listing arrived" grep -qx web "$T/out"
  expect_err_has "containers.local is 10.203.0.1"
  check "$backend: known_hosts entry by name was used (no host-key error)" eval '! contains "$ERR" "host key"'
done

lab_config "$T/nowhere.toml" "s|^address = .*|address = \"nowhere-$$.local\"|"
run_lx -c "$T/nowhere.toml" ls
expect_rc 255 "a .local name nobody announces"
expect_err_has "cannot resolve nowhere-$$.local: mDNS found no address in time"
expect_err_lines 2
START_MS=$(binary_start_ms)
check "ended within 3x resolve_timeout_ms + connect + start $START_MS ms (${MS} ms)" test "$MS" -lt $((3000 + START_MS))

# A D-Bus with no Avahi behind it: "daemon not running".
bus_without_avahi

for backend in avahi dnssd; do
  # The system resolver still knows containers.local (nss-mdns), so the command succeeds.
  DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/bus.sock LXHOST_MDNS_BACKEND=$backend run_lx --no-mux -c "$T/mdns.toml" ls -1
  expect_rc 0 "$backend: no mDNS daemon, system resolver used"
  check "$backend: exactly one warning line" test "$(grep -c '' <<<"$ERR")" = 1
  expect_err_has "not running"
  expect_err_has "system resolver"

  # nss-mdns would wait ~5 s for a name nobody announces: the system resolver gets
  # resolve_timeout_ms too, through the master (whose starter waits for that) and without it.
  for mux in "" --no-mux; do  # through a master, and without one
    DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/bus.sock LXHOST_MDNS_BACKEND=$backend run_lx $mux -c "$T/nowhere.toml" ls
    expect_rc 255 "$backend ${mux:-mux}: no daemon and no system answer"
    expect_err_has "cannot resolve nowhere-$$.local: mDNS is not available and the system resolver gave no answer within 1000 ms"
    check "$backend ${mux:-mux}: ended within 3x resolve_timeout_ms + start $START_MS ms (${MS} ms)" test "$MS" -lt $((3000 + START_MS))
  done

  DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/bus.sock LXHOST_MDNS_BACKEND=$backend run_lx resolve containers.local
  expect_rc 1 "$backend: resolve without a daemon"
  expect_err_has "not running"
  expect_err_lines 2
done
finish
