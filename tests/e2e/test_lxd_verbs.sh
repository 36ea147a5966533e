# A host with backend = "lxd": the lab's LXD cluster (m1's socket, reached over the lab's sshd, a
# direct-streamlocal channel of the host's session), through the mux master and without it. ls in
# lxc-ls's layouts (LOCATION: the member), list (LOCATION) and completion, ls and list
# --all-hosts beside the lab's LXC host, info, start, stop (-k), freeze, unfreeze on instances of
# three members; LXD's refusal as one line, exit 1; a verb with no LXD meaning, exit 2 with the
# LXD command; a socket that is not there.
source "$(dirname "$0")/lib.sh"

lxd_suite


# One running instance on m1 and m2, a stopped one on m3.
new_name A lxdv-a
new_name B lxdv-b
new_name C lxdv-c
INSTANCES+=("$A" "$B" "$C")
"${LXDC[@]}" launch "$LAB_LXD_IMAGE" "$A" --target m1 >/dev/null
"${LXDC[@]}" launch "$LAB_LXD_IMAGE" "$B" --target m2 >/dev/null
"${LXDC[@]}" init "$LAB_LXD_IMAGE" "$C" --target m3 >/dev/null
mine() { grep -E "^($A|$B|$C)( |$)" <<<"$OUT" || true; } # other suites' instances may be listed too

for mux in "" --no-mux; do
  capture lxd_lx $mux ls -1
  expect_rc 0 "ls -1 ${mux:-(mux)}"
  check "... lists the three instances, one a line" eval '[ "$(mine)" = "$(printf "%s\n" "$A" "$B" "$C")" ]'
  check "... nothing on stderr" test -z "$ERR"
done

capture lxd_lx ls -f -F NAME,STATE,LOCATION
expect_rc 0 "ls -f -F NAME,STATE,LOCATION"
check "... a header as lxc-ls prints it" eval 'head -1 <<<"$OUT" | grep -qE "^NAME +STATE +LOCATION $"'
check "... each instance's state and member" eval '[ "$(mine | tr -s " ")" = "$(printf "%s RUNNING m1 \n%s RUNNING m2 \n%s STOPPED m3 \n" "$A" "$B" "$C")" ]'
capture lxd_lx ls -f
expect_rc 0 "ls -f"
check "... lxc-ls's default columns" eval 'head -1 <<<"$OUT" | grep -qE "^NAME +STATE +AUTOSTART +GROUPS +IPV4 +IPV6 +UNPRIVILEGED $"'
capture lxd_lx ls -1 --running
check "ls --running: the running ones" eval '[ "$(mine)" = "$(printf "%s\n" "$A" "$B")" ]'
capture lxd_lx ls -1 --stopped "^lxdv-c-"
check "ls --stopped with a FILTER: the stopped one" eval '[ "$(mine)" = "$C" ]'

capture lxd_lx info -n "$B"
expect_rc 0 "info -n B"
check "... lxc-info's lines" eval 'grep -qx "Name: *$B" <<<"$OUT" && grep -qx "State: *RUNNING" <<<"$OUT" && grep -qE "^PID: +[0-9]+$" <<<"$OUT"'
capture lxd_lx info -n "$C" -s -H
expect_rc 0 "info -s -H on a stopped one"
expect_out STOPPED "... just the state, as lxc-info -s -H prints it"

# list and completion take an LXD host's instances from LXD too.
capture lxd_lx list
expect_rc 0 "list"
check "... each instance with its state" eval 'grep -qE "^$A +RUNNING" <<<"$OUT" && grep -qE "^$B +RUNNING" <<<"$OUT" && grep -qE "^$C +STOPPED" <<<"$OUT"'
check "... and a LOCATION column, each instance's member" eval 'head -1 <<<"$OUT" | grep -qE " MDNS +LOCATION *$" && grep -qE "^$A .* m1 *$" <<<"$OUT" && grep -qE "^$B .* m2 *$" <<<"$OUT" && grep -qE "^$C .* m3 *$" <<<"$OUT"'
capture lxd_lx list --json
expect_rc 0 "list --json"
check "... each instance's \"location\"" python3 -c '
import json, sys
rows = {r["name"]: r for r in json.loads(sys.argv[1])}
assert [rows[n]["location"] for n in sys.argv[2:]] == ["m1", "m2", "m3"], rows
' "$OUT" "$A" "$B" "$C"
# The first TAB waits at most 300 ms for the host and then offers what the cache has (nothing yet)
# while the cache is written behind it: the names are polled for, as a user would press TAB again.
tab_offers_all() { capture lxd_lx __complete containers; out_has_line "$A" && out_has_line "$B" && out_has_line "$C"; }
check "a TAB offers the three instances (the cache written within 15 s)" wait_for 15 tab_offers_all
capture lxd_lx __complete containers --state stopped
check "... and with --state stopped only the stopped one" eval '[ "$(mine)" = "$C" ]'

