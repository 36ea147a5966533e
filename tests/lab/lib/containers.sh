# The lab's LXC containers (sourced by tests/lab/lab), in its own lxcpath: base, web, and sshd1 and
# sshd2 running the machine's own sshd; made, configured, started and waited for.
# shellcheck shell=bash

lxc_state() { # lxc_state NAME: sets LXC_STATE (RUNNING, STOPPED, ... or MISSING)
  LXC_STATE=$(lxc-info -P "$LXCPATH" -n "$1" -s -H 2>/dev/null) || LXC_STATE=MISSING
}

# ct_pid NAME: sets CTP to the PID of container NAME's init, "" when it does not run. Known PIDs
# (CT_PID, filled by the steps that start the containers) spare an lxc-info.
declare -A CT_PID=()
ct_pid() {
  CTP=${CT_PID[$1]:-}
  if [[ -n $CTP ]] && alive "$CTP"; then return 0; fi
  CTP=$(lxc-info -P "$LXCPATH" -n "$1" -p -H 2>/dev/null) || CTP=""
  [[ $CTP =~ ^[0-9]+$ ]] || CTP=""
  CT_PID[$1]=$CTP
}

container_ready() { [[ -f $LXCPATH/$1/lab-ready && -f $LXCPATH/$1/config ]]; }

# create_container NAME CONFIG: busybox container without the DHCP client in its boot script.
# The "lab-ready" file marks a finished creation: a half-made one is removed and made again.
create_container() {
  local name=$1 conf=$2 dir=$LXCPATH/$1 rcs
  container_ready "$name" && return 0
  if [[ -e $dir ]]; then
    lxc-stop -P "$LXCPATH" -n "$name" -k >/dev/null 2>&1 || true
    rm -rf --one-file-system -- "$dir"
  fi
  quiet lxc-create -P "$LXCPATH" -t busybox -n "$name" -f "$conf"
  # The busybox template writes its boot script to $rootfs/etc/init.d/rcS, ending in udhcpc.
  rcs=$dir/rootfs/etc/init.d/rcS
  sed -i '/udhcpc/d' "$rcs"
  slurp rcs "$rcs"
  [[ $rcs != *udhcpc* ]] || die "could not remove udhcpc from $name's rcS"
  : >"$dir/lab-ready"
}

# web is a full copy of base (lxc-copy, ~0.1 s here, where the busybox template takes over 1 s:
# it runs one `ln` per applet, and a fork costs ~4 ms on this machine) with web's network in
# place of base's. It is started as soon as it exists: its IPv6 address then needs ~1-2 s of
# duplicate address detection, which runs while the rest is set up.
create_web() {
  local dir=$LXCPATH/web line config="" net
  container_ready web && return 0
  if [[ -e $dir ]]; then
    lxc-stop -P "$LXCPATH" -n web -k >/dev/null 2>&1 || true
    rm -rf --one-file-system -- "$dir"
  fi
  # Without -o, lxc-copy prints nothing when it fails.
  quiet lxc-copy -P "$LXCPATH" -n base -N web -o /dev/null
  while IFS= read -r line; do
    [[ $line == lxc.net.* ]] || config+=$line$'\n'
  done <"$dir/config"
  slurp net "$LAB/lxc-web.conf"
  printf '%s' "$config$net" >"$dir/config"
  : >"$dir/lab-ready"
}

up_containers() {
  ensure_dir "$LXCPATH" 0755 root:root
  put_file "$LAB/lxc-empty.conf" 0644 root:root $'lxc.net.0.type = empty\n'
  put_file "$LAB/lxc-web.conf" 0644 root:root <<EOF
lxc.net.0.type = veth
lxc.net.0.link = $BRIDGE
lxc.net.0.flags = up
lxc.net.0.name = $WEB_IF
lxc.net.0.veth.pair = $WEB_VETH
lxc.net.0.hwaddr = 00:16:3e:cb:00:0a
lxc.net.0.ipv4.address = $WEB_ADDR/24
lxc.net.0.ipv4.address = $WEB_ADDR_2/24
lxc.net.0.ipv6.address = $WEB_ADDR6/64
EOF
  create_container base "$LAB/lxc-empty.conf"
  lxc_state base
  [[ $LXC_STATE == STOPPED ]] || quiet lxc-stop -P "$LXCPATH" -n base -k
  create_web
  web_net_sync
}

