# `list` fills `mdns`: the .local name that answers for a container's address. The first answers
# decide, not resolve_timeout_ms: sshd2's address is announced by nobody, and list still ends long
# before a 5 s bound; it remembers that miss (next time only the daemon's cache is asked for it),
# it asks for the last list's addresses while the host lists its containers, and --mdns-wait
# waits the old way. Each run has a cache directory of its own (in_laptop): the
# lab's is shared with other suites, which restart the laptop's daemon.
source "$(dirname "$0")/lib.sh"

# lx_cached ARGS...: lxhost ARGS in the laptop namespace with this suite's cache directory, captured.
lx_cached() { capture in_laptop lxhost "$@"; }
# the ms of -v's "mdns: reverse lookup of N address(es), ... in MS ms" line; empty without one
reverse_ms() { sed -n 's/^lxhost: debug: mdns: reverse lookup of .* in \([0-9]*\) ms$/\1/p' <<<"$ERR"; }

lab_config "$T/slow.toml"
printf '\n[discovery]\nresolve_timeout_ms = 5000\n' >>"$T/slow.toml"

for backend in avahi dnssd; do
  export LXHOST_MDNS_BACKEND=$backend
  rm -rf "$T/cache"
  lx_cached list --json
  expect_rc 0 "$backend: list --json"
  check "$backend: web's mdns is web.local, sshd1's sshd1.local, base and sshd2 have none" python3 - "$T/out" <<'PY'
import json, sys
rows = {r["name"]: r for r in json.load(open(sys.argv[1]))}
assert rows["web"]["mdns"] == "web.local", rows["web"]
assert rows["sshd1"]["mdns"] == "sshd1.local", rows["sshd1"]
assert rows["base"]["mdns"] is None, rows["base"]
assert rows["sshd2"]["mdns"] is None, rows["sshd2"]
PY
  lx_cached list
  check "$backend: table has an MDNS column with web.local" grep -Eq '^web +RUNNING .* web\.local$' "$T/out"
  check "$backend: ... and nothing on stderr" test -z "$ERR"

  # A 5 s bound, and an address nobody announces (sshd2's): the first answers decide.
  rm -rf "$T/cache"
  lx_cached -v -c "$T/slow.toml" list
  expect_rc 0 "$backend: list with resolve_timeout_ms = 5000"
  MDNS_MS=$(reverse_ms)
  check "$backend: ... its lookups ended before the 5000 ms bound (${MDNS_MS:-no debug line} ms)" test "${MDNS_MS:-5000}" -lt 5000
  check "$backend: ... none was a remembered miss" contains "$ERR" "address(es), 0 not waited for:"
  check "$backend: ... sshd2 has no name, web has web.local" eval \
    'grep -Eq "^sshd2 +RUNNING .* -$" "$T/out" && grep -Eq "^web +RUNNING .* web\.local$" "$T/out"'
  check "$backend: ... sshd2's address is remembered as a miss" grep -q "^10\.203\.0\.21"$'\t'"[0-9]*$" "$T/cache/lxhost/mdns-misses.tsv"

  # The next list does not wait for it; the announced names still come (from the daemon's cache).
  lx_cached -v -c "$T/slow.toml" list
  expect_rc 0 "$backend: a second list"
  check "$backend: ... says the remembered miss is not waited for" \
    contains "$ERR" "list: 1 address(es) found no mDNS name in the last 60 s: only the daemon's cache is asked for them"
  check "$backend: ... the backend did not wait for it" contains "$ERR" "address(es), 1 not waited for:"
  check "$backend: ... web.local and sshd1.local are still there" eval \
    'grep -Eq "^web +RUNNING .* web\.local$" "$T/out" && grep -Eq "^sshd1 +RUNNING .* sshd1\.local$" "$T/out"'
  check "$backend: ... it asked for the last list's addresses while the host listed its containers" \
    contains "$ERR" "address(es) of the last list asked while the host listed its containers, 0 new"
  check "$backend: ... the addresses it showed are kept for the next list" grep -qx "10\.203\.0\.10" "$T/cache/lxhost/listed-addresses-lab.txt"

  # An address the last list did not show is asked once the rows came: web's name still comes.
  grep -v "^10\.203\.0\.1[01]$" "$T/cache/lxhost/listed-addresses-lab.txt" >"$T/listed" || true
  cp "$T/listed" "$T/cache/lxhost/listed-addresses-lab.txt"
  lx_cached -v list
  expect_rc 0 "$backend: list after new addresses"
  check "$backend: ... web's two IPv4 addresses are asked after the rows came" \
    contains "$ERR" "address(es) of the last list asked while the host listed its containers, 2 new"
  check "$backend: ... web is still web.local" grep -Eq "^web +RUNNING .* web\.local$" "$T/out"

  # --mdns-wait: every address waited for (sshd2's to the lab's 1000 ms bound), the names found.
  lx_cached -v list --mdns-wait
  expect_rc 0 "$backend: list --mdns-wait"
  check "$backend: ... waits for every address" contains "$ERR" "address(es), 0 not waited for:"
  check "$backend: ... finds web.local and sshd1.local" eval \
    'grep -Eq "^web +RUNNING .* web\.local$" "$T/out" && grep -Eq "^sshd1 +RUNNING .* sshd1\.local$" "$T/out"'
  MDNS_MS=$(reverse_ms)
  check "$backend: ... within 3x its 1000 ms bound (${MDNS_MS:-no debug line} ms)" test "${MDNS_MS:-3000}" -lt 3000
done
unset LXHOST_MDNS_BACKEND

# No mDNS daemon: the column is empty, and stderr says why, once.
bus_without_avahi
for backend in avahi dnssd; do
  for format in "" --json; do
    DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/bus.sock LXHOST_MDNS_BACKEND=$backend run_lx list $format
    expect_rc 0 "$backend: list $format without an mDNS daemon"
    check "$backend: ... web is listed without a name" eval 'grep -Eq "^web +RUNNING .* -$|\"mdns\": null" "$T/out"'
    check "$backend: ... one warning line says why the names are missing" \
      eval '[ "$(grep -c "" <<<"$ERR")" = 1 ] && contains "$ERR" "warning: list: no mDNS names:" && contains "$ERR" "not running"'
  done
done
finish
