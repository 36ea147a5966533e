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
done
finish
