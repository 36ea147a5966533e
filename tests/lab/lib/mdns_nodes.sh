# The lab's mDNS nodes (sourced by tests/lab/lab): what each is, its files, and its processes
# (namespace holder, dbus-daemon, avahi-daemon, avahi-publish) found, started, stopped, waited for.
# What uses them (up's self-checks, `lab mdns`) is in lib/mdns.sh.
#
# $MDNS_DIR/NODE holds dbus.conf, avahi-daemon.conf, run/ (over /run/avahi-daemon: avahi's pid file
# and the socket nss-mdns reads), services/ and hosts (empty, over /etc/avahi/services and
# /etc/avahi/hosts, so the machine's own files add no records), a log per process and a pid file
# per process: ns.pid (a `sleep infinity` holding the node's network and mount namespaces, which
# everything else of the node enters), dbus.pid, avahi.pid, publish-I.pid. Each of these processes
# carries LAB_MDNS_NODE=$MDNS_DIR/NODE in its environment: a PID is the lab's only when both its
# command line and that variable match.
# shellcheck shell=bash

# node_info NODE: sets N_DIR, N_IF (the one interface its daemon may use), N_WS
# (publish-workstation), N_NETNS (its named network namespace; "" for a container's node) and N_CT
# (the container whose network namespace it lives in; "" for the others).
node_info() {
  N_DIR=$MDNS_DIR/$1 N_WS=no N_NETNS=$1 N_CT=""
  case $1 in
  laptop) N_IF=$VETH_NS N_NETNS=$NETNS ;;
  pub) N_IF=$PUB_VETH_NS ;;
  stale) N_IF=$STALE_VETH_NS ;;
  web) N_IF=$WEB_IF N_WS=yes N_NETNS="" N_CT=web ;;
  sshd1) N_IF=$CT_IF N_NETNS="" N_CT=sshd1 ;; # no workstation service: _workstation._tcp stays web's
  *) die "unknown mDNS node '$1' (known: ${MDNS_NODES[*]})" ;;
  esac
}

# publisher NODE I: sets PUB_ARGS to the arguments (after -f) of NODE's I-th avahi-publish; fails
# past the last one.
publisher() {
  local i=$2
  case $1 in
  pub)
    case $i in
    0) PUB_ARGS=(-a -R "$CONTAINERS_NAME" "$HOST_ADDR") ;;
    1) PUB_ARGS=(-s -H "$CONTAINERS_NAME" containers _ssh._tcp "$PORT" lab=lxhost) ;;
    *)
      ((i - 2 < ${#HOSTILE_NAMES[@]})) || return 1
      PUB_ARGS=(-s -- "${HOSTILE_NAMES[i - 2]}" "$HOSTILE_TYPE" 9)
      # avahi-publish puts its TXT arguments on the wire last first: given reversed, they go out
      # in HOSTILE_TXT's order (so the first "dup=" is dup=first).
      local t
      for ((t = ${#HOSTILE_TXT[@]} - 1; t >= 0; t--)); do PUB_ARGS+=("${HOSTILE_TXT[t]}"); done
      ;;
    esac
    ;;
  stale)
    ((i == 0)) || return 1
    PUB_ARGS=(-s stale-service _ssh._tcp 22)
    ;;
  *) return 1 ;;
  esac
}

# alive PID: the process exists and is not a zombie.
alive() {
  local stat
  read -r stat 2>/dev/null </proc/"$1"/stat || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# lab_proc PID NODE KIND: PID is NODE's live process of KIND (ns, dbus, avahi, publish).
# avahi-daemon rewrites its command line ("avahi-daemon: running [laptop.local]") over its
# environment too: it is known by its executable and by the pid file it wrote in the node's run/.
lab_proc() {
  local pid=$1 dir=$MDNS_DIR/$2 v
  [[ $pid =~ ^[1-9][0-9]*$ ]] && cmdline "$pid" || return 1
  case $3 in
  ns) [[ $CMDLINE == "sleep infinity" ]] ;;
  dbus) [[ $CMDLINE == "$DBUS_DAEMON --config-file=$dir/dbus.conf "* ]] ;;
  avahi)
    [[ $CMDLINE == "avahi-daemon: "* && /proc/$pid/exe -ef $AVAHI_DAEMON ]] || return 1
    v=""
    read -r v 2>/dev/null <"$dir/run/pid" || true
    [[ $v == "$pid" ]]
    return
    ;;
  publish) [[ $CMDLINE == "$AVAHI_PUBLISH -f "* ]] ;;
  *) false ;;
  esac || return 1
  local -a env=()
  mapfile -d '' -t env 2>/dev/null </proc/"$pid"/environ || return 1
  for v in "${env[@]}"; do [[ $v != "LAB_MDNS_NODE=$dir" ]] || return 0; done
  return 1
}

