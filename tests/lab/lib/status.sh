# `lab status` (sourced by tests/lab/lab): one line per part of the lab, from checks that only
# read; exit 1 when a part is down.
# shellcheck shell=bash

# status_line OK PART DETAIL: one line per part; any DOWN makes `status` exit 1.
STATUS_RC=0
status_line() {
  local mark=up
  [[ $1 == 1 ]] || { mark=DOWN; STATUS_RC=1; }
  printf '%-9s %-4s %s\n' "$2" "$mark" "$3"
}
bool() { if "$@"; then echo 1; else echo 0; fi; } # bool CMD...: 1 if CMD succeeds, else 0

bridge_ok() {
  local have
  have=" $(ip -br addr show dev $BRIDGE 2>/dev/null) " || return 1
  [[ $have == *" $HOST_ADDR/24 "* && $have == *" $HOST_ADDR6/64 "* ]] && link_up $BRIDGE
}

netns_ok() { # netns_ok NS VETH_NS VETH_ROOT ADDR ADDR6
  local have
  have=" $(ip -n "$1" -br addr show dev "$2" 2>/dev/null) " || return 1
  [[ $have == *" $4/24 "* && $have == *" $5/64 "* ]] &&
    [[ $(readlink /sys/class/net/"$3"/master 2>/dev/null) == */$BRIDGE ]]
}

user_ok() { [[ -n ${PASSWD[$1]:-} && -s $LAB/home/$1/.ssh/authorized_keys ]]; }

# sshd_answers ADDR: an SSH server on ADDR:22 sends its identification line within 2 s (connected
# from this namespace, which is on br1); sets BANNER to it.
sshd_answers() {
  # shellcheck disable=SC2016 # expanded by that bash
  BANNER=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/22" && IFS= read -r -t 2 l <&3 && printf %s "$l"' _ "$1" 2>/dev/null) ||
    BANNER=""
  BANNER=${BANNER%$'\r'}
  [[ $BANNER == SSH-2.0-* ]]
}

cmd_status() {
  local u name want
  status_line "$(bool bridge_ok)" bridge "$BRIDGE $HOST_ADDR/24 $HOST_ADDR6/64"
  status_line "$(bool netns_ok $NETNS $VETH_NS $VETH_ROOT $LAPTOP_ADDR $LAPTOP_ADDR6)" netns \
    "$NETNS: $VETH_NS $LAPTOP_ADDR/24 $LAPTOP_ADDR6/64, peer $VETH_ROOT on $BRIDGE"
  status_line "$(bool netns_ok $PUB_NETNS $PUB_VETH_NS $PUB_VETH_ROOT $PUB_ADDR $PUB_ADDR6)" netns \
    "$PUB_NETNS: $PUB_VETH_NS $PUB_ADDR/24 $PUB_ADDR6/64, peer $PUB_VETH_ROOT on $BRIDGE"
  status_line "$(bool netns_ok $STALE_NETNS $STALE_VETH_NS $STALE_VETH_ROOT $STALE_ADDR $STALE_ADDR6)" netns \
    "$STALE_NETNS: $STALE_VETH_NS $STALE_ADDR/24 $STALE_ADDR6/64, peer $STALE_VETH_ROOT on $BRIDGE"
  if sshd_running && sshd_listening "$SSHD_PID"; then
    status_line 1 sshd "PID $SSHD_PID on $HOST_ADDR:$PORT [$HOST_ADDR6]:$PORT 127.0.0.1:$PORT"
  else
    status_line 0 sshd "not running or not listening ($SSHD_CONFIG)"
  fi
  load_accounts
  for u in "${USERS[@]}"; do
    status_line "$(bool user_ok "$u")" user "$u"
  done
  status_line "$(bool test -f $SUDOERS)" sudoers "$SUDOERS"
  for name in base:STOPPED web:RUNNING sshd1:RUNNING sshd2:RUNNING; do
    want=${name#*:} name=${name%%:*}
    lxc_state "$name"
    status_line "$(bool test "$LXC_STATE" = "$want")" container "$name $LXC_STATE (want $want)"
  done
  for name in "${SSH_CTS[@]}"; do
    if sshd_answers "${CT_ADDR[$name]}"; then
      status_line 1 sshd "$name: ${CT_ADDR[$name]}:22 answers $BANNER"
    else
      status_line 0 sshd "$name: ${CT_ADDR[$name]}:22 does not answer (see $LXCPATH/$name/rootfs/var/log/sshd.log)"
    fi
  done
  for name in "${MDNS_NODES[@]}"; do
    node_state "$name"
    status_line "$(bool test $MSTATE = up)" mdns "$name $MSTATE: $MDETAIL"
  done
  status_line "$(bool nsswitch_ok)" nsswitch "/etc/nsswitch.conf hosts: has mdns4_minimal (getent, ssh resolve .local)"
  # Active faults (lab fault ...) are shown, not counted as down: a suite may be using them.
  local f
  fault_active
  for f in "${FAULTS[@]}"; do printf '%-9s %-4s %s\n' fault on "$f"; done
  return $STATUS_RC
}
