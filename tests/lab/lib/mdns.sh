# The lab's mDNS as `up` and `lab mdns` use it (sourced by tests/lab/lab): every node started,
# up's self-checks from the laptop, and `lab mdns status | start|stop|restart|kill|freeze|thaw NODE`.
# The nodes themselves are in lib/mdns_nodes.sh.
# shellcheck shell=bash

# Every mDNS node: what does not run is started (the daemons probe their names while sshd starts).
up_mdns() { mdns_launch "${MDNS_NODES[@]}"; }

# mdns_check NAME: one of up's self-checks (mDNS, and OpenSSH to sshd1 and sshd2), from the laptop
# (inside its daemon's namespaces); prints what it saw; run in the background.
mdns_check() {
  local out
  local -a in_laptop=(nsenter --target "$LAPTOP_NS" --mount --net --wd=/ -- env -i "${ENVV[@]}" timeout 8)
  local -a ssh_ct=(ssh -F /dev/null -i "$CLIENT_KEY" -o IdentitiesOnly=yes -o UserKnownHostsFile="$KNOWN_HOSTS"
    -o BatchMode=yes -o ConnectTimeout=5)
  case $1 in
  sshd1)
    out=$("${in_laptop[@]}" avahi-resolve-host-name -4 sshd1.local 2>&1) || true
    printf '%s\n' "$out"
    [[ $out == sshd1.local$'\t'"$SSHD1_ADDR" ]]
    ;;
  sshd1-getent) # what OpenSSH does with sshd1.local (nss-mdns)
    out=$("${in_laptop[@]}" getent hosts sshd1.local 2>&1) || true
    printf '%s\n' "$out"
    [[ $out =~ ^"$SSHD1_ADDR"\ +sshd1\.local$ ]]
    ;;
  sshd2-unannounced) # nothing may answer for sshd2.local: a responder answers a host name at once
    out=$("${in_laptop[@]:0:${#in_laptop[@]}-2}" timeout 1.5 avahi-resolve-host-name -4 sshd2.local 2>&1) || true
    printf '%s\n' "$out"
    [[ $out != *sshd2.local$'\t'* ]]
    ;;
  ssh-sshd1 | ssh-sshd2)
    out=$("${in_laptop[@]}" "${ssh_ct[@]}" "$CT_USER@${CT_ADDR[${1#ssh-}]}" hostname 2>&1 </dev/null) || true
    printf '%s\n' "$out"
    [[ $out == "${1#ssh-}" ]]
    ;;
  ssh-proxy) # through the lab sshd (direct-tcpip), the host key checked under sshd2.local
    out=$("${in_laptop[@]}" "${ssh_ct[@]}" -o HostKeyAlias=sshd2.local -o ProxyCommand="ssh -F /dev/null \
-i $CLIENT_KEY -o IdentitiesOnly=yes -o UserKnownHostsFile=$KNOWN_HOSTS -o BatchMode=yes -p $PORT -W %h:%p lxhtest@$HOST_ADDR" \
      "$CT_USER@$SSHD2_ADDR" hostname 2>&1 </dev/null) || true
    printf '%s\n' "$out"
    [[ $out == sshd2 ]]
    ;;
  containers)
    out=$("${in_laptop[@]}" avahi-resolve-host-name -4 "$CONTAINERS_NAME" 2>&1) || true
    printf '%s\n' "$out"
    [[ $out == "$CONTAINERS_NAME"$'\t'"$HOST_ADDR" ]]
    ;;
  web)
    out=$("${in_laptop[@]}" avahi-resolve-host-name -4 web.local 2>&1) || true
    printf '%s\n' "$out"
    [[ $out == web.local$'\t'"$WEB_ADDR" || $out == web.local$'\t'"$WEB_ADDR_2" ]]
    ;;
  web-addresses) # each of web's IPv4 addresses is announced (reverse records come with the A records)
    out=$("${in_laptop[@]}" avahi-resolve-address "$WEB_ADDR" "$WEB_ADDR_2" 2>&1) || true
    printf '%s\n' "$out"
    [[ $'\n'$out$'\n' == *$'\n'"$WEB_ADDR"$'\t'web.local$'\n'* && $'\n'$out$'\n' == *$'\n'"$WEB_ADDR_2"$'\t'web.local$'\n'* ]]
    ;;
  getent)
    out=$("${in_laptop[@]}" getent hosts "$CONTAINERS_NAME" 2>&1) || true
    printf '%s\n' "$out"
    [[ $out =~ ^"$HOST_ADDR"\ +"$CONTAINERS_NAME"$ ]]
    ;;
  browse)
    out=$("${in_laptop[@]}" avahi-browse -kpt _ssh._tcp 2>&1) || true
    printf '%s\n' "$out"
    [[ $out == *"+;$VETH_NS;IPv4;containers;_ssh._tcp;local"* && $out == *"+;$VETH_NS;IPv4;stale-service;_ssh._tcp;local"* ]]
    ;;
  hostile)
    local n=0 line
    out=$("${in_laptop[@]}" avahi-browse -kpt "$HOSTILE_TYPE" 2>&1) || true
    printf '%s\n' "$out"
    while IFS= read -r line; do
      if [[ $line == "+;$VETH_NS;IPv4;"* ]]; then n=$((n + 1)); fi
    done <<<"$out"
    ((n == ${#HOSTILE_NAMES[@]}))
    ;;
  esac
}

# From the laptop: the names and services every test relies on, and OpenSSH to sshd1 and sshd2
# (directly, and to sshd2 through the lab sshd). Only when this run started something (a second
# `up` pays nothing here); each check retried until it passes, at most WAIT_S in all.
mdns_self_check() {
  ((MDNS_STARTED || CT_STARTED)) || return 0
  node_read laptop
  [[ -n $M_NS && -n $M_AVAHI ]] || die "self-check: the laptop's avahi-daemon is not running"
  LAPTOP_NS=$M_NS
  exec_env laptop
  local dir=$MDNS_DIR/check deadline c rc
  local -a todo=(containers web web-addresses getent browse hostile sshd1 sshd1-getent sshd2-unannounced
    ssh-sshd1 ssh-sshd2 ssh-proxy) left
  local -A pid=()
  mkdir -p -- "$dir"
  now
  deadline=$((NOW + WAIT_S * 1000))
  while :; do
    for c in "${todo[@]}"; do
      mdns_check "$c" >"$dir/$c.out" 2>&1 9>&- &
      pid[$c]=$!
    done
    left=()
    for c in "${todo[@]}"; do
      rc=0
      wait "${pid[$c]}" || rc=$?
      ((rc == 0)) || left+=("$c")
    done
    ((${#left[@]})) || break
    now
    if ((NOW >= deadline)); then
      local out
      c=${left[0]}
      slurp out "$dir/$c.out"
      die "self-check (from $NETNS): ${left[*]} failed; $c saw: ${out//$'\n'/ | }"
    fi
    todo=("${left[@]}")
    sleep 0.2
  done
  rm -rf -- "$dir"
}

cmd_mdns_status() {
  local node rc=0
  for node in "${MDNS_NODES[@]}"; do
    node_state "$node"
    [[ $MSTATE == up ]] || rc=1
    printf '%-7s %-7s %s\n' "$node" "$MSTATE" "$MDETAIL"
  done
  if ! nsswitch_ok; then
    printf 'nss-mdns: /etc/nsswitch.conf has no mdns4_minimal on its hosts: line: getent cannot resolve .local\n'
    rc=1
  fi
  return $rc
}

cmd_mdns() {
  local verb=${1:-} node=${2:-} pid
  case $verb in
  status)
    (($# == 1)) || die "usage: lab mdns status"
    if cmd_mdns_status; then exit 0; else exit 1; fi
    ;;
  start | stop | restart | kill | freeze | thaw) (($# == 2)) || die "usage: lab mdns $verb NODE (${MDNS_NODES[*]})" ;;
  *) die "usage: lab mdns status | start|stop|restart|kill|freeze|thaw NODE (${MDNS_NODES[*]})" ;;
  esac
  check_lab_dir
  [[ -f $STATE ]] || die "the lab is not up (no $STATE): run 'lab up' first"
  node_info "$node"
  exec 9<"$LAB_SCRIPT"
  flock -w 60 9 || die "another lab command is still running"
  load_state
  mdns_meta_paths "$node"
  load_meta "${MDNS_META[@]}"
  # Who asked for what, for anyone puzzled by a daemon that came and went (tests run these verbs).
  local caller=""
  if cmdline "$PPID"; then caller=$CMDLINE; fi
  if [[ -d $MDNS_DIR ]]; then
    printf '%(%F %T)T %s %s (PID %s, parent %s: %s)\n' -1 "$verb" "$node" "$$" "$PPID" "${caller:0:200}" >>"$MDNS_DIR/verbs.log"
  fi
  case $verb in
  stop)
    mdns_stop_daemon "$node"
    rm -f -- "$N_DIR/killed"
    say "mdns: $node stopped (its publishers wait for the next daemon)"
    ;;
  start | restart)
    [[ $verb == start ]] || mdns_stop_daemon "$node"
    mdns_launch "$node"
    mdns_wait_pending
    node_read "$node"
    say "mdns: $node up: avahi-daemon PID $M_AVAHI"
    ;;
  freeze | thaw)
    # A daemon that hangs (SIGSTOP): it keeps its D-Bus name and answers nothing, which is what
    # a stuck daemon looks like to a client. thaw (SIGCONT) lets it go on.
    node_read "$node"
    [[ -n $M_AVAHI ]] || die "mdns: $node has no avahi-daemon running"
    if [[ $verb == freeze ]]; then
      kill -STOP "$M_AVAHI"
      say "mdns: $node frozen: avahi-daemon PID $M_AVAHI stopped (SIGSTOP); 'lab mdns thaw $node' continues it"
    else
      kill -CONT "$M_AVAHI"
      say "mdns: $node thawed: avahi-daemon PID $M_AVAHI continues"
    fi
    ;;
  kill)
    # No goodbye: the daemon and its publishers die at once, peers keep them in their caches.
    node_read "$node"
    local -a victims=()
    [[ -z $M_AVAHI ]] || victims+=("$M_AVAHI")
    for pid in "${M_PUBS[@]}"; do [[ -z $pid ]] || victims+=("$pid"); done
    : >"$N_DIR/killed"
    ((${#victims[@]})) || { say "mdns: $node: nothing to kill"; return 0; }
    kill -KILL "${victims[@]}" 2>/dev/null || true
    local deadline
    now
    deadline=$((NOW + WAIT_S * 1000))
    for pid in "${victims[@]}"; do
      while alive "$pid"; do
        now
        ((NOW < deadline)) || die "mdns: PID $pid did not die on SIGKILL"
        sleep 0.01
      done
    done
    say "mdns: $node killed (SIGKILL, no goodbye): PIDs ${victims[*]}"
    ;;
  esac
}
