# The lab's LXD cluster (sourced by tests/lab/lab): three LXD daemons (m1, m2, m3), each in a
# network namespace of its own joined to a bridge in a fourth namespace, none with a default route
# (LXD looks up its image server when it starts: here that lookup fails at once). The container
# host is this machine: its sshd reaches m1's unix socket like any file, and the lab user is in the
# lxd group. An offline busybox image, and the lab's own storage pool (dir) on every member.
#
#   lab up --lxd      the lab, then the cluster (a few seconds)
#   lab lxd up | down | status | stop MEMBER | start MEMBER
#
# Never in this machine's own network namespace, and a blackhole route for the cluster's subnet
# here as a second guard. Everything is in the state file before it is made; `lab down` ends it.
# shellcheck shell=bash

readonly LXD_LAB=$LAB/lxd
readonly LXD_MEMBERS=(m1 m2 m3)
declare -rA LXD_ADDR=([m1]=10.204.0.11 [m2]=10.204.0.12 [m3]=10.204.0.13)
readonly LXD_SUBNET=10.204.0.0/24 LXD_PORT=8443
readonly LXD_NETNS=lxd-net LXD_BRIDGE=lxdbr0 LXD_IF=lan0 # the bridge's namespace, and each member's interface
# Instances' NICs: a bridge with no address in each member's namespace; m1's is linked to this
# machine at layer 2 (LXD_INSTANCE_LINK, LXD_INSTANCE_NET.1/24 here), addresses set inside.
readonly LXD_INSTANCE_BRIDGE=inst0 LXD_INSTANCE_LINK=lxh-inst LXD_INSTANCE_NET=10.205.0
readonly LXD_GROUP=lxd LXD_IMAGE=busybox LXD_POOL=local
readonly LXD_BIN=/usr/bin/lxd LXC_CLIENT=/usr/bin/lxc

# lxd_pid MEMBER: sets P to the member's daemon PID when it runs (its pid file, checked against its
# command line), fails otherwise.
lxd_pid() {
  local pid
  read -r pid 2>/dev/null <"$LXD_LAB/$1.pid" || return 1
  [[ $pid =~ ^[0-9]+$ ]] && cmdline "$pid" || return 1
  [[ $CMDLINE == "$LXD_BIN --group $LXD_GROUP --logfile $LXD_LAB/$1/lxd.log" ]] || return 1
  P=$pid
}
# lxd_client MEMBER ARGS...: LXD's client against MEMBER's socket.
lxd_client() {
  local m=$1
  shift
  LXD_DIR=$LXD_LAB/$m "$LXC_CLIENT" "$@"
}

lxd_preflight() {
  local l
  getent group $LXD_GROUP >/dev/null || die "no group $LXD_GROUP (apt-get install lxd)"
  for l in $LXD_NETNS "${LXD_MEMBERS[@]/#/lxd-}"; do
    if netns_exists "$l" && ! state_has "netns $l"; then
      die "network namespace $l exists and was not made by the lab; refusing to reuse it"
    fi
  done
}

