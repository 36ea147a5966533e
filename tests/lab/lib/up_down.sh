# `lab up` and `lab down` (sourced by tests/lab/lab): up's preflight and lab dir, then its steps in
# order (each in the file of its concern); down undoes everything the state file names.
# shellcheck shell=bash

# Refuse, before touching anything, any name the lab wants that exists and is not the lab's.
preflight() {
  deps_check
  check_lab_dir
  if [[ -e $LAB && ! -f $STATE ]]; then
    [[ -d $LAB && -z $(ls -A -- "$LAB") ]] ||
      die "$LAB exists, is not empty and holds no lab state: not the lab's, refusing to use it"
  fi
  load_state
  load_accounts
  local l u listener pid
  for l in $BRIDGE $VETH_ROOT $WEB_VETH $PUB_VETH_ROOT $STALE_VETH_ROOT "${SSH_CTS[@]/#/lxh-}"; do
    if link_exists "$l" && ! state_has "link $l"; then
      die "network interface $l exists and was not made by the lab; refusing to reuse it"
    fi
  done
  for l in $NETNS $PUB_NETNS $STALE_NETNS; do
    if netns_exists "$l" && ! state_has "netns $l"; then
      die "network namespace $l exists and was not made by the lab; refusing to reuse it"
    fi
  done
  for u in "${USERS[@]}"; do
    [[ -z ${PASSWD[$u]:-} ]] || state_has "user $u" || die "user $u exists and was not made by the lab; refusing to reuse it"
    [[ -z ${GROUP[$u]:-} ]] || state_has "group $u" || die "group $u exists and was not made by the lab; refusing to reuse it"
  done
  if [[ -e $SUDOERS ]] && ! state_has "file $SUDOERS"; then
    die "$SUDOERS exists and was not made by the lab; refusing to overwrite it"
  fi
  sshd_running || true
  port_listeners
  for l in "${LISTENERS[@]}"; do
    listener=${l% *} pid=${l#* }
    [[ $pid == "$SSHD_PID" ]] || die "port $PORT is already in use ($listener by PID $pid), not by the lab's sshd"
  done
}

up_labdir() {
  if [[ ! -d $LAB ]]; then
    # Made and recorded with INT and TERM held off: an empty $LAB without a state file is taken
    # for one that existed before, and `down` would leave it behind.
    trap '' INT TERM
    mkdir -m 0755 -- "$LAB" || die "cannot create $LAB (does its parent exist?)"
    printf '%s\n' "# lxhost lab state: what the lab made, undone by 'lab down'" "labdir $LAB" >"$STATE"
    trap - INT TERM
    STATE_SET["labdir $LAB"]=1
  elif [[ ! -f $STATE ]]; then
    printf '%s\n' "# lxhost lab state: what the lab made, undone by 'lab down'" >"$STATE"
  fi
  local u
  local -a paths=("$LAB" "$LAB/log" "$LXCPATH" "$LAB/lxc-empty.conf" "$LAB/lxc-web.conf" "$LAB/home"
    "$LAB/laptop" "$LAPTOP_HOME" "$LAPTOP_HOME/.ssh" "$LAB/keys" "$SSHD_DIR" "$SSHD_CONFIG"
    "$SSH_CONFIG" "$KNOWN_HOSTS" "$LAPTOP_HOME/.config" "$LAPTOP_HOME/.config/lxhost"
    "$LXHOST_CONFIG_FILE" "$LAPTOP_HOME/.cache" "$SUDOERS")
  for u in "${USERS[@]}"; do
    paths+=("$LAB/home/$u" "$LAB/home/$u/.ssh" "$LAB/home/$u/.ssh/authorized_keys")
  done
  mdns_meta_paths "${MDNS_NODES[@]}"
  ct_meta_paths
  paths+=("${MDNS_META[@]}" "${CT_META[@]}")
  load_meta "${paths[@]}"
  ensure_dir "$LAB" 0755 root:root
  ensure_dir "$LAB/log" 0755 root:root
}

# step FUNCTION: runs it; with LAB_TIMING=1 in the environment, prints how long it took.
step() {
  local t
  now
  t=$NOW
  "$@"
  now
  [[ -z ${LAB_TIMING:-} ]] || printf 'lab: %-18s %5d ms\n' "$1" $((NOW - t)) >&2
}

cmd_up() {
  local t0
  now
  t0=$NOW
  step preflight
  step up_labdir
  step up_bridge
  step up_containers
  step start_web
  step up_netns
  step up_keys
  step up_ssh_containers
  step up_users
  step up_sudo_paths
  step up_sudoers
  step up_laptop_home
  step up_mdns_netns
  step up_mdns
  step up_sshd
  step wait_web
  step wait_ssh_containers
  step mdns_wait_pending
  step self_check
  step mdns_self_check
  now
  say "up in $((NOW - t0)) ms: sshd $HOST_ADDR:$PORT, netns $NETNS, lxcpath $LXCPATH, mDNS ${MDNS_NODES[*]}"
}

cmd_down() {
  check_lab_dir
  if [[ ! -f $STATE ]]; then
    say "down: nothing to do (no $STATE)"
    return 0
  fi
  load_state
  local t0 name pid u
  now
  t0=$NOW

  # The LXD cluster first: its instances stopped through LXD, its daemons, namespaces and route.
  lxd_down

  # mDNS, by their pid files: each avahi-daemon ends on SIGTERM (with goodbye packets).
  local -a mdns_pids=()
  if [[ -d $MDNS_DIR ]]; then
    for name in "${MDNS_NODES[@]}"; do
      node_read "$name"
      node_pids
      mdns_pids+=("${NODE_PIDS[@]}")
    done
  fi
  if ((${#mdns_pids[@]})); then
    say "down: ending the mDNS daemons, buses, publishers and namespace holders: PIDs ${mdns_pids[*]}"
    stop_pids "mDNS process" "${mdns_pids[@]}"
  fi

  # Faults: listeners stopped, faulty lxcpaths unmounted (before the check that nothing is mounted below $LAB).
  fault_clear_all

  # Containers: every one in the lab's lxcpath is the lab's (or a test's in it).
  if [[ -d $LXCPATH ]]; then
    while read -r name; do
      [[ -n $name ]] || continue
      if ! lxc-stop -P "$LXCPATH" -n "$name" -k >/dev/null 2>&1; then
        lxc_state "$name"
        [[ $LXC_STATE == STOPPED ]] || die "could not stop container $name"
      fi
    done < <(lxc-ls -P "$LXCPATH" --active -1 2>/dev/null || true)
  fi

  # Processes, all at once: sshd would leave its sessions running, and a process left in the
  # namespace would keep it, and so the veth pair, alive.
  load_accounts
  lab_processes
  for pid in "${LAB_PIDS[@]}"; do
    if [[ $pid != "${SSHD_PID:-}" ]] && cmdline "$pid"; then
      say "down: ending PID $pid: ${CMDLINE%"${CMDLINE##*[! ]}"}" # sshd pads its titles with spaces
    fi
  done
  stop_pids "lab process" "${LAB_PIDS[@]}"
  # The veth first: deleting it removes its peer at once, while a deleted namespace takes its
  # interfaces down later, in the background.
  for name in $VETH_ROOT $PUB_VETH_ROOT $STALE_VETH_ROOT $WEB_VETH "${SSH_CTS[@]/#/lxh-}" $BRIDGE; do
    if state_has "link $name" && link_exists "$name"; then
      ip link del "$name" 2>/dev/null || ! link_exists "$name" || die "cannot delete interface $name"
    fi
  done
  for name in $NETNS $PUB_NETNS $STALE_NETNS; do
    if state_has "netns $name" && netns_exists "$name"; then ip netns del "$name"; fi
  done
  # Only ever a mount point inside the nodes' own mount namespaces: empty here, unless a real
  # avahi-daemon started since uses it.
  if state_has "dir $AVAHI_RUN" && [[ -d $AVAHI_RUN ]]; then
    rmdir -- "$AVAHI_RUN" 2>/dev/null || say "down: kept $AVAHI_RUN (not empty: in use by someone else)"
  fi

  for u in "${USERS[@]}"; do
    if state_has "user $u" && [[ -n ${PASSWD[$u]:-} ]]; then quiet userdel "$u"; fi
    if state_has "group $u" && getent group "$u" >/dev/null; then quiet groupdel "$u"; fi
  done
  if state_has "file $SUDOERS"; then rm -f -- "$SUDOERS" "$SUDOERS_TMP"; fi

  if state_has "dir /run/sshd" && [[ -d /run/sshd ]]; then
    # Another sshd (started after the lab) needs it for every connection: then it stays.
    local other=""
    for pid in $(pgrep -x sshd || true); do
      [[ $(readlink "/proc/$pid/exe" 2>/dev/null) != "$SSHD" ]] || other=$pid
    done
    if [[ -z $other ]]; then rmdir /run/sshd; else say "down: kept /run/sshd (in use by sshd PID $other)"; fi
  fi

  # Files last, the state file with them. Nothing may be mounted below $LAB by now.
  local mounts
  slurp mounts /proc/self/mountinfo
  [[ $mounts != *" $LAB/"* ]] || die "something is still mounted below $LAB"
  if state_has "labdir $LAB"; then
    rm -rf --one-file-system -- "$LAB"
  else
    find "$LAB" -mindepth 1 -maxdepth 1 ! -name state -exec rm -rf --one-file-system -- {} +
    rm -f -- "$STATE"
  fi
  now
  say "down in $((NOW - t0)) ms"
}
