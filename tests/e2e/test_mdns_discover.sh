# `lxhost discover`: services by mDNS with both backends, duplicates merged, bounded, the hosts
# seen written to the discovery cache; hostile names and TXT printed safely and valid in JSON.
source "$(dirname "$0")/lib.sh"

# Names of every width, announced from the lab's pub node for this suite: the table must line up
# by display columns (wide characters 2, combining 0, escapes as shown), not bytes or code points.
WIDTH_TYPE=_lxhw$$._tcp # a service label is at most 15 characters
WIDTH_NAMES=($'\u30b3\u30f3\u30c6\u30ca' $'e\u0301te\u0301' 'plain' $'tab\there')
WIDTH_PIDS=()
for name in "${WIDTH_NAMES[@]}"; do
  "$LAB_TOOL" exec pub avahi-publish -s "$name" "$WIDTH_TYPE" 9 >/dev/null 2>&1 &
  WIDTH_PIDS+=($!)
done
stop_width_publishers() { kill "${WIDTH_PIDS[@]}" 2>/dev/null || true; wait "${WIDTH_PIDS[@]}" 2>/dev/null || true; }
at_exit stop_width_publishers
# type_columns FILE: the display column where the TYPE column starts, one line per row.
type_columns() {
  python3 - "$1" "$WIDTH_TYPE" <<'PY'
import sys, unicodedata
def width(text):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
for line in open(sys.argv[1], encoding="utf-8"):
    key = "TYPE" if line.startswith("NAME ") else sys.argv[2]
    print(width(line[:line.index(key)]))
PY
}

for backend in avahi dnssd; do
  export LXHOST_MDNS_BACKEND=$backend
  rm -f "$LAB_LAPTOP_HOME/.cache/lxhost/discovered.tsv"

  run_lx discover --type _ssh._tcp
  expect_rc 0 "$backend: discover _ssh._tcp"
  check "$backend: containers row" grep -Eq '^containers +_ssh\._tcp +containers\.local:2222 +10\.203\.0\.1 +hostonly0 +lab=lxhost$' "$T/out"
  check "$backend: each instance once (duplicates merged)" test "$(grep -c '^containers ' "$T/out")" = 1
  START_MS=$(binary_start_ms)
  # A busy machine (an ASan build beside two other suites) can stall any one run; a wait that is
  # not bounded misses the bound every time, so a run over it is tried once more.
  if [ "$MS" -ge $((6000 + START_MS)) ]; then
    printf 'note %s: discover took %d ms; once more\n' "$backend" "$MS"
    run_lx discover --type _ssh._tcp
  fi
  check "$backend: bounded by browse_timeout_ms (${MS} ms < 3x 2000 + start $START_MS)" test "$MS" -lt $((6000 + START_MS))
  check "$backend: discovery cache has containers.local" \
    grep -qP '^containers\.local\t10\.203\.0\.1\t2222\t_ssh\._tcp\t\d+$' "$LAB_LAPTOP_HOME/.cache/lxhost/discovered.tsv"

  run_lx discover --json --type _ssh._tcp --type _workstation._tcp -6
  expect_rc 0 "$backend: discover --json -6"
  check "$backend: JSON fields and values" python3 - "$T/out" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
by = {}
for r in rows:
    assert set(r) >= {"name", "type", "domain", "host", "port", "addresses", "txt", "interface"}, r
    by.setdefault((r["name"], r["type"]), []).append(r)
assert all(len(v) == 1 for v in by.values()), "duplicates: %r" % [k for k, v in by.items() if len(v) > 1]
c = by[("containers", "_ssh._tcp")][0]
assert c["host"] == "containers.local" and c["port"] == 2222 and c["domain"] == "local", c
assert c["addresses"] == ["10.203.0.1"] and c["txt"] == {"lab": "lxhost"} and c["interface"] == "hostonly0", c
web = [r for r in rows if r["type"] == "_workstation._tcp" and r["host"] == "web.local"]
assert web, rows
addrs = web[0]["addresses"]
assert "fd42:203::10" in addrs and addrs.index("fd42:203::10") > max(addrs.index(a) for a in addrs if "." in a), addrs
PY

  run_lx discover --type _nothing-here._tcp --timeout 1500
  expect_rc 1 "$backend: nothing found"
  expect_err_has "no _nothing-here._tcp service answered within 1500 ms ($backend)"
  START_MS=$(binary_start_ms)
  check "$backend: ended within 3x the bound + start $START_MS ms (${MS} ms)" test "$MS" -lt $((4500 + START_MS))

  run_lx discover --type "$WIDTH_TYPE"
  for i in $(seq 50); do
    [ "$(grep -c '' "$T/out")" -ge 5 ] && break
    sleep 0.2
    run_lx discover --type "$WIDTH_TYPE"
  done
  expect_rc 0 "$backend: names of every width"
  check "$backend: the wide, combining and escaped names are listed" \
    eval 'contains "$OUT" "${WIDTH_NAMES[0]}" && contains "$OUT" "${WIDTH_NAMES[1]}" && contains "$OUT" "tab\\there"'
  check "$backend: TYPE starts at one display column in every row ($(type_columns "$T/out" | sort -u | tr '\n' ' '))" \
    test "$(type_columns "$T/out" | sort -u | grep -c '')" = 1

  # Hostile instance names and TXT: text output has no control bytes; JSON is valid UTF-8.
  run_lx discover --type "$LAB_HOSTILE_TYPE"
  expect_rc 0 "$backend: hostile services"
  check "$backend: no raw control characters in text output" eval '! LC_ALL=C grep -q "[[:cntrl:]]" <(tr -d "\n" <"$T/out")'
  check "$backend: one line per instance plus the header" test "$(grep -c '' "$T/out")" -ge 5
  check "$backend: the newline in a name is shown escaped" grep -qF 'line1\nline2' "$T/out"
  check "$backend: invalid UTF-8 in TXT shown as escapes" grep -qF '\xff' "$T/out"
  # The discovery cache is merged across runs: the hostile browse kept containers.local, and
  # pub.local's many instances of one type are one line (per address), however often seen.
  run_lx discover --type "$LAB_HOSTILE_TYPE"
  CACHED=$LAB_LAPTOP_HOME/.cache/lxhost/discovered.tsv
  check "$backend: containers.local is still remembered after browsing another type" \
    grep -qP '^containers\.local\t10\.203\.0\.1\t2222\t_ssh\._tcp\t\d+$' "$CACHED"
  check "$backend: pub.local's hostile instances are one line ($(grep -cP "^pub\.local\t.*\t$LAB_HOSTILE_TYPE\t" "$CACHED"))" \
    test "$(grep -cP "^pub\.local\t10\.203\.0\.3\t9\t$LAB_HOSTILE_TYPE\t\d+\$" "$CACHED")" = 1
  check "$backend: each line of the cache once" test "$(cut -f1-4 "$CACHED" | sort -u | grep -c '')" = "$(grep -c '' "$CACHED")"
  run_lx discover --json --type "$LAB_HOSTILE_TYPE"
  expect_rc 0 "$backend: hostile services as JSON"
  check "$backend: JSON parses as strict UTF-8 and keeps the names" python3 - "$T/out" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
rows = json.loads(raw.decode("utf-8", errors="strict"))
names = {r["name"] for r in rows}
assert "line1\nline2" in names, names
assert any("$(" in n for n in names), names
assert any("\x1b[31m" in n for n in names), names
assert any(len(n.encode()) == 63 for n in names), names
assert any("\ufffd" in str(v) for r in rows for v in r["txt"].values()), [r["txt"] for r in rows]
PY
done
finish
