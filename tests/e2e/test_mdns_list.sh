# `list` fills `mdns`: the .local name that answers for a container's address.
source "$(dirname "$0")/lib.sh"

for backend in avahi dnssd; do
  LXHOST_MDNS_BACKEND=$backend run_lx list --json
  expect_rc 0 "$backend: list --json"
  check "$backend: web's mdns is web.local, base has none" python3 - "$T/out" <<'PY'
import json, sys
rows = {r["name"]: r for r in json.load(open(sys.argv[1]))}
assert rows["web"]["mdns"] == "web.local", rows["web"]
assert rows["base"]["mdns"] is None, rows["base"]
PY
  LXHOST_MDNS_BACKEND=$backend run_lx list
  check "$backend: table has an MDNS column with web.local" grep -Eq '^web +RUNNING .* web\.local$' "$T/out"
  check "$backend: ... and nothing on stderr" test -z "$ERR"
done

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