# The cluster's network: lxd-net with the bridge, a namespace per member with its veth's inner end.
lxd_up_network() {
  if ! ip route show type blackhole | grep -q "^blackhole $LXD_SUBNET"; then
    state_add "route blackhole $LXD_SUBNET"
    ip route add blackhole $LXD_SUBNET
  fi
  if ! netns_exists $LXD_NETNS; then
    state_add "netns $LXD_NETNS"
    ip netns add $LXD_NETNS
  fi
  ip -n $LXD_NETNS link show $LXD_BRIDGE >/dev/null 2>&1 || ip -n $LXD_NETNS link add $LXD_BRIDGE type bridge
  ip -n $LXD_NETNS link set $LXD_BRIDGE up
  local m
  for m in "${LXD_MEMBERS[@]}"; do
    if ! netns_exists "lxd-$m"; then
      state_add "netns lxd-$m"
      ip netns add "lxd-$m"
    fi
    if ! ip -n "lxd-$m" link show $LXD_IF >/dev/null 2>&1; then
      ip -n $LXD_NETNS link del "$m" 2>/dev/null || true # a half left by an interrupted up
      ip link add "$m" netns $LXD_NETNS type veth peer name $LXD_IF netns "lxd-$m"
      ip -n $LXD_NETNS link set "$m" master $LXD_BRIDGE up
      ip -n "lxd-$m" addr add "${LXD_ADDR[$m]}/24" dev $LXD_IF
    fi
    ip -n "lxd-$m" link set $LXD_IF up
    ip -n "lxd-$m" link set lo up
    [[ -z $(ip -n "lxd-$m" route show default) ]] || die "namespace lxd-$m has a default route: refusing to start LXD there"
    # For instances' NICs (nictype=bridged parent=inst0): no address, no DHCP; a test sets an
    # instance's address inside it.
    ip -n "lxd-$m" link show $LXD_INSTANCE_BRIDGE >/dev/null 2>&1 || ip -n "lxd-$m" link add $LXD_INSTANCE_BRIDGE type bridge
    ip -n "lxd-$m" link set $LXD_INSTANCE_BRIDGE up
  done
  # m1's instances' bridge, linked to this machine (where the container host's sshd runs) at layer 2,
  # so that a forward from the host reaches an instance of m1 at LXD_INSTANCE_NET.N. Nothing routes
  # or forwards between the two: the instance has no route out, and neither has the namespace.
  if ! ip link show $LXD_INSTANCE_LINK >/dev/null 2>&1; then
    state_add "link $LXD_INSTANCE_LINK"
    ip link add $LXD_INSTANCE_LINK type veth peer name up0 netns "lxd-${LXD_MEMBERS[0]}"
    ip -n "lxd-${LXD_MEMBERS[0]}" link set up0 master $LXD_INSTANCE_BRIDGE up
    ip addr add "$LXD_INSTANCE_NET.1/24" dev $LXD_INSTANCE_LINK
  fi
  ip link set $LXD_INSTANCE_LINK up
}