# ls --all-hosts and list --all-hosts: the lab's LXC host and the cluster together.
lab_config "$T/both.toml"
{
  echo
  sed -n '/^\[hosts\.lab\]/,$p' "$LAB_CONFIG" | sed -e '1s/.*/[hosts.cluster]/' -e '/^lxcpath = /d'
  printf 'backend = "lxd"\nlxd_socket = "%s"\n' "$LAB_LXD_SOCKET"
} >>"$T/both.toml"
capture in_laptop lxhost -c "$T/both.toml" ls --all-hosts -1
expect_rc 0 "ls --all-hosts -1, an LXC host and an LXD host"
check "... the lab's containers and the cluster's instances as HOST:NAME" eval 'out_has_line lab:web && out_has_line "cluster:$A" && out_has_line "cluster:$C"'
capture in_laptop lxhost -c "$T/both.toml" list --all-hosts
expect_rc 0 "list --all-hosts"
check "... HOST and LOCATION columns ('-' for the LXC host's rows)" eval 'grep -qE "^lab +web +RUNNING .* - *$" <<<"$OUT" && grep -qE "^cluster +$B +RUNNING .* m2 *$" <<<"$OUT"'

# State changes, each waited for through its operation, on m3's instance.
state_of() { "${LXDC[@]}" list -f csv -c s "$C" 2>/dev/null; }
capture lxd_lx start -n "$C"
expect_rc 0 "start -n C"
check "... it runs when start returns" eval '[ "$(state_of)" = RUNNING ]'
capture lxd_lx freeze -n "$C"
expect_rc 0 "freeze"
check "... it is frozen when freeze returns" eval '[ "$(state_of)" = FROZEN ]'
capture lxd_lx ls -1 --frozen
check "ls --frozen lists it" eval '[ "$(mine)" = "$C" ]'
capture lxd_lx unfreeze -n "$C"
expect_rc 0 "unfreeze"
check "... running again" eval '[ "$(state_of)" = RUNNING ]'
capture lxd_lx stop -n "$C" -k
expect_rc 0 "stop -k"
check "... stopped when stop returns" eval '[ "$(state_of)" = STOPPED ]'

# Refusals: LXD's, and lxhost's for a verb or flag with no LXD meaning.
capture lxd_lx start -n "$A"
expect_rc 1 "start of a running instance: LXD refuses"
expect_err_has "lxhost: error: LXD on cluster: The instance is already running"
expect_err_lines 1
capture lxd_lx info -n "lxdv-nosuch-$$"
expect_rc 1 "info of no such instance"
expect_err_has "lxhost: error: cluster has no instance lxdv-nosuch-$$ (in LXD project default)"
capture lxd_lx create -n x -t busybox
expect_rc 2 "create: no LXD meaning"
expect_err_has "lxhost: error: create: has no meaning on an LXD host"
expect_err_has "lxc launch IMAGE NAME"
capture lxd_lx stop -n "$A" -P /var/lib/lxc
expect_rc 2 "-P: no LXD meaning"
expect_err_has "-P is LXC's; it has no meaning on an LXD host"

# No socket: the configured one missing, and none of the usual places (the lab host has none).
lab_config "$T/nosock.toml" 's/^default_host = .*/default_host = "cluster"/' 's/^\[hosts\.lab\]/[hosts.cluster]/'
printf 'backend = "lxd"\nlxd_socket = "/var/lib/lxhost-lab/no/such.socket"\n' >>"$T/nosock.toml"
capture in_laptop lxhost -c "$T/nosock.toml" ls
expect_rc 255 "a configured socket that is not there: exit 255"
expect_err_has "cannot open a connection to the unix socket /var/lib/lxhost-lab/no/such.socket"
lab_config "$T/usual.toml" 's/^default_host = .*/default_host = "cluster"/' 's/^\[hosts\.lab\]/[hosts.cluster]/'
printf 'backend = "lxd"\n' >>"$T/usual.toml"
capture in_laptop lxhost -c "$T/usual.toml" ls
expect_rc 1 "no lxd_socket and none in the usual places: exit 1"
expect_err_has "cluster has no LXD socket in any of the usual places"

# A socket that answers with something that is not HTTP: one line, exit 1, with and without the
# master (without it, the answer is read inside libssh's callbacks: nothing may be thrown there).
python3 -c '
import os, socket, sys
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
os.chmod(path, 0o666)
s.listen(8)
while True:
    c, _ = s.accept()
    c.recv(65536)
    c.sendall(b"SSH-2.0-not-http\r\n\r\n")
    c.close()
' "$T/garbage.sock" </dev/null >/dev/null 2>&1 &
GARBAGE_PID=$!
at_exit 'kill "$GARBAGE_PID" 2>/dev/null'
wait_for 5 test -S "$T/garbage.sock" || fail "the garbage socket did not appear"
lab_config "$T/garbage.toml" 's/^default_host = .*/default_host = "cluster"/' 's/^\[hosts\.lab\]/[hosts.cluster]/'
printf 'backend = "lxd"\nlxd_socket = "%s"\n' "$T/garbage.sock" >>"$T/garbage.toml"
for mux in "" --no-mux; do
  capture in_laptop lxhost -c "$T/garbage.toml" $mux ls
  expect_rc 1 "a socket that answers no HTTP ${mux:-(mux)}: exit 1"
  expect_err_has "lxhost: error: LXD's answer is not an HTTP/1.1 response"
  expect_err_lines 1
done

finish