# pid_of PIDFILE NODE KIND: sets P to the PID in PIDFILE when that is NODE's live KIND process.
pid_of() {
  P=""
  local pid=""
  if [[ -r $1 ]]; then read -r pid <"$1" 2>/dev/null || true; fi
  lab_proc "$pid" "$2" "$3" || return 1
  P=$pid
}

# node_read NODE: sets M_NS, M_DBUS, M_AVAHI (PIDs, "" when not running), M_PUBS (per publisher:
# its PID or ""), M_NPUB (how many run), M_OUTDATED (PIDs of publishers running with other
# arguments than this script gives), M_KILLED (1 after `mdns kill`, until the next start).
node_read() {
  local node=$1 dir=$MDNS_DIR/$1 i=0
  M_NS="" M_DBUS="" M_AVAHI="" M_PUBS=() M_NPUB=0 M_OUTDATED=() M_KILLED=0
  if pid_of "$dir/ns.pid" "$node" ns; then M_NS=$P; fi
  if pid_of "$dir/dbus.pid" "$node" dbus; then M_DBUS=$P; fi
  if pid_of "$dir/avahi.pid" "$node" avahi; then M_AVAHI=$P; fi
  while publisher "$node" $i; do
    if pid_of "$dir/publish-$i.pid" "$node" publish; then
      M_PUBS+=("$P")
      M_NPUB=$((M_NPUB + 1))
      [[ $CMDLINE == "$AVAHI_PUBLISH -f ${PUB_ARGS[*]}" ]] || M_OUTDATED+=("$P")
    else
      M_PUBS+=("")
    fi
    i=$((i + 1))
  done
  [[ ! -e $dir/killed ]] || M_KILLED=1
}

node_pids() { # node_pids: sets NODE_PIDS to every running process node_read found
  local p
  NODE_PIDS=()
  for p in "$M_AVAHI" "${M_PUBS[@]}" "$M_DBUS" "$M_NS"; do
    if [[ -n $p ]]; then NODE_PIDS+=("$p"); fi
  done
}