# lxd_start MEMBER: the member's daemon, in its namespace, if it does not run; waits until it is ready.
lxd_start() {
  lxd_launch "$1"
  lxd_ready "$1"
}
# lxd_launch MEMBER: the member's daemon started, if it does not run. A member of a cluster is ready
# only once a majority of its members run (its database needs a leader): a cluster whose daemons all
# ended (the machine restarted) has every member launched before any is waited for.
lxd_launch() {
  local m=$1 dir=$LXD_LAB/$1  # the member's LXD_DIR
  ensure_dir "$dir" 0711 root:root
  if ! lxd_pid "$m"; then
    [[ -z $(ip -n "lxd-$m" route show default) ]] || die "namespace lxd-$m has a default route: refusing to start LXD there"
    state_add "lxd $m"
    # With the namespace's own /sys (as `ip netns exec` mounts it), in a mount namespace of its own:
    # LXD finds an instance NIC's host side (and its parent bridge) there, not in this machine's.
    # What is mounted below /sys (the cgroup hierarchies, securityfs for AppArmor) is moved onto it.
    ensure_dir "$dir/.sys" 0700 root:root
    # shellcheck disable=SC2016 # $1, $p and $@ are sh -c's
    LXD_DIR=$dir setsid nsenter --net="/run/netns/lxd-$m" -- unshare --mount --propagation slave \
      sh -c 'o=$1; shift; mount --rbind /sys "$o" && mount -t sysfs sysfs /sys || exit 1
        for p in $(awk -v o="$o/" '"'"'index($5, o) == 1 {print substr($5, length(o) + 1)}'"'"' /proc/self/mountinfo); do
          case $p in */*/*) continue ;; esac  # only the mount points right below /sys/fs, /sys/kernel
          [ -d "/sys/$p" ] && mount --move "$o/$p" "/sys/$p" 2>/dev/null
        done
        umount -l "$o"; exec "$@"' sh "$dir/.sys" \
      $LXD_BIN --group $LXD_GROUP --logfile "$dir/lxd.log" >"$LAB/log/lxd-$m.out" 2>&1 </dev/null 9>&- &
    echo $! >"$LXD_LAB/$m.pid"
  fi
}
# lxd_ready MEMBER: waits until the member's daemon is ready.
lxd_ready() {
  local m=$1 dir=$LXD_LAB/$1
  LXD_DIR=$dir timeout 30 $LXD_BIN waitready --timeout 20 ||
    die "LXD $m did not become ready (see $LAB/log/lxd-$m.out and $dir/lxd.log)"
}

# lxd_init MEMBER: the bootstrap (m1) or a join (the others), run inside the member's namespace.
lxd_init() {
  local m=$1 dir=$LXD_LAB/$1 preseed token
  [[ ! -f $LXD_LAB/$m.initialised ]] || return 0
  if [[ $m == "${LXD_MEMBERS[0]}" ]]; then
    preseed="config:
  core.https_address: ${LXD_ADDR[$m]}:$LXD_PORT
  images.auto_update_interval: \"0\"
  images.remote_cache_expiry: \"0\"
storage_pools:
- name: $LXD_POOL
  driver: dir
networks: []
profiles:
- name: default
  devices:
    root:
      path: /
      pool: $LXD_POOL
      type: disk
cluster:
  server_name: $m
  enabled: true
"
  else
    token=$(lxd_client "${LXD_MEMBERS[0]}" cluster add "$m" --quiet) || die "no join token for $m from ${LXD_MEMBERS[0]}"
    preseed="cluster:
  enabled: true
  server_name: $m
  server_address: ${LXD_ADDR[$m]}:$LXD_PORT
  cluster_address: ${LXD_ADDR[${LXD_MEMBERS[0]}]}:$LXD_PORT
  cluster_token: $token
  member_config:
  - entity: storage-pool
    name: $LXD_POOL
    key: source
    value: \"\"
"
  fi
  LXD_DIR=$dir nsenter --net="/run/netns/lxd-$m" -- timeout 60 $LXD_BIN init --preseed <<<"$preseed" \
    >"$LAB/log/lxd-init-$m.out" 2>&1 9>&- || die "lxd init of $m failed (see $LAB/log/lxd-init-$m.out and $dir/lxd.log)"
  : >"$LXD_LAB/$m.initialised"
}

# The busybox image, from the lab's own busybox container's rootfs (no download: nothing to download from).
lxd_image() {
  local m=${LXD_MEMBERS[0]} dir=$LXD_LAB/image
  lxd_client "$m" image info $LXD_IMAGE >/dev/null 2>&1 && return 0
  ensure_dir "$dir" 0700 root:root
  rm -rf -- "$dir/lxc" "$dir/meta"
  mkdir -p -- "$dir/lxc" "$dir/meta"
  quiet lxc-create -P "$dir/lxc" -n image -t busybox
  # No udhcpc (no DHCP anywhere in the lab), no getty: init runs rcS and waits.
  printf '%s\n' '#!/bin/sh' '/bin/mount -a' >"$dir/lxc/image/rootfs/etc/init.d/rcS"
  printf '%s\n' '::sysinit:/etc/init.d/rcS' >"$dir/lxc/image/rootfs/etc/inittab"
  printf 'architecture: %s\ncreation_date: %s\nproperties:\n  description: busybox (lxhost lab, offline)\n  os: busybox\n' \
    "$(uname -m)" "$EPOCHSECONDS" >"$dir/meta/metadata.yaml"
  tar -C "$dir/meta" -czf "$dir/meta.tar.gz" metadata.yaml
  tar -C "$dir/lxc/image/rootfs" -czf "$dir/rootfs.tar.gz" .
  quiet lxd_client "$m" image import "$dir/meta.tar.gz" "$dir/rootfs.tar.gz" --alias $LXD_IMAGE
  rm -rf -- "$dir/lxc" "$dir/meta" "$dir/meta.tar.gz" "$dir/rootfs.tar.gz"
}

lxd_up() {
  local t0 m
  now
  t0=$NOW
  [[ -f $STATE ]] || die "the lab is not up: run 'lab up' first"
  load_state
  load_accounts
  lxd_preflight
  ensure_dir "$LXD_LAB" 0755 root:root
  lxd_up_network
  for m in "${LXD_MEMBERS[@]}"; do lxd_launch "$m"; done
  for m in "${LXD_MEMBERS[@]}"; do lxd_ready "$m"; done
  for m in "${LXD_MEMBERS[@]}"; do lxd_init "$m"; done
  lxd_image
  # The lab user reaches the socket as the lxd group's member (what LXD's docs ask of a user).
  if ! id -nG lxhtest | tr ' ' '\n' | grep -qx $LXD_GROUP; then
    state_add "lxd-group lxhtest"
    quiet usermod -a -G $LXD_GROUP lxhtest
  fi
  # Members restarted together see each other ONLINE after a round of heartbeats (a few seconds).
  local online i
  for i in $(seq 60); do
    online=$(lxd_client "${LXD_MEMBERS[0]}" cluster list -f csv | grep -c ',ONLINE,' || true)
    ((online < ${#LXD_MEMBERS[@]})) || break
    sleep 0.5
  done
  ((online == ${#LXD_MEMBERS[@]})) || die "only $online of ${#LXD_MEMBERS[@]} LXD members are online after 30 s"
  now
  say "lxd up in $((NOW - t0)) ms: members ${LXD_MEMBERS[*]}, socket $LXD_LAB/${LXD_MEMBERS[0]}/unix.socket, image $LXD_IMAGE"
}

# lxd_stop_member MEMBER / lxd_start_member MEMBER: its daemon ended (TERM: as a member lost) or
# started again. A member that rejoins is ONLINE at once, but for some seconds more an operation
# placed on it fails ("Missing event connection with target cluster member", "Operation not
# found"), and m1 may still list its instances as ERROR (seen right after a launch there): start
# waits (bounded) until both work, a probe instance made there, listed STOPPED, and deleted. And
# the cluster takes a member for offline once its last heartbeat is older than 20 s (LXD's
# cluster.offline_threshold), also when it runs again: a member down across a heartbeat round was
# seen go offline seconds after its start. So start also waits for a heartbeat of the member
# newer than its start (the members' rounds come every 10-20 s).
lxd_stop_member() {
  lxd_pid "$1" || die "LXD $1 does not run"
  stop_pids "LXD $1" "$P"
}
lxd_start_member() {
  local m=$1 probe=lab-probe-$1 deadline started beat
  started=$(date -u +%Y-%m-%dT%H:%M:%S)
  lxd_start "$m"
  now
  deadline=$((NOW + 60000))
  until lxd_client "${LXD_MEMBERS[0]}" init $LXD_IMAGE "$probe" --target "$m" >/dev/null 2>&1 &&
    [[ $(lxd_client "${LXD_MEMBERS[0]}" list -f csv -c s "^$probe\$" 2>/dev/null) == STOPPED ]]; do
    lxd_client "${LXD_MEMBERS[0]}" delete --force "$probe" >/dev/null 2>&1 || true
    now
    ((NOW < deadline)) || die "LXD $m is up but takes no operation after 60 s (see $LXD_LAB/$m/lxd.log)"
    sleep 0.5
  done
  quiet lxd_client "${LXD_MEMBERS[0]}" delete --force "$probe"
  # The heartbeat as the cluster's database has it, to the second (RFC 3339: they sort as text).
  until beat=$(LXD_DIR="$LXD_LAB/${LXD_MEMBERS[0]}" timeout 10 lxd sql global "SELECT heartbeat FROM nodes WHERE name = '$m'" 2>/dev/null |
    grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}') && [[ $beat > $started ]]; do
    now
    ((NOW < deadline)) || die "LXD $m runs, but the cluster has had no heartbeat of it for 60 s (see $LXD_LAB/$m/lxd.log)"
    sleep 0.5
  done
}

# Everything of the cluster: instances stopped (forced), daemons ended, their mounts, namespaces,
# route and group membership undone. Safe to run on a partial cluster, or none.
lxd_down() {
  local m pid live="" line
  local -a pids=()
  for m in "${LXD_MEMBERS[@]}"; do
    if lxd_pid "$m"; then
      pids+=("$P")
      [[ -n $live ]] || live=$m
    fi
  done
  if [[ -n $live ]]; then
    # Running instances stopped through LXD (it removes their cgroups and mounts), any project.
    while IFS=, read -r project name status; do
      [[ $status == RUNNING || $status == FROZEN ]] || continue
      timeout 30 env LXD_DIR="$LXD_LAB/$live" $LXC_CLIENT stop --force --project "$project" "$name" >/dev/null 2>&1 || true
    done < <(timeout 30 env LXD_DIR="$LXD_LAB/$live" $LXC_CLIENT list --all-projects -f csv -c ens 2>/dev/null || true)
  fi
  # What LXD started for instances it could not stop (a member lost meanwhile): their monitors.
  while read -r pid line; do
    [[ $line == "[lxc monitor] $LXD_LAB/"* ]] && pids+=("$pid")
  done < <(ps -e -o pid= -o args=)
  if ((${#pids[@]})); then
    say "down: ending the LXD daemons: PIDs ${pids[*]}"
    stop_pids "LXD process" "${pids[@]}"
  fi
  local mounts
  while read -r line; do
    if [[ -n $line ]]; then umount -l -- "$line" 2>/dev/null || true; fi
  done < <(awk -v p="$LXD_LAB/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo | sort -r)
  for m in "${LXD_MEMBERS[@]}" net; do
    [[ $m == net ]] && m=$LXD_NETNS || m=lxd-$m
    if state_has "netns $m" && netns_exists "$m"; then ip netns del "$m"; fi
  done
  if state_has "link $LXD_INSTANCE_LINK"; then ip link del $LXD_INSTANCE_LINK 2>/dev/null || true; fi  # gone with lxd-m1 as a rule
  if state_has "route blackhole $LXD_SUBNET"; then ip route del blackhole $LXD_SUBNET 2>/dev/null || true; fi
  if state_has "lxd-group lxhtest" && getent passwd lxhtest >/dev/null && id -nG lxhtest | tr ' ' '\n' | grep -qx $LXD_GROUP; then
    quiet gpasswd -d lxhtest $LXD_GROUP
  fi
  slurp mounts /proc/self/mountinfo
  [[ $mounts != *" $LXD_LAB/"* ]] || die "something is still mounted below $LXD_LAB"
  rm -rf --one-file-system -- "$LXD_LAB"
  if [[ -f $STATE ]]; then
    local kept
    kept=$(grep -v -e "^netns lxd-" -e "^route blackhole $LXD_SUBNET\$" -e "^link $LXD_INSTANCE_LINK\$" -e '^lxd ' \
      -e '^lxd-group ' "$STATE" || true)
    printf '%s\n' "$kept" >"$STATE"
    load_state
  fi
}

lxd_status() {
  local m ok=0
  for m in "${LXD_MEMBERS[@]}"; do
    if lxd_pid "$m"; then say "lxd $m: PID $P, ${LXD_ADDR[$m]}"; else say "lxd $m: not running"; ok=1; fi
  done
  return $ok
}

cmd_lxd() {
  case "${1:-}:$#" in
  up:1 | down:1)
    exec 9<"$LAB_SCRIPT"
    flock -w 60 9 || die "another 'lab up' or 'lab down' is still running"
    check_lab_dir
    load_state
    "lxd_$1"
    ;;
  status:1) if lxd_status; then exit 0; else exit 1; fi ;;
  stop:2 | start:2)
    [[ -n ${LXD_ADDR[$2]+x} ]] || die "no LXD member '$2' (members: ${LXD_MEMBERS[*]})"
    if [[ $1 == stop ]]; then lxd_stop_member "$2"; else lxd_start_member "$2"; fi
    ;;
  *) die "usage: lab lxd up | down | status | stop MEMBER | start MEMBER" ;;
  esac
}
