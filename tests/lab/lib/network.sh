# The lab's network (sourced by tests/lab/lab): the bridge br1 and the network namespaces laptop,
# pub and stale, each joined to it by a veth pair.
# shellcheck shell=bash

link_exists() { [[ -e /sys/class/net/$1 ]]; }
link_up() { local f; read -r f 2>/dev/null </sys/class/net/"$1"/flags && ((f & 1)); } # IFF_UP
netns_exists() { [[ -e /run/netns/$1 ]]; }

up_bridge() {
  if ! link_exists $BRIDGE; then
    state_add "link $BRIDGE"
    ip link add $BRIDGE address $BRIDGE_MAC type bridge stp_state 0 forward_delay 0
  fi
  [[ $(cat /sys/class/net/$BRIDGE/address) == "$BRIDGE_MAC" ]] || ip link set $BRIDGE address $BRIDGE_MAC
  local have
  have=$(ip -br addr show dev $BRIDGE)
  [[ " $have " == *" $HOST_ADDR/24 "* ]] || ip addr add $HOST_ADDR/24 dev $BRIDGE
  [[ " $have " == *" $HOST_ADDR6/64 "* ]] || ip -6 addr add $HOST_ADDR6/64 dev $BRIDGE nodad
  link_up $BRIDGE || ip link set $BRIDGE up
}

# netns_in_place NS VETH_ROOT VETH_NS ADDR ADDR6_HEX NODE: the whole of what ensure_netns makes is
# there, seen without a fork: through /proc/PID/net of NODE's namespace holder (when it runs and is
# in NS). VETH_ROOT's operstate is "up" only when its peer is up too; the local route of ADDR exists
# only while its interface is up; ::1 only while lo is.
netns_in_place() {
  local ns=$1 vroot=$2 vns=$3 addr=$4 hex=$5 line prev="" v4=0 v6=0 lo=0 a flags name state
  netns_exists "$ns" && link_exists "$vroot" || return 1
  read -r state 2>/dev/null </sys/class/net/"$vroot"/operstate || return 1
  [[ $state == up && /sys/class/net/$vroot/master -ef /sys/class/net/$BRIDGE ]] || return 1
  pid_of "$MDNS_DIR/$6/ns.pid" "$6" ns && [[ /proc/$P/ns/net -ef /run/netns/$ns ]] || return 1
  while read -r line; do
    if [[ $prev == "|-- $addr" && $line == "/32 host LOCAL" ]]; then
      v4=1
      break
    fi
    prev=$line
  done 2>/dev/null </proc/"$P"/net/fib_trie
  while read -r a _ _ _ flags name; do
    if [[ $a == "$hex" && $name == "$vns" ]] && ((!(16#$flags & 0x40))); then v6=1; fi # not tentative
    if [[ $a == 00000000000000000000000000000001 && $name == lo ]]; then lo=1; fi
  done 2>/dev/null </proc/"$P"/net/if_inet6
  ((v4 && v6 && lo))
}

# ensure_netns NS VETH_ROOT VETH_NS ADDR ADDR6 ADDR6_HEX NODE: network namespace NS joined to br1
# by a veth pair (VETH_ROOT enslaved to br1, VETH_NS inside with ADDR/24 and ADDR6/64, no DAD for
# the latter). NODE: the mDNS node living there, whose holder allows a check without `ip -n`.
ensure_netns() {
  local ns=$1 vroot=$2 vns=$3 addr=$4 addr6=$5
  netns_in_place "$ns" "$vroot" "$vns" "$addr" "$6" "$7" && return 0
  if ! netns_exists "$ns"; then
    state_add "netns $ns"
    ip netns add "$ns"
  fi
  if ! link_exists "$vroot"; then
    state_add "link $vroot"
    # No stale namespace half can be left over: a veth dies with its peer.
    ip link add "$vroot" type veth peer name "$vns" netns "$ns"
  fi
  if ! link_up "$vroot" || [[ ! -e /sys/class/net/$vroot/master ]]; then
    ip link set "$vroot" master $BRIDGE up
  fi
  # `ip -br addr`: the veth's operstate is UP only when it is up (and its peer too); lo, once
  # up, shows UNKNOWN and 127.0.0.1/8.
  local have
  have=" $(ip -n "$ns" -br addr show) "
  have=${have//$'\n'/ }
  [[ $have == *" $addr/24 "* ]] || ip -n "$ns" addr add "$addr/24" dev "$vns"
  [[ $have == *" $addr6/64 "* ]] || ip -n "$ns" -6 addr add "$addr6/64" dev "$vns" nodad
  local up_re=" $vns@[^ ]+ +UP "
  [[ $have =~ $up_re ]] || ip -n "$ns" link set "$vns" up
  [[ $have == *" 127.0.0.1/8 "* ]] || ip -n "$ns" link set lo up
}

up_netns() { ensure_netns $NETNS $VETH_ROOT $VETH_NS $LAPTOP_ADDR $LAPTOP_ADDR6 $LAPTOP_ADDR6_HEX laptop; }

# The mDNS publisher namespaces on br1: "pub" and "stale" (see the mDNS section).
up_mdns_netns() {
  ensure_netns $PUB_NETNS $PUB_VETH_ROOT $PUB_VETH_NS $PUB_ADDR $PUB_ADDR6 $PUB_ADDR6_HEX pub
  ensure_netns $STALE_NETNS $STALE_VETH_ROOT $STALE_VETH_NS $STALE_ADDR $STALE_ADDR6 $STALE_ADDR6_HEX stale
}