# web's config holds a copy of lxc-web.conf (create_web puts it there). When that changed (web's
# interface was eth0 before lab0), web gets the new network section and, if it runs, is stopped
# here, to be started again by start_web; its mDNS node follows (a new network namespace).
web_net_sync() {
  local line config="" have="" want
  slurp want "$LAB/lxc-web.conf"
  while IFS= read -r line; do
    if [[ $line == lxc.net.* ]]; then have+=$line$'\n'; else config+=$line$'\n'; fi
  done <"$LXCPATH/web/config"
  [[ $have != "$want" ]] || return 0
  say "web: its network configuration changed: restarting it"
  lxc_state web
  [[ $LXC_STATE != RUNNING ]] || quiet lxc-stop -P "$LXCPATH" -n web -k
  printf '%s' "$config$want" >"$LXCPATH/web/config"
}

# ct_query NAME...: sets CT_STATE and CT_PID ("" unless running) of each container, its state and
# PID in one lxc-info call (CT_PID spares up_mdns another), all the calls running at once.
declare -A CT_STATE=()
ct_query() {
  local name key value state pid f
  local -a fds=()
  for name; do
    exec {f}< <(lxc-info -P "$LXCPATH" -n "$name" -s -p 2>/dev/null || true)
    fds+=("$f")
  done
  for name; do
    f=${fds[0]} state="" pid=""
    fds=("${fds[@]:1}")
    # With two fields, lxc-info labels them even with -H.
    while read -r key value; do
      case $key in
      State:) state=$value ;;
      PID:) pid=$value ;;
      esac
    done <&"$f"
    exec {f}<&-
    CT_STATE[$name]=${state:-MISSING}
    [[ $state == RUNNING && $pid =~ ^[0-9]+$ ]] || pid=""
    CT_PID[$name]=$pid
  done
}

# ct_start NAME VETH: starts container NAME unless it runs (as CT_STATE says, when ct_query just
# filled it); VETH, the host side of its veth, is recorded first. Sets CT_STARTED=1 when it started it.
CT_STARTED=0
ct_start() {
  local name=$1 veth=$2
  [[ -n ${CT_STATE[$name]:-} ]] || ct_query "$name"
  local state=${CT_STATE[$name]}
  unset "CT_STATE[$name]" # used once: a start or stop makes it stale
  [[ $state != RUNNING || -z ${CT_PID[$name]} ]] || return 0
  CT_PID[$name]=""
  link_exists "$veth" || state_add "link $veth"
  # -d leaves a monitor process behind: it must inherit neither our lock (fd 9) nor a pipe.
  if ! lxc-start -P "$LXCPATH" -n "$name" -d -o "$LAB/log/lxc-$name.log" -l WARN \
    </dev/null >"$LAB/log/lxc-start-$name.out" 2>&1 9>&-; then
    local out
    slurp out "$LAB/log/lxc-start-$name.out"
    die "lxc-start $name failed: ${out//$'\n'/ | } (see $LAB/log/lxc-$name.log)"
  fi
  CT_STARTED=1
}

start_web() { ct_start web "$WEB_VETH"; }

