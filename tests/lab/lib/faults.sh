# `lab fault` (sourced by tests/lab/lab): failures injected by the fault-injection suites
# (tests/e2e/test_faults*.sh).
#
# Each fault is made beside what other suites use at the same time, never to it: the lab sshd on
# $PORT, br1's addresses and the lab's lxcpath stay as they are. A fault's state is in $FAULT_DIR,
# written before the fault is made, so `status` lists what is active and `down` undoes it:
#   sshd-P.conf .pid .log   a second sshd (the lab's config, host key and users) on port P
#   silent-P.pid .log       a listener on port P that accepts connections and never says a word
#   lxcpaths                one "DIR KIND MADE" line per lxcpath fault: KIND full (a tiny tmpfs),
#                           readonly (DIR bind-mounted read-only on itself), overlay (an overlayfs
#                           holding base's config) or btrfs (a loop image with its own base), their
#                           layers or image in layers-DIR; MADE 1 when the lab made DIR (`clear`
#                           then removes it)
# shellcheck shell=bash

readonly FAULT_DIR=$LAB/fault
readonly FAULT_LXCPATHS=$FAULT_DIR/lxcpaths
readonly FAULT_TMPFS=lxhost-lab-fault # the source name of its tmpfs and overlay mounts in /proc/self/mountinfo
# The silent listener: on each address, accepts and keeps every connection, never reads or writes
# (a client waiting for the SSH banner waits until its own bound). perl-base is on every Debian.
# shellcheck disable=SC2016 # perl's variables
readonly SILENT_SCRIPT='use IO::Socket::INET; use IO::Select; $| = 1;
my ($port, @addrs) = @ARGV;
my $sel = IO::Select->new(map { IO::Socket::INET->new(LocalAddr => $_, LocalPort => $port, Listen => 64,
  ReuseAddr => 1) or die "cannot listen on $_:$port: $!\n" } @addrs);
$0 = "lxhost-lab-silent $port"; print "listening on @addrs port $port\n";
my @held; while (my @ready = $sel->can_read) { push @held, $_->accept for @ready }'

fault_port() { # fault_port P: a port a fault may take (not the lab sshd's)
  if [[ $1 =~ ^[1-9][0-9]*$ ]] && (($1 >= 1024 && $1 <= 65535 && $1 != PORT)); then return 0; fi
  die "fault: port must be a number in 1024-65535 other than the lab sshd's $PORT (got '$1')"
}

