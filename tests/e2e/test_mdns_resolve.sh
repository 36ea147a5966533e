# `lxhost resolve`: a .local name's addresses by mDNS, with both backends; an unknown name ends
# at resolve_timeout_ms (not Avahi's 5 s); a name with two addresses shows both.
source "$(dirname "$0")/lib.sh"

for backend in avahi dnssd; do
  export LXHOST_MDNS_BACKEND=$backend

  run_lx resolve containers.local
  expect_rc 0 "$backend: resolve containers.local"
  expect_out 10.203.0.1 "$backend: containers.local is br1's address"

  # containers.local has no IPv6 address: its IPv4 one is the answer, without waiting for an
  # AAAA record nobody sends (let alone the bound).
  run_lx -v resolve --timeout 5000 containers.local
  expect_rc 0 "$backend: resolve containers.local with a 5000 ms bound"
  check "$backend: ... its IPv4 address" test "$OUT" = 10.203.0.1
  check "$backend: ... long before the bound (${MS} ms)" test "$MS" -lt 5000

  run_lx resolve -4 web.local
  expect_rc 0 "$backend: resolve -4 web.local"
  check "$backend: web.local has both IPv4 addresses" test "$(sort <<<"$OUT")" = "$(printf '10.203.0.10\n10.203.0.11')"

  run_lx resolve -6 web
  expect_rc 0 "$backend: resolve -6 web (.local appended)"
  expect_out fd42:203::10 "$backend: web.local's IPv6"

  run_lx resolve web.local
  check "$backend: without -4/-6, IPv4 comes first" test "$(head -1 <<<"$OUT" | grep -c '^10\.')" = 1

  run_lx resolve --all web.local
  expect_rc 0 "$backend: resolve --all web.local"
  check "$backend: --all: both IPv4 addresses, then the IPv6 one" \
    test "$OUT" = "$(printf '10.203.0.10\n10.203.0.11\nfd42:203::10')"

  run_lx resolve no-such-name-$$.local
  expect_rc 1 "$backend: unknown name"
  expect_err_has "no mDNS answer for no-such-name-$$.local within 1000 ms ($backend)"
  expect_err_lines 2
  START_MS=$(binary_start_ms)
  check "$backend: unknown name ended within 3x the 1000 ms bound + start $START_MS ms (${MS} ms)" test "$MS" -lt $((3000 + START_MS))

  # 3x the 200 ms bound, plus what starting the binary costs here (a sanitizer build pays ~200 ms).
  run_lx resolve --timeout 200 no-such-name-$$.local
  expect_rc 1
  START_MS=$(binary_start_ms)
  check "$backend: --timeout 200 ended within 600 ms + start $START_MS ms (${MS} ms)" test "$MS" -lt $((600 + START_MS))
done

# An address is its own answer, without mDNS (none runs on this bus); a name that cannot be one
# is refused in one line, before any wait.
bus_without_avahi
for address in 10.203.0.10 fd42:203::10 fe80::1%lab0; do
  DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/bus.sock run_lx resolve "$address"
  expect_rc 0 "resolve $address"
  expect_out "$address" "... prints the address"
  check "... and nothing else" test -z "$ERR"
done
run_lx resolve -6 10.203.0.10
expect_rc 1 "resolve -6 of an IPv4 address"
check "... says why, in one line" eval '[ "$ERR" = "lxhost: error: resolve: 10.203.0.10 is an IPv4 address, and -6 asks for IPv6 ones" ]'
run_lx resolve --all -6 web.local
expect_rc 2 "resolve --all with -6"
expect_err_has "resolve: -6 excludes --all"
expect_err_lines 2
run_lx resolve 'a..b'
expect_rc 2 "resolve of a name with an empty label"
check "... one line naming the name and the fault ($MS ms)" \
  eval '[ "$ERR" = "lxhost: error: resolve: '"'a..b'"' is not a host name: it has an empty label (two dots in a row, or a dot first)" ]'

unset LXHOST_MDNS_BACKEND
LXHOST_MDNS_BACKEND=bonjour run_lx resolve containers.local
expect_rc 2 "unknown backend name"
expect_err_has "avahi"
finish