# web_ready: web shows its three addresses (as lxc-ls will) and duplicate address detection of
# its IPv6 address is over (until then the address is "tentative" and does not answer).
web_ready() {
  local key value pid="" ips=" " addr flags
  while read -r key value; do
    case $key in
    PID:) pid=$value ;;
    IP:) ips+="$value " ;;
    esac
  done < <(lxc-info -P "$LXCPATH" -n web -p -i 2>/dev/null || true)
  [[ -n $pid && $ips == *" $WEB_ADDR "* && $ips == *" $WEB_ADDR_2 "* && $ips == *" $WEB_ADDR6 "* ]] ||
    return 1
  [[ -r /proc/$pid/net/if_inet6 ]] || return 1
  # One line per address: hex address, ifindex, prefix length, scope, flags (hex).
  while read -r addr _ _ _ flags _; do
    [[ $addr == "$WEB_ADDR6_HEX" ]] || continue
    ((16#$flags & 0x08)) && die "web: IPv6 duplicate address detection failed for $WEB_ADDR6 (in use on $BRIDGE?)"
    ((16#$flags & 0x40)) && return 1 # IFA_F_TENTATIVE
    return 0
  done </proc/"$pid"/net/if_inet6
  return 1
}

wait_web() { wait_until "web's addresses $WEB_ADDR, $WEB_ADDR_2, $WEB_ADDR6 (see $LAB/log/lxc-web.log)" web_ready; }

# --- sshd1 and sshd2: busybox containers (full copies of base, like web) running the machine's own
# OpenSSH sshd, bind-mounted read-only, started by the container's init.

# ct_conf NAME: sets CONF to the lab's section of NAME's LXC config (from CT_MARK to the end). The
# busybox template already binds /lib, /usr/lib, /lib64 and /usr/lib64 read-only (every library
# sshd needs: ldd /usr/sbin/sshd); /usr adds the binaries (sshd, and scp or sftp-server for a
# client that asks for them by name). The rootfs's own usr/ is empty, its busybox applets live in
# /bin and /sbin: nothing of busybox is hidden. One PTY (the template's) is too few for tests.
ct_conf() {
  CONF="$CT_MARK
lxc.net.0.type = veth
lxc.net.0.link = $BRIDGE
lxc.net.0.flags = up
lxc.net.0.name = $CT_IF
lxc.net.0.veth.pair = lxh-$1
lxc.net.0.hwaddr = ${CT_HWADDR[$1]}
lxc.net.0.ipv4.address = ${CT_ADDR[$1]}/24
lxc.mount.entry = /usr usr none ro,bind 0 0
lxc.pty.max = 16
"
}

# ct_create NAME: a full copy of base, its network and mounts from ct_conf; "lab-ready" marks a
# finished one (a half-made one is removed and made again). Run in the background, several at once.
ct_create() {
  local name=$1 dir=$LXCPATH/$1
  if [[ -e $dir ]]; then
    lxc-stop -P "$LXCPATH" -n "$name" -k >/dev/null 2>&1 || true
    rm -rf --one-file-system -- "$dir"
  fi
  quiet lxc-copy -P "$LXCPATH" -n base -N "$name" -o /dev/null
  ct_config_sync "$name"
  : >"$dir/lab-ready"
}

# ct_config_sync NAME: NAME's config keeps what lxc-copy wrote (but its lxc.net.* and lxc.pty.max)
# followed by ct_conf's section; rewritten when that section differs. Sets CT_CONF_CHANGED=1 then.
ct_config_sync() {
  local name=$1 file=$LXCPATH/$1/config line config="" have="" lab=0
  CT_CONF_CHANGED=0
  ct_conf "$name"
  while IFS= read -r line; do
    [[ $line != "$CT_MARK" ]] || lab=1
    if ((lab)); then
      have+=$line$'\n'
    elif [[ $line != lxc.net.* && $line != lxc.pty.max* ]]; then
      config+=$line$'\n'
    fi
  done <"$file"
  [[ $have != "$CONF" ]] || return 0
  printf '%s' "$config$CONF" >"$file.tmp"
  mv -f -- "$file.tmp" "$file"
  CT_CONF_CHANGED=1
}

# ct_files NAME: what sshd needs in NAME's rootfs, written only when it differs (put_file). Sets
# CT_FILES_CHANGED=1 when something sshd or init reads at start changed (not authorized_keys).
ct_files() {
  local name=$1 r=$LXCPATH/$1/rootfs c=0 client
  ensure_dir "$r/etc/ssh" 0755 root:root
  ensure_dir "$r/run" 0755 root:root
  ensure_dir "$r/run/sshd" 0755 root:root # privilege separation: root's, not writable by others
  [[ -f $r/etc/ssh/ssh_host_ed25519_key && -f $r/etc/ssh/ssh_host_ed25519_key.pub ]] || c=1
  ensure_key "$r/etc/ssh/ssh_host_ed25519_key" '' "lxhost-lab-$name"
  CHANGED=0
  # sshd: the privilege separation user sshd requires. '*': with UsePAM no, sshd refuses a '!'.
  put_file "$r/etc/passwd" 0644 root:root "root:x:0:0:root:/root:/bin/sh
sshd:x:100:65534:sshd privilege separation:/run/sshd:/bin/false
$CT_USER:*:$CT_UID:$CT_UID:lxhost lab:/home/$CT_USER:/bin/sh
"
  put_file "$r/etc/group" 0644 root:root "root:x:0:
nogroup:x:65534:
$CT_USER:x:$CT_UID:
"
  # The template's inittab, and sshd: in the foreground (-D) under init, which starts it again
  # whenever it exits; its log in the rootfs.
  put_file "$r/etc/inittab" 0644 root:root "::sysinit:/etc/init.d/rcS
tty1::respawn:/bin/getty -L tty1 115200 vt100
console::askfirst:/bin/sh
::respawn:$SSHD -D -f /etc/ssh/sshd_config -E /var/log/sshd.log
"
  put_file "$r/etc/ssh/sshd_config" 0644 root:root "# sshd of the lxhost lab's container $name (tests/lab/lab); the machine's own $SSHD,
# bind-mounted read-only, started by the container's init (/etc/inittab).
Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
AllowUsers $CT_USER
$SSHD_LOGIN_POLICY
"
  ((CHANGED == 0)) || c=1
  # The user's files: sshd reads them at each login (StrictModes: owned by the user, not writable
  # by others, up to /).
  slurp client "$CLIENT_KEY.pub"
  ensure_dir "$r/home" 0755 root:root
  ensure_dir "$r/home/$CT_USER" 0755 "$CT_UID:$CT_UID"
  ensure_dir "$r/home/$CT_USER/.ssh" 0700 "$CT_UID:$CT_UID"
  put_file "$r/home/$CT_USER/.ssh/authorized_keys" 0600 "$CT_UID:$CT_UID" "$client"
  CT_FILES_CHANGED=$c
}

# ct_meta_paths: sets CT_META to the files ct_files manages (for load_meta's single stat).
ct_meta_paths() {
  local n r
  CT_META=()
  for n in "${SSH_CTS[@]}"; do
    r=$LXCPATH/$n/rootfs
    CT_META+=("$r/etc/ssh" "$r/run" "$r/run/sshd" "$r/etc/passwd" "$r/etc/group" "$r/etc/inittab"
      "$r/etc/ssh/sshd_config" "$r/home" "$r/home/$CT_USER" "$r/home/$CT_USER/.ssh"
      "$r/home/$CT_USER/.ssh/authorized_keys")
  done
}

# sshd1 and sshd2: made (both copies at once), configured, started; a running one whose config or
# boot files changed is restarted (its mDNS node follows, as web's does).
up_ssh_containers() {
  local name rc
  local -A job=()
  for name in "${SSH_CTS[@]}"; do
    container_ready "$name" && continue
    ct_create "$name" &
    job[$name]=$!
  done
  for name in "${!job[@]}"; do
    rc=0
    wait "${job[$name]}" || rc=$?
    ((rc == 0)) || die "could not create container $name (see above)"
  done
  ct_query "${SSH_CTS[@]}"
  for name in "${SSH_CTS[@]}"; do
    ct_config_sync "$name"
    ct_files "$name"
    if ((CT_CONF_CHANGED || CT_FILES_CHANGED)) && [[ ${CT_STATE[$name]} == RUNNING ]]; then
      say "$name: its configuration changed: restarting it"
      quiet lxc-stop -P "$LXCPATH" -n "$name" -k
      CT_STATE[$name]=STOPPED
    fi
    ct_start "$name" "lxh-$name"
  done
}

# ct_ready NAME: sshd listens on port 22 in NAME's network namespace (read without a fork).
ct_ready() {
  local local_addr st
  ct_pid "$1"
  [[ -n $CTP ]] || return 1
  while read -r _ local_addr _ st _; do
    [[ $local_addr != 00000000:0016 || $st != 0A ]] || return 0
  done 2>/dev/null </proc/"$CTP"/net/tcp
  return 1
}

wait_ssh_containers() {
  local name
  for name in "${SSH_CTS[@]}"; do
    wait_until "sshd in container $name to listen on port 22 (see $LXCPATH/$name/rootfs/var/log/sshd.log and $LAB/log/lxc-$name.log)" ct_ready "$name"
  done
}
