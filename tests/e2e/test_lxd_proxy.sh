# `lxhost proxy NAME.local PORT` (ssh's ProxyCommand) for an instance of a host with backend = "lxd":
# LXD, not lxc-info, is asked for the instance's address, and the forward reaches it: an instance of
# m1 with a NIC on the lab's instance bridge and an address set inside it, which this machine (the
# container host) reaches at layer 2, answers through proxy. A stopped instance, one that is not
# there, and one whose cluster member is down are each one line, exit 255, at once.
source "$(dirname "$0")/lib.sh"

lxd_suite

new_name S lxdp-s
new_name R lxdp-r
INSTANCES+=("$S" "$R")
"${LXDC[@]}" init "$LAB_LXD_IMAGE" "$S" --target m2 >/dev/null
ADDR=$LAB_LXD_INSTANCE_NET.10
"${LXDC[@]}" init "$LAB_LXD_IMAGE" "$R" --target m1 >/dev/null
"${LXDC[@]}" config device add "$R" eth0 nic nictype=bridged parent=inst0 name=eth0 >/dev/null
"${LXDC[@]}" start "$R" >/dev/null 2>&1
"${LXDC[@]}" exec "$R" -- ip addr add "$ADDR/24" dev eth0
"${LXDC[@]}" exec "$R" -- ip link set eth0 up
# One answer on port 7777, from inside the instance.
"${LXDC[@]}" exec "$R" -- sh -c "echo hello-from-$R | nc -l -p 7777" >/dev/null 2>&1 &
LISTENER=$!

# The cache lists them (as after a TAB): proxy asks the host and mDNS at once.
capture lxd_lx ls -1
expect_rc 0 "ls -1 (the completion cache)"
expect_out_has "$S"

capture lxd_lx -v proxy "$R.local" 7777
expect_rc 0 "proxy to a running instance, at the address LXD reports"
expect_out "hello-from-$R"
expect_err_has "proxy: $R.local port 7777 through cluster ($ADDR)"
wait "$LISTENER" || true

capture lxd_lx proxy "$S.local" 22
expect_rc 255 "proxy to a stopped instance"
expect_err_has "proxy: $S.local is not reachable directly, and container '$S' on cluster has no address (is it running?)"

capture lxd_lx proxy "nosuch-$$.local" 22
expect_rc 255 "proxy to an instance that is not there"
expect_err_has "proxy: nosuch-$$.local is not reachable directly"

"$LAB_TOOL" lxd stop m2 >/dev/null
capture lxd_lx proxy "$S.local" 22
expect_rc 255 "proxy to an instance whose member is down"
expect_err_has "proxy: $S.local is not reachable directly, and $S is on m2, a cluster member"
check "... at once ($MS ms)" test "$MS" -lt $((SLOW * 5000))
"$LAB_TOOL" lxd start m2 >/dev/null

finish
