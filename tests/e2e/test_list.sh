# `list` and `list --json`: name, state and every address, from lxc-ls -f -F through our parser.
source "$(dirname "$0")/lib.sh"

run_lx list --json
expect_rc 0 "list --json"
check "valid JSON with the expected rows" python3 - "$T/out" "$LAB_WEB_ADDR" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
by = {r["name"]: r for r in rows}
web, base = by["web"], by["base"]
assert set(web) >= {"host", "name", "state", "ipv4", "ipv6", "mdns", "location"}, web
assert web["location"] is None, web  # an LXC host's container: no cluster member
assert web["host"] == "lab" and web["state"] == "RUNNING", web
assert sorted(web["ipv4"]) == sorted([sys.argv[2], "10.203.0.11"]), web["ipv4"]
assert "fd42:203::10" in web["ipv6"], web["ipv6"]
assert web["mdns"] in (None, "web.local"), web  # filled by mDNS: see test_mdns_list
assert base["state"] == "STOPPED" and base["ipv4"] == [] and base["ipv6"] == [], base
PY

run_lx list
expect_rc 0 "list (table)"
check "table header" grep -Eq '^NAME +STATE +IPV4 +IPV6 +MDNS$' "$T/out"
check "web row has both IPv4 addresses" grep -Eq "^web +RUNNING +($LAB_WEB_ADDR,10.203.0.11|10.203.0.11,$LAB_WEB_ADDR) +.*fd42:203::10" "$T/out"
check "base row shows - for no address" grep -Eq '^base +STOPPED +- +-' "$T/out"

run_lx list --bogus
expect_rc 2 "unknown list flag"
expect_err_lines 2
finish