# avahi_host NODE: sets H to the host name NODE's daemon last took (from its log), "?" if none.
avahi_host() {
  local log
  H="?"
  slurp log "$MDNS_DIR/$1/avahi.log"
  [[ $log == *"Host name is "* ]] || return 0
  log=${log##*Host name is }
  H=${log%%. *}
}

# node_state NODE: sets MSTATE (up, down or killed) and MDETAIL, from node_read; for a container's
# node, a daemon in a network namespace the container no longer has (it restarted) counts as down.
node_state() {
  local node=$1 stale_ns=""
  node_info "$node"
  node_read "$node"
  avahi_host "$node"
  if [[ -n $N_CT && -n $M_NS ]]; then
    ct_pid "$N_CT"
    [[ -n $CTP && /proc/$M_NS/ns/net -ef /proc/$CTP/ns/net ]] || stale_ns=", in a network namespace $N_CT no longer has (run lab up)"
  fi
  if [[ -n $M_NS && -n $M_DBUS && -n $M_AVAHI && $M_NPUB == "${#M_PUBS[@]}" && -z $stale_ns ]]; then
    MSTATE=up
  elif ((M_KILLED)); then
    MSTATE=killed
  else
    MSTATE=down
  fi
  local frozen=""
  if [[ -n $M_AVAHI && -r /proc/$M_AVAHI/stat ]] && [[ $(sed 's/.*) //' "/proc/$M_AVAHI/stat" | cut -d' ' -f1) == T ]]; then
    frozen=" FROZEN (lab mdns thaw $node)"
  fi
  MDETAIL="dbus ${M_DBUS:--} avahi ${M_AVAHI:--}$frozen ($H on $N_IF), publishers $M_NPUB/${#M_PUBS[@]}$stale_ns"
}

nsswitch_ok() { # getent and OpenSSH resolve .local names through nss-mdns only if hosts: has it
  local l
  while IFS= read -r l; do
    [[ $l == hosts:* ]] || continue
    [[ " $l " == *" mdns4_minimal "* || " $l " == *" mdns_minimal "* || " $l " == *" mdns4 "* || " $l " == *" mdns "* ]]
    return
  done </etc/nsswitch.conf
  return 1
}

# spawn PIDFILE LOG CMD...: CMD as one of the lab's daemons: a session of its own (a terminal's
# Ctrl-C does not reach it), stdin /dev/null, stdout and stderr to LOG, no other descriptor (a
# caller's pipe or our lock must not stay open in a daemon). setsid (never a group leader here),
# ip netns exec, nsenter, unshare and env all exec: $! is CMD itself.
# The log is emptied here, before the fork: a readiness check must never read the last run's.
spawn() {
  local pidfile=$1 log=$2
  shift 2
  : >"$log"
  (
    for fd in "/proc/$BASHPID/fd/"*; do
      fd=${fd##*/}
      ((fd <= 2)) || eval "exec $fd>&-"
    done
    exec setsid "$@" </dev/null >>"$log" 2>&1
  ) &
  printf '%s\n' "$!" >"$pidfile"
}

# The holder of a node's namespaces: the node's files over Avahi's fixed paths, in a mount namespace
# of its own (a slave of this one: nothing mounted there reaches the machine's), then it sleeps.
# shellcheck disable=SC2016 # expanded by that sh
readonly HOLDER_SCRIPT='mount --bind "$1/run" /run/avahi-daemon &&
  { [ ! -d /etc/avahi/services ] || mount --bind "$1/services" /etc/avahi/services; } &&
  { [ ! -f /etc/avahi/hosts ] || mount --bind "$1/hosts" /etc/avahi/hosts; } && exec sleep infinity'

mdns_meta_paths() { # mdns_meta_paths NODE...: sets MDNS_META to the files mdns_files manages
  local n
  MDNS_META=("$MDNS_DIR")
  for n; do
    MDNS_META+=("$MDNS_DIR/$n" "$MDNS_DIR/$n/services" "$MDNS_DIR/$n/hosts" "$MDNS_DIR/$n/dbus.conf"
      "$MDNS_DIR/$n/avahi-daemon.conf")
  done
}

# The nodes' configuration files (mdns_files fills in @NODE@, @DIR@, @IF@, @WS@): plain strings,
# not here-documents, which cost a temporary file each.
readonly DBUS_CONF='<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- Private system bus of the lxhost lab (tests/lab/lab), mDNS node @NODE@. The policy of
     /usr/share/dbus-1/system.conf (no activation, no syslog, no other services) plus the policy of Avahi
     (/usr/share/dbus-1/system.d/avahi-dbus.conf). -->
<busconfig>
  <type>system</type>
  <listen>unix:path=@DIR@/dbus.sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"
          send_member="UpdateActivationEnvironment"/>
    <!-- Avahi: anyone may call it, except SetHostName -->
    <allow send_destination="org.freedesktop.Avahi"/>
    <allow receive_sender="org.freedesktop.Avahi"/>
    <deny send_destination="org.freedesktop.Avahi"
          send_interface="org.freedesktop.Avahi.Server" send_member="SetHostName"/>
  </policy>
  <policy user="root">
    <allow own="org.freedesktop.Avahi"/>
    <allow send_destination="org.freedesktop.Avahi"/>
    <allow receive_sender="org.freedesktop.Avahi"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Monitoring"/>
  </policy>
</busconfig>
'
readonly AVAHI_CONF='# avahi-daemon of the lxhost lab (tests/lab/lab), mDNS node @NODE@; nothing else reads this file.
# Run as: avahi-daemon --no-chroot --no-drop-root --no-rlimits -f THIS, in the namespaces of the node.
[server]
host-name=@NODE@
domain-name=local
use-ipv4=yes
use-ipv6=yes
allow-interfaces=@IF@
enable-dbus=yes
ratelimit-interval-usec=1000000
ratelimit-burst=1000

[wide-area]
enable-wide-area=no

[publish]
publish-workstation=@WS@
publish-hinfo=no
publish-addresses=yes
publish-resolv-conf-dns-servers=no

[reflector]
enable-reflector=no

[rlimits]
'

# mdns_files NODE: the node's directory and configuration; sets CONF_CHANGED=1 when a
# configuration file changed (its daemons then restart).
mdns_files() {
  local node=$1 c=0
  node_info "$node"
  ensure_dir "$N_DIR" 0755 root:root
  [[ -d $N_DIR/run ]] || mkdir -m 0755 -- "$N_DIR/run" # avahi-daemon makes it avahi:avahi
  ensure_dir "$N_DIR/services" 0755 root:root
  put_file "$N_DIR/hosts" 0644 root:root $'# Empty: over /etc/avahi/hosts for the lab\'s avahi-daemon.\n'
  local conf
  CHANGED=0
  conf=${DBUS_CONF//@DIR@/$N_DIR}
  put_file "$N_DIR/dbus.conf" 0644 root:root "${conf//@NODE@/$node}"
  c=$CHANGED
  CHANGED=0
  conf=${AVAHI_CONF//@NODE@/$node}
  conf=${conf//@IF@/$N_IF}
  put_file "$N_DIR/avahi-daemon.conf" 0644 root:root "${conf//@WS@/$N_WS}"
  ((CHANGED == 0)) || c=1
  CONF_CHANGED=$c
}

# mdns_stop_daemon NODE: SIGTERM to its avahi-daemon (it sends goodbye packets), waits until it is
# gone (bounded; SIGKILL at the deadline). Its publishers (-f) stay and wait for the next daemon.
mdns_stop_daemon() {
  node_read "$1"
  [[ -n $M_AVAHI ]] || return 0
  stop_pids "avahi-daemon of $1" "$M_AVAHI"
  M_AVAHI=""
}

# mdns_stop_all NODE: every process of the node, by its pid files.
mdns_stop_all() {
  node_read "$1"
  node_pids
  ((${#NODE_PIDS[@]} == 0)) || stop_pids "mDNS process of $1" "${NODE_PIDS[@]}"
  node_read "$1"
}

# mdns_launch NODE...: starts whatever of each node does not run (a running node is left alone) and
# adds what to wait for to MDNS_PENDING (see mdns_wait). Sets MDNS_STARTED=1 if it started anything.
MDNS_PENDING=()
MDNS_STARTED=0
mdns_launch() {
  local node i log
  local -a enter wait_first=()
  local -A complete=() # nodes found running in full: step 2 skips them
  if [[ ! -d $AVAHI_RUN ]]; then
    state_add "dir $AVAHI_RUN"
    mkdir -m 0755 -- "$AVAHI_RUN"
  fi
  ensure_dir "$MDNS_DIR" 0755 root:root
  # 1. holders and buses (both ready in a few ms)
  for node; do
    mdns_files "$node"
    node_read "$node"
    if [[ -n $N_CT ]]; then
      ct_pid "$N_CT"
      [[ -n $CTP ]] || die "container $N_CT is not running (lab up starts it)"
      if [[ -n $M_NS ]] && ! [[ /proc/$M_NS/ns/net -ef /proc/$CTP/ns/net ]]; then
        say "mdns: $N_CT was restarted (new network namespace): restarting its avahi-daemon"
        mdns_stop_daemon "$node"
        stop_pids "namespace holder of $node" "$M_NS"
        M_NS=""
      fi
    fi
    if ((${#M_OUTDATED[@]})); then
      stop_pids "outdated publisher of $node" "${M_OUTDATED[@]}"
      node_read "$node"
    fi
    if [[ -z $M_DBUS || $CONF_CHANGED == 1 ]]; then
      # A new bus: everything of the node restarts (the old daemon and publishers lost theirs).
      mdns_stop_all "$node"
      rm -f -- "$N_DIR/dbus.sock"
      spawn "$N_DIR/dbus.pid" "$N_DIR/dbus.log" env -i "PATH=$DEFAULT_PATH" "LAB_MDNS_NODE=$N_DIR" \
        "$DBUS_DAEMON" --config-file="$N_DIR/dbus.conf" --nofork --nopidfile
      wait_first+=("dbus $node")
      MDNS_STARTED=1
    fi
    if [[ -z $M_NS ]]; then
      # The daemon must live in the holder's mount namespace: `lab exec laptop` enters that one.
      mdns_stop_daemon "$node"
      if [[ -n $N_NETNS ]]; then
        # ip netns exec: a private mount namespace with the namespace's own /sys, as `lab exec` had.
        enter=(ip netns exec "$N_NETNS")
      else
        ct_pid "$N_CT"
        enter=(nsenter "--net=/proc/$CTP/ns/net" unshare --mount --propagation slave)
      fi
      spawn "$N_DIR/ns.pid" "$N_DIR/ns.log" "${enter[@]}" env -i "PATH=$DEFAULT_PATH" \
        "LAB_MDNS_NODE=$N_DIR" sh -c "$HOLDER_SCRIPT" sh "$N_DIR"
      wait_first+=("ns $node")
      MDNS_STARTED=1
    fi
    if [[ -n $M_NS && -n $M_DBUS && -n $M_AVAHI && $M_NPUB == "${#M_PUBS[@]}" ]]; then complete[$node]=1; fi
  done
  ((${#wait_first[@]} == 0)) || mdns_wait "${wait_first[@]}"
  # 2. daemons and publishers; their readiness is waited for later
  for node; do
    node_info "$node"
    [[ -n ${complete[$node]:-} ]] && continue
    node_read "$node"
    [[ -n $M_NS && -n $M_DBUS ]] || die "mdns: $node lost its namespace holder or bus while starting"
    # Never the machine's own network namespace (PID 1's), whatever went wrong before.
    ! [[ /proc/$M_NS/ns/net -ef /proc/1/ns/net ]] || die "mdns: $node's namespace holder is in the machine's own network namespace"
    if [[ -z $M_AVAHI ]]; then
      # Publishers that stay re-register with the new daemon: wait for what they log from here.
      for i in "${!M_PUBS[@]}"; do
        [[ -n ${M_PUBS[i]} ]] || continue
        slurp log "$N_DIR/publish-$i.log"
        MDNS_PENDING+=("publish $node $i ${#log}")
      done
      rm -f -- "$N_DIR/run/pid" "$N_DIR/run/socket" "$N_DIR/killed"
      spawn "$N_DIR/avahi.pid" "$N_DIR/avahi.log" nsenter --target "$M_NS" --mount --net -- \
        env -i "PATH=$DEFAULT_PATH" "LAB_MDNS_NODE=$N_DIR" "DBUS_SYSTEM_BUS_ADDRESS=unix:path=$N_DIR/dbus.sock" \
        "$AVAHI_DAEMON" --no-chroot --no-drop-root --no-rlimits -f "$N_DIR/avahi-daemon.conf"
      MDNS_PENDING+=("avahi $node")
      MDNS_STARTED=1
    fi
    for i in "${!M_PUBS[@]}"; do
      [[ -z ${M_PUBS[i]} ]] || continue
      publisher "$node" "$i"
      # -f: it survives (and waits for) a daemon restart.
      spawn "$N_DIR/publish-$i.pid" "$N_DIR/publish-$i.log" nsenter --target "$M_NS" --net -- \
        env -i "PATH=$DEFAULT_PATH" "LAB_MDNS_NODE=$N_DIR" "DBUS_SYSTEM_BUS_ADDRESS=unix:path=$N_DIR/dbus.sock" \
        "$AVAHI_PUBLISH" -f "${PUB_ARGS[@]}"
      MDNS_PENDING+=("publish $node $i 0")
      MDNS_STARTED=1
    done
  done
}

# mdns_ready KIND NODE [I OFFSET]: 0 once that part is ready, 1 while not yet; dies when it failed.
mdns_ready() {
  local kind=$1 node=$2 dir=$MDNS_DIR/$2 pid="" log file
  case $kind in
  ns | dbus) file=$dir/$kind.pid ;;
  avahi) file=$dir/avahi.pid ;;
  publish) file=$dir/publish-$3.pid ;;
  esac
  read -r pid 2>/dev/null <"$file" || true
  case $kind in
  ns) lab_proc "$pid" "$node" ns && return 0 ;;
  dbus) [[ -S $dir/dbus.sock ]] && lab_proc "$pid" "$node" dbus && return 0 ;;
  avahi)
    slurp log "$dir/avahi.log"
    if [[ $log == *"Server startup complete. Host name is "* ]]; then
      avahi_host "$node"
      [[ $H == "$node.local" ]] ||
        die "mdns: $node's avahi-daemon took the host name $H: another responder on $BRIDGE has $node.local (see $dir/avahi.log)"
      lab_proc "$pid" "$node" avahi && return 0 # and it wrote its pid file
    fi
    ;;
  publish)
    slurp log "$dir/publish-$3.log"
    log=${log:$4}
    [[ $log != *"Established under name"* ]] || return 0
    [[ $log != *"Failed"* ]] || die "mdns: $node's publisher $3 failed: ${log//$'\n'/ | } (see $dir/publish-$3.log)"
    ;;
  esac
  if [[ -n $pid ]] && ! alive "$pid"; then
    slurp log "${file%.pid}.log"
    die "mdns: $node's $kind exited: ${log//$'\n'/ | } (see ${file%.pid}.log)"
  fi
  return 1
}

# mdns_wait ITEM...: polls every ITEM ("KIND NODE [I OFFSET]") until all are ready, at most WAIT_S.
mdns_wait() {
  local deadline item
  local -a pending=("$@") left
  now
  deadline=$((NOW + WAIT_S * 1000))
  while ((${#pending[@]})); do
    left=()
    for item in "${pending[@]}"; do
      # shellcheck disable=SC2086 # an item is words
      mdns_ready $item || left+=("$item")
    done
    ((${#left[@]})) || return 0
    pending=("${left[@]}")
    now
    ((NOW < deadline)) || die "mdns: timed out after ${WAIT_S}s waiting for: $(printf '[%s] ' "${pending[@]}")(logs in $MDNS_DIR)"
    sleep 0.02
  done
}

mdns_wait_pending() {
  ((${#MDNS_PENDING[@]} == 0)) || mdns_wait "${MDNS_PENDING[@]}"
  MDNS_PENDING=()
}
