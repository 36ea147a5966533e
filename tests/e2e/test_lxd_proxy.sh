# `lxhost proxy NAME.local PORT` (ssh's ProxyCommand) for an instance of a host with backend = "lxd":
# LXD, not lxc-info, is asked for the instance's address. A stopped instance, one that is not
# there, and one whose cluster member is down are each one line, exit 255, at once. (The lab's
# instances can have no NIC: its LXD daemons see this machine's /sys, not their namespace's, and
# LXD refuses to start a NIC whose host side it cannot find there.)
source "$(dirname "$0")/lib.sh"

lxd_suite

new_name S lxdp-s
INSTANCES+=("$S")
"${LXDC[@]}" init "$LAB_LXD_IMAGE" "$S" --target m2 >/dev/null

# The cache lists it (as after a TAB): proxy asks the host and mDNS at once.
capture lxd_lx ls -1
expect_rc 0 "ls -1 (the completion cache)"
expect_out_has "$S"

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
