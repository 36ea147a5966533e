# Several hosts as one: `list --all-hosts` asks every configured host at once, each through a
# master of its own. Three hosts: the lab's host twice (its lxcpath, and an lxcpath of this suite's
# own holding a container of its own) and one whose port refuses. The rows of both reachable hosts
# come with their HOST, the broken one is named on stderr with its reason, exit 1; JSON has
# "host"; list_all_hosts makes it the default and -H still picks one; --all-hosts with -H is exit 2.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/faults_lib.sh"

OTHER=$T/other
mkdir "$OTHER"
other=other-$$-$RANDOM
trap 'rc=$?; set +e; lxc-destroy -P "$OTHER" -n "$other" -f >/dev/null 2>&1; faults_cleanup; (exit $rc); cleanup' EXIT
lxc-copy -P "$LAB_LXCPATH" -n base -N "$other" -p "$OTHER" >/dev/null
fault_port REFUSED_PORT  # nothing listens there: a connection is refused at once

# The lab's [hosts.lab] table (the last one of its config) under another name.
host_table() { sed -n '/^\[hosts\.lab\]/,$p' "$LAB_CONFIG" | sed "1s/.*/[hosts.$1]/"; }
lab_config "$T/all.toml"
{
  echo
  host_table other | sed "s|^lxcpath = .*|lxcpath = \"$OTHER\"|"
  echo
  host_table broken | sed "s/^port = .*/port = $REFUSED_PORT/"
} >>"$T/all.toml"
# row HOST NAME: the table has a row of NAME under HOST.
row() { awk -v h="$1" -v n="$2" '$1 == h && $2 == n { found = 1 } END { exit !found }' <<<"$OUT"; }

run_lx -c "$T/all.toml" list --all-hosts
expect_rc 1 "list --all-hosts, one host refusing"
check "the table has a HOST column" eval '[ "$(head -1 <<<"$OUT" | awk "{print \$1, \$2}")" = "HOST NAME" ]'
check "... the lab host's web" row lab web
check "... the other lxcpath's $other" row other "$other"
check "... and web only under lab" eval '! row other web'
check "... no row of the broken host" eval '! grep -q "^broken " <<<"$OUT"'
expect_err_has "lxhost: error: broken: "
expect_err_has "$REFUSED_PORT"
check "... one line for it" eval '[ "$(grep -c "broken" <<<"$ERR")" = 1 ]'
check "... within 3x the connect bound (${MS} ms)" test "$MS" -lt 9000
run_lx -c "$T/all.toml" mux status
check "each reachable host has a master of its own" eval 'grep -q "^lab (" <<<"$OUT" && grep -q "^other (" <<<"$OUT"'

run_lx -c "$T/all.toml" list --all-hosts --json
expect_rc 1 "list --all-hosts --json"
check "JSON rows carry their host" python3 -c '
import json, sys
rows = json.load(sys.stdin)
hosts = {r["host"] for r in rows}
assert hosts == {"lab", "other"}, hosts
assert any(r["host"] == "other" and r["name"] == sys.argv[1] for r in rows), rows
assert any(r["host"] == "lab" and r["name"] == "web" and r["state"] == "RUNNING" for r in rows), rows
' "$other" <<<"$OUT"

# Both reachable hosts only: exit 0.
sed '/^\[hosts\.broken\]/,$d' "$T/all.toml" >"$T/two.toml"
run_lx -c "$T/two.toml" list --all-hosts
expect_rc 0 "list --all-hosts, every host answering"
check "... both hosts' rows" eval 'row lab web && row other "$other"'

# list_all_hosts = true: list asks every host; -H still picks one; -H with --all-hosts is refused.
sed '1i list_all_hosts = true' "$T/two.toml" >"$T/default.toml"
run_lx -c "$T/default.toml" list
expect_rc 0 "list with list_all_hosts = true"
check "... every host's rows" eval 'row lab web && row other "$other"'
run_lx -c "$T/default.toml" -H other list
expect_rc 0 "-H other list"
check "... one host: no HOST column, its own container" eval '[ "$(head -1 <<<"$OUT" | awk "{print \$1}")" = NAME ] && grep -q "^$other " <<<"$OUT"'
check "... and not the lab's" eval '! grep -q "^web " <<<"$OUT"'
run_lx -c "$T/all.toml" -H lab list --all-hosts
expect_rc 2 "-H with --all-hosts"
expect_err_has "--all-hosts and -H lab"

run_lx -c "$T/all.toml" mux stop --all
finish