# fault_listening P PID: PID listens on $HOST_ADDR:P and 127.0.0.1:P; fault_port_free P: nobody does.
fault_listening() {
  port_listeners "$1"
  local all=" ${LISTENERS[*]/%/ ,} "
  [[ $all == *" $HOST_ADDR:$1 $2 ,"* && $all == *" 127.0.0.1:$1 $2 ,"* ]]
}
fault_port_free() {
  port_listeners "$1"
  ((${#LISTENERS[@]} == 0)) || die "fault: port $1 is in use (${LISTENERS[*]})"
}

# fault_pid KIND P: sets FPID to the running fault process of KIND (sshd, silent) on port P, from
# its pid file, confirmed by its command line; fails when there is none.
fault_pid() {
  local pid=""
  FPID=""
  read -r pid 2>/dev/null <"$FAULT_DIR/$1-$2.pid" || return 1
  [[ $pid =~ ^[1-9][0-9]*$ ]] && alive "$pid" && cmdline "$pid" || return 1
  case $1 in
  sshd) [[ $CMDLINE == *"$SSHD -f $FAULT_DIR/sshd-$2.conf"* ]] ;; # "sshd: /usr/sbin/sshd -f ... [listener] ..."
  silent) [[ $CMDLINE == "lxhost-lab-silent $2"* ]] ;;
  esac || return 1
  FPID=$pid
}

# A second sshd: the lab's config with its own port, pid file and log, and KEY=VALUE options first
# (sshd takes a keyword's first value: MaxSessions=1). `stop` ends the listener only, as stopping
# a real sshd service does: connecting is then refused, sessions go on.
fault_sshd() {
  local verb=$1 p=$2 conf=$FAULT_DIR/sshd-$2.conf line text option
  shift 2
  case $verb in
  start)
    if fault_pid sshd "$p"; then
      say "fault: sshd on port $p already runs (PID $FPID)"
      return 0
    fi
    fault_port_free "$p"
    text="# A second sshd of the lxhost lab (lab fault sshd start $p $*): $SSHD_CONFIG on its own port.
ListenAddress $HOST_ADDR:$p
ListenAddress 127.0.0.1:$p
PidFile $FAULT_DIR/sshd-$p.pid
"
    for option in "$@"; do
      [[ $option =~ ^[A-Za-z]+=[A-Za-z0-9,.-]+$ ]] || die "fault: sshd option '$option' is not KEY=VALUE"
      text+="${option%%=*} ${option#*=}"$'\n'
    done
    while IFS= read -r line; do
      [[ $line == "#"* || $line == ListenAddress* || $line == PidFile* ]] || text+=$line$'\n'
    done <"$SSHD_CONFIG"
    put_file "$conf" 0600 root:root "$text"
    rm -f -- "$FAULT_DIR/sshd-$p.pid"
    : >"$FAULT_DIR/sshd-$p.log"
    quiet "$SSHD" -t -f "$conf"
    "$SSHD" -f "$conf" -E "$FAULT_DIR/sshd-$p.log" </dev/null >/dev/null 2>&1 9>&- ||
      die "fault: sshd on port $p failed to start (see $FAULT_DIR/sshd-$p.log)"
    wait_until "the fault sshd's pid file (see $FAULT_DIR/sshd-$p.log)" fault_pid sshd "$p"
    wait_until "the fault sshd to listen on port $p" fault_listening "$p" "$FPID"
    say "fault: sshd PID $FPID listens on $HOST_ADDR:$p and 127.0.0.1:$p (the lab's host key and users)"
    ;;
  stop)
    if ! fault_pid sshd "$p"; then
      say "fault: no sshd of the lab on port $p"
      return 0
    fi
    stop_pids "fault sshd on port $p" "$FPID"
    rm -f -- "$FAULT_DIR/sshd-$p.pid"
    say "fault: sshd on port $p stopped (PID $FPID): connecting there is refused; its sessions go on"
    ;;
  esac
}

fault_silent() {
  local verb=$1 p=$2 log
  case $verb in
  start)
    if fault_pid silent "$p"; then
      say "fault: the silent listener on port $p already runs (PID $FPID)"
      return 0
    fi
    fault_port_free "$p"
    spawn "$FAULT_DIR/silent-$p.pid" "$FAULT_DIR/silent-$p.log" env -i "PATH=$DEFAULT_PATH" \
      perl -e "$SILENT_SCRIPT" "$p" "$HOST_ADDR" 127.0.0.1
    local pid
    read -r pid <"$FAULT_DIR/silent-$p.pid"
    silent_ready() {
      if fault_pid silent "$p" && fault_listening "$p" "$FPID"; then return 0; fi
      alive "$pid" && return 1
      slurp log "$FAULT_DIR/silent-$p.log"
      die "fault: the silent listener on port $p exited: ${log//$'\n'/ | }"
    }
    wait_until "the silent listener on port $p" silent_ready
    say "fault: PID $FPID accepts on $HOST_ADDR:$p and 127.0.0.1:$p and never speaks"
    ;;
  stop)
    if ! fault_pid silent "$p"; then
      say "fault: no silent listener of the lab on port $p"
      return 0
    fi
    stop_pids "silent listener on port $p" "$FPID"
    rm -f -- "$FAULT_DIR/silent-$p.pid"
    say "fault: the silent listener on port $p stopped (PID $FPID); its connections are closed"
    ;;
  esac
}

