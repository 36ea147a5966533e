# The lab's LXD cluster (`lab lxd up`, the lxd fixture) is what the LXD suites need, and safe:
# three members online, none of their namespaces with a default route and a blackhole route for
# their subnet here; the lab user reaches m1's socket over the lab's sshd (as lxhost's session
# will); an instance placed on each member runs there; a member whose daemon is stopped shows its
# instance as ERROR, and started again it is back. LXD's own client does the talking here: no
# lxhost yet.
source "$(dirname "$0")/lib.sh"

lxd_suite

capture "${LXDC[@]}" cluster list -f csv
expect_rc 0 "lxc cluster list on m1"
for m in $LAB_LXD_MEMBERS; do
  check "member $m is online" eval 'grep -q "^$m,https://[0-9.]*:8443,.*,ONLINE," <<<"$OUT"'
done
for m in $LAB_LXD_MEMBERS; do
  check "namespace lxd-$m has no default route" eval '[ -z "$(ip -n "lxd-$m" route show default)" ]'
done
check "a blackhole route for the cluster's subnet in this namespace" eval 'ip route show type blackhole | grep -q "^blackhole 10.204.0.0/24"'

# The lab user, over the lab's sshd, with LXD's client on the host: the socket is reachable as a
# member of the lxd group.
capture in_laptop timeout 30 ssh -F /dev/null -i "$LAB_CLIENT_KEY" -o UserKnownHostsFile="$LAB_KNOWN_HOSTS" -o BatchMode=yes \
  -p "$LAB_SSH_PORT" "$LAB_USER@$LAB_HOST_ADDR" "LXD_DIR=$LAB_LXD_DIR/m1 lxc list -f csv -c n"
expect_rc 0 "the lab user lists LXD's instances over the lab's sshd"

for m in $LAB_LXD_MEMBERS; do
  new_name name "lxdlab-$m"
  INSTANCES+=("$name")
  capture "${LXDC[@]}" launch "$LAB_LXD_IMAGE" "$name" --target "$m"
  expect_rc 0 "launch $LAB_LXD_IMAGE on $m"
  capture "${LXDC[@]}" list -f csv -c nsL "$name"
  check "... it runs on $m" eval '[ "$OUT" = "$name,RUNNING,$m" ]'
  capture "${LXDC[@]}" exec "$name" -- sh -c 'echo in $(hostname); exit 3'
  check "... and lxc exec runs in it, with its exit code" eval '[ "$OUT" = "in $name" ] && [ "$RC" = 3 ]'
done
on_m3=${INSTANCES[2]}

capture "$LAB_TOOL" lxd stop m3
expect_rc 0 "lab lxd stop m3"
listed_as() { [ "$("${LXDC[@]}" list -f csv -c ns "$on_m3" 2>/dev/null)" = "$on_m3,$1" ]; }
check "with m3 down, its instance is listed as ERROR" wait_for 30 listed_as ERROR
capture "$LAB_TOOL" lxd start m3
expect_rc 0 "lab lxd start m3"
check "m3 back: its instance is RUNNING again" wait_for 30 listed_as RUNNING

finish
