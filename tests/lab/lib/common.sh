# The lab's common helpers (sourced by tests/lab/lab): messages and the ERR trap, polling with a
# bound, the state file, accounts, process command lines, files written only when they differ,
# stopping processes, what the lab started that still runs, the lab dir's check.
# shellcheck shell=bash

die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }
say() { printf 'lab: %s\n' "$*"; }

# Unexpected failures (set -e) still end in one `lab: error:` line; a subshell leaves it to its
# parent, which names the whole command.
on_err() {
  local rc=$? line=$1 cmd=$2
  ((BASH_SUBSHELL == 0)) && printf 'lab: error: line %s: "%s" failed (exit %s)\n' "$line" "$cmd" "$rc" >&2
  exit "$rc"
}
trap 'on_err $LINENO "$BASH_COMMAND"' ERR

# Sets NOW (milliseconds); a variable, not output, to spare a subshell per call.
now() { local t=${EPOCHREALTIME/./}; NOW=$((10#$t / 1000)); }

# wait_until WHAT CMD...: poll CMD every 20 ms, at most WAIT_S seconds.
wait_until() {
  local what=$1 deadline
  shift
  now
  deadline=$((NOW + WAIT_S * 1000))
  until "$@"; do
    now
    ((NOW < deadline)) || die "timed out after ${WAIT_S}s waiting for $what"
    sleep 0.02
  done
}

# quiet CMD...: run CMD, showing its output only when it fails, folded into the error line.
# Never for a command that leaves a daemon behind (the daemon would hold the pipe open).
quiet() {
  local out
  if ! out=$("$@" 2>&1); then
    out=${out//$'\n'/ | }
    die "${1##*/} failed: ${out:0:500}"
  fi
}

# Single-quoted for any POSIX shell.
shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# slurp VAR FILE: the whole file into VAR, byte for byte (no NULs expected); "" if unreadable.
# shellcheck disable=SC2034 # `into` is a nameref: the caller's variable is the one written
slurp() {
  local -n into=$1
  into=""
  [[ -r $2 ]] || return 0
  IFS= read -r -d '' into <"$2" || true
}

# --- the state file, read once
declare -A STATE_SET=()
load_state() {
  local l
  STATE_SET=()
  [[ -f $STATE ]] || return 0
  while IFS= read -r l; do STATE_SET[$l]=1; done <"$STATE"
}
state_has() { [[ -n ${STATE_SET[$1]+x} ]]; }
state_add() {
  state_has "$1" && return 0
  printf '%s\n' "$1" >>"$STATE"
  STATE_SET[$1]=1
}

# --- accounts, one getent call per database
declare -A PASSWD=() GROUP=()
load_accounts() {
  local l
  PASSWD=() GROUP=()
  while IFS= read -r l; do PASSWD[${l%%:*}]=$l; done < <(getent passwd "${USERS[@]}" || true)
  while IFS= read -r l; do GROUP[${l%%:*}]=$l; done < <(getent group "${USERS[@]}" || true)
}

# cmdline PID: sets CMDLINE to the process's command line, NULs as spaces; fails for a process that
# is gone or a zombie. (sshd rewrites its own: "sshd: /usr/sbin/sshd -f ... [listener] ...".)
cmdline() {
  local -a parts=()
  CMDLINE=""
  mapfile -d '' parts 2>/dev/null </proc/"$1"/cmdline || return 1
  ((${#parts[@]})) || return 1
  CMDLINE=${parts[*]}
}

# --- files: mode and owner of every path the lab manages, from one stat call. The owner is kept
# by name and by number: files in a container's rootfs belong to the container's users (uid 1000
# there may be anybody, or nobody, on this machine).
declare -A META=()
load_meta() {
  local p m
  while IFS='|' read -r p m; do META[$p]=$m; done < <(stat -c '%n|%a %U:%G|%a %u:%g' -- "$@" 2>/dev/null || true)
  for p; do [[ -n ${META[$p]+x} ]] || META[$p]=""; done
}
# meta PATH: sets M to "MODE OWNER:GROUP" and MN to "MODE UID:GID", both "" when absent.
meta() {
  [[ -n ${META[$1]+x} ]] || META[$1]=$(stat -c '%a %U:%G|%a %u:%g' -- "$1" 2>/dev/null || true)
  M=${META[$1]%%|*} MN=${META[$1]#*|}
}

# ensure_dir PATH MODE OWNER (OWNER: names or numbers)
ensure_dir() {
  meta "$1"
  [[ $M == "${2#0} $3" || $MN == "${2#0} $3" ]] && return 0
  [[ -d $1 ]] || mkdir -- "$1"
  chmod "$2" -- "$1"
  chown "$3" -- "$1"
  META[$1]="${2#0} $3|${2#0} $3"
}

# put_file PATH MODE OWNER [CONTENT]: CONTENT (else stdin) becomes the file, written only when
# content, mode or owner differ (a second `up` changes nothing), temp + rename (never half a file).
# Sets CHANGED=1 when it wrote.
CHANGED=0
put_file() {
  local path=$1 mode=$2 owner=$3 content old tmp
  if (($# > 3)); then content=$4; else IFS= read -r -d '' content || true; fi
  meta "$path"
  if [[ $M == "${mode#0} $owner" || $MN == "${mode#0} $owner" ]]; then
    slurp old "$path"
    [[ $old == "$content" ]] && return 0
  fi
  tmp=${path%/*}/.${path##*/}.tmp
  printf '%s' "$content" >"$tmp"
  chmod "$mode" -- "$tmp"
  chown "$owner" -- "$tmp"
  mv -f -- "$tmp" "$path"
  META[$path]="${mode#0} $owner|${mode#0} $owner"
  CHANGED=1
}

# stop_pids WHAT PID...: TERM each process (its command line read first: a PID that is gone or a
# zombie is skipped), wait (bounded) until each is gone or no longer that command line, KILL what
# is left at the deadline.
stop_pids() {
  local what=$1 pid deadline left
  shift
  local -A seen=()
  for pid; do
    if cmdline "$pid"; then seen[$pid]=$CMDLINE; fi
  done
  # CONT too: a frozen process (lab mdns freeze) would keep its TERM pending.
  for pid in "${!seen[@]}"; do kill -TERM "$pid" 2>/dev/null || true; kill -CONT "$pid" 2>/dev/null || true; done
  now
  deadline=$((NOW + WAIT_S * 1000))
  while :; do
    left=""
    for pid in "${!seen[@]}"; do
      if cmdline "$pid" && [[ $CMDLINE == "${seen[$pid]}" ]]; then left+=" $pid"; else unset "seen[$pid]"; fi
    done
    [[ -n $left ]] || return 0
    now
    if ((NOW >= deadline)); then
      for pid in $left; do kill -KILL "$pid" 2>/dev/null || true; done
      sleep 0.1
      for pid in $left; do
        ! cmdline "$pid" || [[ $CMDLINE != "${seen[$pid]}" ]] || die "$what (PID $pid) did not exit"
      done
      return 0
    fi
    sleep 0.02
  done
}

# lab_processes: sets LAB_PIDS to what the lab started that still runs: the lab sshd with every
# process under it (sessions, their sudo'd commands), every process of a lab user (a session
# that slipped out from under sshd) and every process in the laptop, pub and stale namespaces
# (`lab exec` leftovers, such as a test's lxhost mux master), with their descendants. Never this script or
# its ancestors (`lab down` may itself run through `lab exec`).
lab_processes() {
  local pid ppid uid u i=0
  local -a roots=()
  local -A children=() lab_uid=() mine=() taken=()
  LAB_PIDS=()
  for u in "${USERS[@]}"; do
    if state_has "user $u" && [[ -n ${PASSWD[$u]:-} ]]; then
      IFS=: read -r _ _ uid _ <<<"${PASSWD[$u]}"
      lab_uid[$uid]=1
    fi
  done
  if sshd_running; then roots+=("$SSHD_PID"); fi
  while read -r pid ppid uid; do
    children[$ppid]+=" $pid"
    if [[ -n ${lab_uid[$uid]+x} ]]; then roots+=("$pid"); fi
  done < <(ps -e -o pid= -o ppid= -o uid=)
  for u in $NETNS $PUB_NETNS $STALE_NETNS; do
    if state_has "netns $u" && netns_exists "$u"; then
      for pid in $(ip netns pids "$u"); do roots+=("$pid"); done
    fi
  done
  local stat
  pid=$$
  while [[ $pid =~ ^[0-9]+$ ]] && ((pid > 1)); do
    mine[$pid]=1
    read -r stat 2>/dev/null </proc/"$pid"/stat || break
    stat=${stat##*) } # after "PID (COMM) ": state, ppid, ...
    read -r _ pid _ <<<"$stat"
  done
  while ((i < ${#roots[@]})); do
    pid=${roots[i]}
    i=$((i + 1))
    [[ -z ${taken[$pid]+x} && -z ${mine[$pid]+x} ]] || continue
    taken[$pid]=1
    LAB_PIDS+=("$pid")
    for u in ${children[$pid]:-}; do roots+=("$u"); done
  done
}

check_lab_dir() {
  [[ $LAB == /* && $LAB != / && $LAB =~ ^[A-Za-z0-9/._-]+$ && $LAB != *..* ]] ||
    die "LXHOST_LAB_DIR must be an absolute path of [A-Za-z0-9/._-] (got '$LAB')"
  ((EUID == 0)) || die "lab up/down must run as root"
}
