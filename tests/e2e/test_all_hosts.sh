# Several hosts as one: `list --all-hosts` asks every configured host at once, each through a
# master of its own. Three hosts: the lab's host twice (its lxcpath, and an lxcpath of this suite's
# own holding a container of its own) and one whose port refuses. The rows of both reachable hosts
# come with their HOST, the broken one is named on stderr with its reason, exit 1; JSON has
# "host"; list_all_hosts makes it the default and -H still picks one; --all-hosts with -H is exit 2.
# HOST:NAME sends a verb to that host without the prefix, names of two hosts or a -H that
# disagrees are exit 2, and completion offers the other host's containers as HOST:NAME. doctor
# --all-hosts checks each host under its name.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/faults_lib.sh"

OTHER=$T/other
mkdir "$OTHER"
other=other-$$-$RANDOM
at_exit 'lxc-destroy -P "$OTHER" -n "$other" -f >/dev/null 2>&1'
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
check "... within 3x the connect bound (${MS} ms)" test "$MS" -lt $((SLOW * 9000))
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

# ls --all-hosts: lxc-ls's own layouts, every name HOST:NAME, the broken host named.
run_lx -c "$T/all.toml" ls --all-hosts -1
expect_rc 1 "ls --all-hosts -1, one host refusing"
check "... lab:web" out_has_line lab:web
check "... other:$other" out_has_line "other:$other"
check "... no bare names" eval '! grep -qv ":" <<<"$OUT"'
expect_err_has "lxhost: error: broken: "
run_lx -c "$T/two.toml" ls --all-hosts -f
expect_rc 0 "ls --all-hosts -f"
check "... lxc-ls's header" eval '[ "$(head -1 <<<"$OUT" | awk "{print \$1, \$2}")" = "NAME STATE" ]'
check "... lab:web RUNNING" eval 'grep -qE "^lab:web +RUNNING " <<<"$OUT"'
check "... other:$other STOPPED" eval 'grep -qE "^other:$other +STOPPED " <<<"$OUT"'
check "... its columns aligned (STATE starts in one place)" eval '[ "$(awk "{print index(\$0, \$2)}" <<<"$OUT" | sort -u | wc -l)" = 1 ]'
run_lx -c "$T/two.toml" -H lab ls --all-hosts
expect_rc 2 "-H with ls --all-hosts"

# HOST:NAME: the verb runs on that host, the prefix removed; the remote exit code comes back.
lxc-start -P "$OTHER" -n "$other"
run_lx -c "$T/two.toml" attach -n "other:$other" -- sh -c 'exit 6'
expect_rc 6 "attach -n other:NAME -- sh -c 'exit 6'"
run_lx -c "$T/two.toml" attach "--name=other:$other" -- hostname
expect_rc 0 "attach --name=other:NAME"
expect_out "$other" "... ran in the other host's container"
run_lx -c "$T/two.toml" info -s "other:$other"
expect_rc 0 "info other:NAME (a name in place of -n)"
expect_out_has RUNNING
run_lx -c "$T/two.toml" attach -n "$other" -- true
check "without the prefix the default host is asked, which has no $other (exit $RC)" test "$RC" != 0
run_lx -c "$T/two.toml" attach -n lab:web -- hostname
expect_rc 0 "attach -n lab:web (the default host's own prefix)"
expect_out web
run_lx -c "$T/two.toml" -H lab attach -n "other:$other" -- true
expect_rc 2 "-H lab with other:NAME"
expect_err_has "flag -H lab and 'other:$other' name different hosts"
run_lx -c "$T/two.toml" copy -n lab:web -N "other:copy-$$"
expect_rc 2 "copy between two hosts"
expect_err_has "'lab:web' and 'other:copy-$$' are containers of two hosts"
run_lx -c "$T/two.toml" info -n "nohost:$other"
check "a prefix that is no configured host stays in the name (exit $RC)" test "$RC" != 0 -a "$RC" != 2
expect_err_has "nohost:$other"

# Completion: the default host's names as they are, the other host's as other:NAME.
offered() { in_laptop lxhost -c "$T/two.toml" __complete words -- lxhost attach -n "$1" 2>/dev/null | cut -f1; }
offers_other() { grep -qxF "other:$other" <<<"$(offered '')"; }
check "completion offers other:$other (its cache filled in the background)" wait_for 10 offers_other
OUT=$(offered '')
check "... and the default host's web, unprefixed" out_has_line web
check "... not lab:web" eval '! out_has_line lab:web'
OUT=$(offered 'other:')
check "other: offers only other's containers" eval '[ "$OUT" = "other:$other" ]'
OUT=$(in_laptop lxhost -c "$T/two.toml" __complete words -- lxhost attach "--name=oth" 2>/dev/null | cut -f1)
check "--name=oth offers --name=other:$other" out_has_line "--name=other:$other"
lxc-stop -P "$OTHER" -n "$other" -k

# doctor --all-hosts: each host's checks under its name; the broken one fails, so exit 1.
run_lx -c "$T/all.toml" doctor --all-hosts
expect_rc 1 "doctor --all-hosts, one host refusing"
check "... a heading for each host, in the config's order" \
  eval '[ "$(grep -E "^(lab|other|broken):$" <<<"$OUT" | tr "\n" " ")" = "lab: other: broken: " ]'
# group HOST: the lines from HOST's heading to the next blank line.
group() { awk -v h="$1:" '$0 == h { on = 1; next } on && $0 == "" { exit } on' <<<"$OUT"; }
check "... lab's snapshot clone made and removed" eval 'group lab | grep -q "made a snapshot"'
check "... other's too, in its own lxcpath" eval 'group other | grep -q "$OTHER is .*made a snapshot"'
check "... lab's and other's groups without a failure" eval '! group lab | grep -q "^FAIL" && ! group other | grep -q "^FAIL"'
check "... broken's group names the refused port" eval 'group broken | grep -q "$REFUSED_PORT"'
run_lx -c "$T/two.toml" doctor --all-hosts
expect_rc 0 "doctor --all-hosts, every host answering"
run_lx -c "$T/two.toml" -H lab doctor --all-hosts
expect_rc 2 "-H with doctor --all-hosts"
expect_err_has "--all-hosts and -H lab"
expect_err_lines 1

run_lx -c "$T/all.toml" mux stop --all
finish