# kill-session USER MARK: SIGKILL to the sshd process serving the one SSH connection of USER whose
# remote command (or a process under it) has MARK in its command line: "sshd: USER@notty" (or
# @pts/N), the unprivileged process that speaks SSH for that connection. Its privileged monitor
# ("sshd: USER [priv]") exits with it; both are waited for (bounded). Only sessions of the lab's
# sshd or a fault sshd. What ran under the session is left to what it does when its pipes or
# terminal go: that is for the tests to observe.
fault_kill_session() {
  local user=$1 mark=$2 pid ppid args p s
  local -A parent=() argv=() sessions=()
  while read -r pid ppid args; do
    parent[$pid]=$ppid
    argv[$pid]=$args
  done < <(ps -e -o pid= -o ppid= -o args=)
  for pid in "${!argv[@]}"; do
    [[ ${argv[$pid]} == *"$mark"* ]] || continue
    p=$pid
    while [[ -n ${parent[$p]:-} ]] && ((p > 1)); do
      if [[ ${argv[$p]} == "sshd: $user@"* ]]; then
        sessions[$p]=$pid
        break
      fi
      p=${parent[$p]}
    done
  done
  ((${#sessions[@]} > 0)) || die "fault: no SSH session of $user runs anything with '$mark' in its command line"
  ((${#sessions[@]} == 1)) || die "fault: ${#sessions[@]} SSH sessions of $user run something with '$mark' (sshd PIDs ${!sessions[*]}): make MARK unique"
  for s in "${!sessions[@]}"; do :; done
  local monitor=${parent[$s]} listener
  listener=${parent[$monitor]:-}
  [[ ${argv[$monitor]} == "sshd: $user [priv]"* && -n $listener ]] ||
    die "fault: sshd PID $s ('${argv[$s]}') has no sshd monitor above it"
  [[ ${argv[$listener]} == *"$SSHD -f $SSHD_CONFIG"* || ${argv[$listener]} == *"$SSHD -f $FAULT_DIR/sshd-"* ]] ||
    die "fault: sshd PID $s is not a session of the lab's sshd (its listener: ${argv[$listener]})"
  kill -KILL "$s"
  gone() { ! alive "$s" && ! alive "$monitor"; }
  wait_until "sshd session $s and its monitor $monitor to exit" gone
  say "fault: killed sshd PID $s (${argv[$s]%"${argv[$s]##*[! ]}"}; monitor $monitor gone too), which served PID ${sessions[$s]}: ${argv[${sessions[$s]}]}"
}

# lxcpath full DIR SIZE | readonly DIR | overlay DIR | btrfs DIR | clear DIR: an lxcpath where
# containers cannot be made (full, read-only), one whose filesystem cannot hold a snapshot clone
# (overlay: DIR is an overlayfs with the container base in it, base's rootfs staying where it is),
# or, no fault but a filesystem the lab's own lxcpath is not on, one on btrfs (a loop image) with a
# btrfs-backed busybox container base (snapshot clones are btrfs snapshots there).
fault_layers() { FLAYERS=$FAULT_DIR/layers${1//\//_}; } # fault_layers DIR: sets FLAYERS
fault_lxcpath_line() { # fault_lxcpath_line DIR: sets FLINE to DIR's line in the list ("" if none)
  local dir kind made
  FLINE=""
  [[ -f $FAULT_LXCPATHS ]] || return 1
  while read -r dir kind made; do
    if [[ $dir == "$1" ]]; then
      FLINE="$dir $kind $made"
      return 0
    fi
  done <"$FAULT_LXCPATHS"
  return 1
}
fault_lxcpath_forget() { # the list without DIR's line
  local line out=""
  [[ -f $FAULT_LXCPATHS ]] || return 0
  while IFS= read -r line; do [[ ${line%% *} == "$1" ]] || out+=$line$'\n'; done <"$FAULT_LXCPATHS"
  printf '%s' "$out" >"$FAULT_LXCPATHS.tmp"
  mv -f -- "$FAULT_LXCPATHS.tmp" "$FAULT_LXCPATHS"
}
mount_point() { # mount_point DIR: something is mounted on DIR (in this mount namespace)
  local _id _parent _dev _root point _rest
  while read -r _id _parent _dev _root point _rest; do [[ $point != "$1" ]] || return 0; done </proc/self/mountinfo
  return 1
}
fault_lxcpath() {
  local verb=$1 dir=$2 size=${3:-} made=0
  [[ $dir == /?* && $dir =~ ^[A-Za-z0-9/._-]+$ && $dir != *..* && $dir != */ ]] ||
    die "fault: DIR must be an absolute path of [A-Za-z0-9/._-] without '..' or a trailing / (got '$dir')"
  case $verb in
  full | readonly | overlay | btrfs)
    if fault_lxcpath_line "$dir"; then die "fault: $dir is already a faulty lxcpath ($FLINE); clear it first"; fi
    [[ $dir != "$LXCPATH" && $dir != "$LXCPATH"/* && $dir != "$LAB" ]] || die "fault: not the lab's own lxcpath"
    if [[ -e $dir ]]; then
      [[ -d $dir && -z $(ls -A -- "$dir") ]] || die "fault: $dir exists and is not an empty directory"
      ! mount_point "$dir" || die "fault: something is already mounted on $dir"
    else
      made=1
    fi
    if [[ $verb == full ]]; then
      [[ $size =~ ^[1-9][0-9]*[kKmM]?$ ]] || die "fault: SIZE must be like 64k or 1m (got '$size')"
    fi
    printf '%s %s %s\n' "$dir" "$verb" "$made" >>"$FAULT_LXCPATHS"
    ((made == 0)) || mkdir -m 0755 -- "$dir"
    if [[ $verb == full ]]; then
      mount -t tmpfs -o "size=$size,mode=0755" "$FAULT_TMPFS" "$dir"
      say "fault: $dir is a $size tmpfs (an lxcpath that fills up)"
    elif [[ $verb == readonly ]]; then
      mount --bind -- "$dir" "$dir"
      mount -o remount,bind,ro -- "$dir"
      say "fault: $dir is read-only (an lxcpath nothing can be written to)"
    elif [[ $verb == btrfs ]]; then
      fault_layers "$dir"
      rm -rf --one-file-system -- "$FLAYERS"
      mkdir -m 0700 -- "$FLAYERS"
      command -v mkfs.btrfs >/dev/null || die "fault: mkfs.btrfs is missing (scripts/install-deps installs btrfs-progs)"
      truncate -s 256M -- "$FLAYERS/btrfs.img"
      quiet mkfs.btrfs -q -- "$FLAYERS/btrfs.img"
      mount -o loop -- "$FLAYERS/btrfs.img" "$dir" # the loop device goes with the umount (autoclear)
      chmod 0755 -- "$dir"
      # The template, not a copy of the lab's base: lxc-copy -B btrfs of a dir container makes a
      # plain directory, not a subvolume, and snapshots of it then fail (LXC 5.0.2).
      quiet lxc-create -P "$dir" -t busybox -n base -B btrfs -f "$LAB/lxc-empty.conf"
      say "fault: $dir is btrfs (a 256M loop image) holding base made with -B btrfs (snapshot clones are btrfs snapshots)"
    else
      fault_layers "$dir"
      rm -rf --one-file-system -- "$FLAYERS"
      mkdir -m 0700 -- "$FLAYERS"
      mkdir -m 0755 -- "$FLAYERS/lower" "$FLAYERS/upper" "$FLAYERS/work"
      mount -t overlay -o "lowerdir=$FLAYERS/lower,upperdir=$FLAYERS/upper,workdir=$FLAYERS/work" \
        "$FAULT_TMPFS" "$dir"
      mkdir -m 0770 -- "$dir/base"
      install -m 0640 -- "$LXCPATH/base/config" "$dir/base/config"
      say "fault: $dir is an overlayfs holding the container base (lxc-copy -s cannot put a snapshot's layer there)"
    fi
    ;;
  clear)
    if ! fault_lxcpath_line "$dir"; then
      say "fault: $dir is no faulty lxcpath of the lab"
      return 0
    fi
    local kind
    read -r _ kind made <<<"$FLINE"
    while mount_point "$dir"; do umount -- "$dir" || die "fault: cannot unmount $dir (in use?)"; done
    if ((made)); then rm -rf --one-file-system -- "$dir"; fi
    if [[ $kind == overlay || $kind == btrfs ]]; then
      fault_layers "$dir"
      rm -rf --one-file-system -- "$FLAYERS"
    fi
    fault_lxcpath_forget "$dir"
    say "fault: $dir is no longer a faulty lxcpath ($kind)"
    ;;
  esac
}

# fault_active: sets FAULTS to one line per active fault (for `status` and `fault status`).
fault_active() {
  local f kind p dir made
  FAULTS=()
  for f in "$FAULT_DIR"/sshd-*.pid "$FAULT_DIR"/silent-*.pid; do
    [[ -e $f ]] || continue
    f=${f##*/}
    kind=${f%%-*} p=${f#*-}
    p=${p%.pid}
    if fault_pid "$kind" "$p"; then
      case $kind in
      sshd) FAULTS+=("sshd PID $FPID on $HOST_ADDR:$p 127.0.0.1:$p (lab fault sshd stop $p)") ;;
      silent) FAULTS+=("silent listener PID $FPID on $HOST_ADDR:$p 127.0.0.1:$p (lab fault silent stop $p)") ;;
      esac
    fi
  done
  if [[ -f $FAULT_LXCPATHS ]]; then
    while read -r dir kind made; do
      [[ -n $dir ]] && FAULTS+=("lxcpath $dir $kind$(mount_point "$dir" || echo ', NOT MOUNTED') (lab fault lxcpath clear $dir)")
    done <"$FAULT_LXCPATHS"
  fi
}

# fault_clear_all: every fault undone (for `down`): listeners stopped, lxcpaths unmounted. The
# fault sshd's sessions are processes of lab users: `down` ends them with the others.
fault_clear_all() {
  local f kind p dir
  [[ -d $FAULT_DIR ]] || return 0
  for f in "$FAULT_DIR"/sshd-*.pid "$FAULT_DIR"/silent-*.pid; do
    [[ -e $f ]] || continue
    f=${f##*/}
    kind=${f%%-*} p=${f#*-}
    p=${p%.pid}
    if fault_pid "$kind" "$p"; then
      say "down: ending the fault $kind on port $p (PID $FPID)"
      stop_pids "fault $kind on port $p" "$FPID"
    fi
  done
  if [[ -f $FAULT_LXCPATHS ]]; then
    while read -r dir _; do
      [[ -z $dir ]] || fault_lxcpath clear "$dir"
    done < <(cat -- "$FAULT_LXCPATHS")
  fi
}

cmd_fault() {
  local what=${1:-} verb=${2:-}
  local usage="usage: lab fault status | sshd start PORT [KEY=VALUE...] | sshd stop PORT | silent start|stop PORT
                 | kill-session USER MARK | lxcpath full DIR SIZE | lxcpath readonly|overlay|btrfs|clear DIR"
  case "$what $verb" in
  "status ") ;;
  "sshd start") (($# >= 3)) || die "$usage"; fault_port "$3" ;;
  "sshd stop" | "silent start" | "silent stop") (($# == 3)) || die "$usage"; fault_port "$3" ;;
  "kill-session "*) [[ $# == 3 && -n $2 && -n $3 ]] || die "$usage" ;;
  "lxcpath full") (($# == 4)) || die "$usage" ;;
  "lxcpath readonly" | "lxcpath overlay" | "lxcpath btrfs" | "lxcpath clear") (($# == 3)) || die "$usage" ;;
  *) die "$usage" ;;
  esac
  check_lab_dir
  [[ -f $STATE ]] || die "the lab is not up (no $STATE): run 'lab up' first"
  if [[ $what == status ]]; then
    fault_active
    ((${#FAULTS[@]})) || { echo "no fault active"; return 0; }
    printf '%s\n' "${FAULTS[@]}"
    return 0
  fi
  exec 9<"$LAB_SCRIPT"
  flock -w 60 9 || die "another lab command is still running"
  [[ -d $FAULT_DIR ]] || mkdir -m 0700 -- "$FAULT_DIR"
  case $what in
  sshd) fault_sshd "$verb" "$3" "${@:4}" ;;
  silent) fault_silent "$verb" "$3" ;;
  kill-session) fault_kill_session "$2" "$3" ;;
  lxcpath) fault_lxcpath "$verb" "$3" "${4:-}" ;;
  esac
}
