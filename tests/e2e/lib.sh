# Sourced by every tests/e2e/test_*.sh. The lab must be up (ctest's lab fixture brings it up).
# lxhost runs inside the lab's "laptop" namespace with the lab's HOME and config; containers a
# test makes get unique names and are destroyed when the test exits, whatever happened.
set -euo pipefail

: "${LXHOST_BIN:?set by ctest: the lxhost binary under test}"
: "${LXHOST_SOURCE_DIR:?set by ctest: the source tree}"
# SLOW: how many times the stated bound a timing check allows: 1, or 2 in a sanitizer build
# (set by ctest; such a build is there to catch memory errors, and runs several times slower).
SLOW=${LXHOST_SLOW:-1}
LAB_TOOL=$LXHOST_SOURCE_DIR/tests/lab/lab
eval "$("$LAB_TOOL" env)"

T=$(mktemp -d /tmp/lxhost-e2e.XXXXXX)
chmod 755 "$T"
# The suite's own mux directory for every lxhost it starts (inherited; given again where `env -i`
# clears the environment): never the machine's /tmp/lxhost-UID, where a master another build left
# would serve this build's commands.
mkdir -p "$T/run"
export XDG_RUNTIME_DIR=$T/run
SUITE=$(basename "$0" .sh)
SUITE=${SUITE#test_}
CREATED=()
FAILURES=0
CHECKS=0

# at_exit CMD: CMD (eval'd, errors ignored) runs when the suite exits, before the common cleanup
# below; the last one added runs first. The only EXIT trap is lib.sh's: a suite or helper that set
# its own would silently drop every undo registered before it (a fault left in place, a daemon left
# running).
AT_EXIT=()
at_exit() { AT_EXIT+=("$1"); }

# suite_lxhost_pids: every lxhost process of this suite, master or client: the binary under test
# with this suite's runtime directory in its environment (`lab exec` execs all the way).
suite_lxhost_pids() {
  local d p
  for d in /proc/[0-9]*; do
    p=${d#/proc/}
    [ "$d/exe" -ef "$LXHOST_BIN" ] 2>/dev/null || continue
    grep -qxF "XDG_RUNTIME_DIR=$T/run" <<<"$(tr '\0' '\n' 2>/dev/null <"$d/environ")" && echo "$p"
  done | sort -n
}

cleanup() {
  local rc=$? i
  set +e
  for ((i = ${#AT_EXIT[@]} - 1; i >= 0; i--)); do eval "${AT_EXIT[i]}"; done
  tm kill-server >/dev/null 2>&1 || true
  [ -z "${LX+x}" ] || "${LX[@]}" mux stop --all >/dev/null 2>&1 || true
  # What a TAB started detached ends with the suite too: a cache refresh, and a master it may have
  # started since (which would go on watching the host for its idle time, 10 minutes).
  # shellcheck disable=SC2046 # PIDs, one a word
  kill $(suite_lxhost_pids) 2>/dev/null
  local name
  for name in "${CREATED[@]}"; do
    lxc-stop -P "$LAB_LXCPATH" -n "$name" -k >/dev/null 2>&1 || true
    lxc-destroy -P "$LAB_LXCPATH" -n "$name" -f >/dev/null 2>&1 || true
  done
  rm -rf "$T"
  # A suite that ends without reaching `finish` (an `exit` in an eval'd check, say) has not
  # run all of its checks: that is a failure, whatever the exit status was.
  if [ "${FINISHED:-0}" != 1 ] && [ "$rc" = 0 ]; then
    printf '%s: ended before finish (after %d checks)\n' "$SUITE" "$CHECKS"
    exit 1
  fi
}
trap cleanup EXIT

# lx ARGS...: the real binary in the laptop namespace, stdio passed through. "${LX[@]}" is the
# same without a function, for `"${LX[@]}" ARGS &`, whose $! is then lxhost itself (all exec).
# The suite's mux masters are its own (a runtime directory in $T), stopped at exit: a suite that
# kills a connection on purpose takes no other suite's commands with it.
mkdir -p "$T/run"
LX=("$LAB_TOOL" exec laptop env XDG_RUNTIME_DIR="$T/run" "$LXHOST_BIN")
lx() { "${LX[@]}" "$@"; }
# in_laptop CMD...: CMD in the laptop namespace, the binary under test first on PATH, a cache of the
# suite's own ($T/cache: other suites run at the same time).
in_laptop() { "$LAB_TOOL" exec laptop env PATH="$(dirname "$LXHOST_BIN"):$PATH" XDG_CACHE_HOME="$T/cache" XDG_RUNTIME_DIR="$T/run" "$@"; }

# capture CMD...: runs CMD with stdin from $STDIN_FILE (default /dev/null); sets OUT, ERR, RC, MS.
capture() {
  local start=${EPOCHREALTIME/./}
  set +e
  "$@" <"${STDIN_FILE:-/dev/null}" >"$T/out" 2>"$T/err"
  RC=$?
  set -e
  MS=$(((${EPOCHREALTIME/./} - start) / 1000))
  OUT=$(cat "$T/out")
  ERR=$(cat "$T/err")
}
# wait_for SECONDS CMD...: CMD succeeds within SECONDS (polled every 50 ms).
wait_for() {
  local n=$(($1 * 20))
  shift
  while ! "$@"; do
    n=$((n - 1))
    [ "$n" -gt 0 ] || return 1
    sleep 0.05
  done
}

# own_link NS VETH ADDR: a network namespace NS of the suite's own, on br1 by a veth whose host
# side VETH the suite may take down (a link cut that no other suite feels), with address ADDR;
# `at_exit own_link_cleanup` removes both.
own_link() {
  OWN_NS=$1 OWN_VETH=$2
  ip netns add "$OWN_NS"
  ip link add "$OWN_VETH" type veth peer name lab0 netns "$OWN_NS"
  ip link set "$OWN_VETH" master br1 up
  ip -n "$OWN_NS" addr add "$3/24" dev lab0
  ip -n "$OWN_NS" link set lab0 up
  ip -n "$OWN_NS" link set lo up
}
own_link_cleanup() {
  [ -z "${OWN_NS:-}" ] && return 0
  ip link del "$OWN_VETH" 2>/dev/null || true
  ip netns del "$OWN_NS" 2>/dev/null || true
}

# bus_without_avahi: a system D-Bus of the suite's own at $T/bus.sock with no Avahi on it (for
# DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/bus.sock: "the daemon is not running"), ended by PID at exit.
bus_without_avahi() {
  cat >"$T/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><listen>unix:path=$T/bus.sock</listen><auth>EXTERNAL</auth>
<policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/></policy>
</busconfig>
CONF
  dbus-daemon --config-file="$T/bus.conf" --nofork --nopidfile </dev/null >/dev/null 2>&1 &
  BUS_PID=$!
  at_exit 'kill "$BUS_PID" 2>/dev/null'
  local i
  for i in $(seq 100); do [ -S "$T/bus.sock" ] && return 0; sleep 0.05; done
  return 1
}

# unauthorized_home DIR: a HOME whose only key the lab's sshd does not know (and the lab's
# known_hosts), so that libssh has no other key of ~/.ssh's to try.
unauthorized_home() {
  mkdir -p "$1/.ssh"
  chmod 700 "$1" "$1/.ssh"
  cp "$LAB_UNAUTHORIZED_KEY" "$LAB_UNAUTHORIZED_KEY.pub" "$1/.ssh/"
  cp "$LAB_KNOWN_HOSTS" "$1/.ssh/known_hosts"
  : >"$1/.ssh/config"
}

# ssh_home DIR: DIR made a user's home for OpenSSH and lxhost (the lab's key, known_hosts and
# config); H is DIR. OpenSSH takes `~` from the password database, not from $HOME, so in_home CMD...
# runs CMD in a private mount namespace (inside the laptop's) where that home is /root: ssh then
# reads ~/.ssh/config, its Include and known_hosts there, as a user's ssh would.
ssh_home() {
  H=$1
  mkdir -p "$H/.ssh" "$H/.config/lxhost"
  chmod 700 "$H/.ssh"
  cp "$LAB_CLIENT_KEY" "$H/.ssh/id_ed25519"
  cp "$LAB_KNOWN_HOSTS" "$H/.ssh/known_hosts"
  cp "$LAB_CONFIG" "$H/.config/lxhost/config.toml"
}
in_home() {
  # shellcheck disable=SC2016 # expanded by that sh
  "$LAB_TOOL" exec laptop unshare --mount --propagation private sh -c \
    'mount --bind "$0" /root && cd /root && run=$1 && shift &&
     exec env -u XDG_CONFIG_HOME -u XDG_CACHE_HOME HOME=/root XDG_RUNTIME_DIR="$run" "$@"' "$H" "$T/run" "$@"
}
# ssh_to NAME CMD...: the user's plain `ssh NAME CMD` in that home (bounded: a hang fails the
# check, not the run).
ssh_to() { in_home timeout 30 ssh "$@"; }

# binary_start_ms: what starting lxhost costs here now (the median of 3 `--version` runs, in ms).
# A check of a bound against wall time allows this on top: a loaded machine is no failure of the
# bound (a wait that ignored its bound still fails: it takes seconds more, not a start's worth).
binary_start_ms() {
  local i
  for i in 1 2 3; do capture lx --version; echo "$MS"; done | sort -n | sed -n 2p
}
# run_lx ARGS...: lxhost in the laptop namespace, captured.
run_lx() { capture lx "$@"; }

# start_bg [--as NAME] ARGS...: lxhost ARGS in the background (stdin /dev/null), its output in
# $T/out and $T/err, or with --as NAME in $T/NAME.out and .err (several may run at once). BG, and
# BG_PID[NAME], is its pid (lxhost's own: the lab execs all the way). wait_bg [NAME] then sets RC,
# OUT, ERR, MS as capture does.
declare -A BG_PID=() BG_T0=()
start_bg() {
  local name=- files=$T/
  if [ "${1-}" = --as ]; then
    name=$2 files=$T/$2.
    shift 2
  fi
  # Emptied here, before the fork: the redirections below truncate in the child, which may run
  # after the caller has already read the previous command's output (a wait_for on it).
  : >"${files}out"
  : >"${files}err"
  BG_T0[$name]=${EPOCHREALTIME/./}
  "${LX[@]}" "$@" </dev/null >"${files}out" 2>"${files}err" &
  BG=$!
  BG_PID[$name]=$BG
}
wait_bg() {
  local name=${1:--} files=$T/${1:+$1.}
  set +e
  wait "${BG_PID[$name]}"
  RC=$?
  set -e
  MS=$(((${EPOCHREALTIME/./} - BG_T0[$name]) / 1000))
  OUT=$(cat "${files}out")
  ERR=$(cat "${files}err")
}

# master_pids [LXHOST...]: the PIDs of the mux masters `LXHOST mux status` lists (LXHOST: lx unless
# given), one a line, in the order listed; master_pid [LXHOST...]: the first of them.
master_pids() {
  "${@:-lx}" mux status 2>/dev/null |
    awk 'NR > 1 && $NF ~ /\.sock$/ { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) { print $i; break } }'
}
master_pid() { master_pids "$@" | sed -n 1p; }

# A private tmux server for tests that need a real terminal (ended by cleanup).
tm() { tmux -L "lxhost-e2e-$$" -f /dev/null "$@"; }
# type_line PANE TEXT: types TEXT into the pane, then Enter.
type_line() { tm send-keys -t "$1" -l -- "$2"; tm send-keys -t "$1" Enter; }
# local_shell PANE: a session PANE (100x30) running bash in the laptop namespace, checked ready at
# the prompt `LOCAL> `, its terminal mode (`stty -g`) saved in $T/before.
local_shell() {
  local pane=$1
  tm new-session -d -s "$pane" -x 100 -y 30 "$LAB_TOOL exec laptop env XDG_RUNTIME_DIR=$T/run bash --norc --noprofile"
  check "local shell ready" eval 'type_line "$pane" "echo READY" && pane_has "$pane" READY'
  type_line "$pane" "stty -g > $T/before; PS1='LOCAL> '"
  check "local prompt" prompt_is "$pane" "LOCAL>"
}
# pane_has PANE TEXT: wait (bounded, 10 s) until the pane shows TEXT.
pane_has() {
  local i
  for i in $(seq 200); do
    grep -qF -- "$2" <<<"$(tm capture-pane -p -t "$1" -S -100)" && return 0
    sleep 0.05
  done
  return 1
}
# prompt_is PANE TEXT: wait until the pane's last non-empty line is TEXT (the shell waits for input).
prompt_is() {
  local i
  for i in $(seq 200); do
    [ "$(tm capture-pane -p -t "$1" | grep -v '^$' | tail -1)" = "$2" ] && return 0
    sleep 0.05
  done
  return 1
}

# host_lxc VERB ARGS...: LXC on the container host itself, as root, for setup and inspection.
host_lxc() {
  local verb=$1
  shift
  "lxc-$verb" -P "$LAB_LXCPATH" "$@"
}

# new_name VAR PREFIX: sets VAR to a container name unique to this run, destroyed at exit.
# (Not `$(new_name ...)`: a command substitution's subshell could not record the name.)
new_name() {
  printf -v "$1" '%s-%s-%s' "$2" "$$" "$RANDOM"
  CREATED+=("${!1}")
}

# watch_state: for a failure's message, what watches the lab's lxcpath on the host: the
# lxc-monitor, lxc-monitord, inotifywait and lxc-ls processes with what each waits on (wchan),
# the lock that the lxc-monitord reading the lxcpath's FIFO holds on it, and the lab sshd's last log
# lines (sessions started, with their connections).
watch_state() {
  ps -eo pid,ppid,stat,etimes,wchan:24,args | awk 'NR == 1 || /lxc-monitor|lxc-ls|inotifywait/ && !/awk/' |
    cut -c1-160 | sed 's/^/     /'
  local fifo=/run/lxc$LAB_LXCPATH/monitor-fifo inode
  if inode=$(stat -c %i "$fifo" 2>/dev/null); then
    grep -E "^[0-9]+: .*:$inode " /proc/locks | sed 's/^/     lock: /' || echo "     $fifo: not locked"
  else
    echo "     $fifo: none"
  fi
  ss -xlp 2>/dev/null | grep -F "lxc/" | sed 's/^/     socket: /' || true
  echo "     the lab sshd's log, last 30 lines:"
  tail -n 30 "$LXHOST_LAB_DIR/sshd/sshd.log" | sed 's/^/     /'
}

# ms_until BOUND_MS DESCRIPTION CMD...: how long (ms) until CMD succeeds, polled every 20 ms (in
# MS_TAKEN); checks it was within BOUND_MS (SLOW times that in a sanitizer build). Not within
# BOUND_MS + 9 s, it is a failure, and the suite's ms_until_late (when it has one) says what it knows.
ms_until() {
  local bound=$(($1 * SLOW)) what=$2 start=${EPOCHREALTIME/./} ms
  shift 2
  until "$@"; do
    ms=$(((${EPOCHREALTIME/./} - start) / 1000))
    if [ "$ms" -ge $((bound + 9000)) ]; then
      fail "$what: not seen after $ms ms"
      ! declare -F ms_until_late >/dev/null || ms_until_late
      return 0
    fi
    sleep 0.02
  done
  MS_TAKEN=$(((${EPOCHREALTIME/./} - start) / 1000))
  check "$what within $bound ms ($MS_TAKEN ms)" test "$MS_TAKEN" -le "$bound"
}

container_exists() { [ -d "$LAB_LXCPATH/$1" ]; }
container_state() { host_lxc info -n "$1" -s -H 2>/dev/null || echo ABSENT; }

# Assertions: each prints what it checked; a failure is counted and the suite fails at the end.
pass() { CHECKS=$((CHECKS + 1)); printf 'ok   %s\n' "$*"; }
fail() {
  CHECKS=$((CHECKS + 1))
  FAILURES=$((FAILURES + 1))
  printf 'FAIL %s\n' "$*"
  printf '     rc=%s\n     stdout: %s\n     stderr: %s\n' "${RC-}" "${OUT-}" "${ERR-}" | head -c 4000
}
check() {
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
expect_rc() { if [ "$RC" = "$1" ]; then pass "${2:-exit code} = $1"; else fail "${2:-exit code}: expected $1, got $RC"; fi; }
expect_out() { if [ "$OUT" = "$1" ]; then pass "${2:-stdout} is '$1'"; else fail "${2:-stdout}: expected '$1'"; fi; }
contains() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }
# out_has_line TEXT: stdout has exactly this line. (grep reads a here-string: `printf | grep -q`
# fails under pipefail when grep quits early.)
out_has_line() { grep -qxF -- "$1" <<<"$OUT"; }
expect_out_has() { if contains "$OUT" "$1"; then pass "stdout has '$1'"; else fail "stdout lacks '$1'"; fi; }
expect_err_has() { if contains "$ERR" "$1"; then pass "stderr has '$1'"; else fail "stderr lacks '$1'"; fi; }
expect_err_lines() {
  local n
  n=$(printf '%s' "$ERR" | grep -c '' || true)
  if [ "$n" -le "$1" ]; then pass "stderr has at most $1 line(s)"; else fail "stderr has $n lines, expected at most $1"; fi
}
# quiet_ls_err: stderr of an lxc-ls through lxhost, empty but for LXC's own "Failed to load config
# for NAME": suites beside this one make and remove containers in the lab's lxcpath, and lxc-ls
# says so of one caught half made. Nothing of lxhost's is let through.
quiet_ls_err() { test -z "$(printf '%s' "$ERR" | grep -v '^Failed to load config for [^ ]*$')"; }

# lxd_suite: for a suite on the lab's LXD cluster (the lxd fixture). LXDC runs LXD's own client
# against m1; every instance whose name the suite adds to INSTANCES is deleted (forced) at exit,
# and a member the suite left stopped is started again, before the usual cleanup.
lxd_suite() {
  LXDC=(env LXD_DIR="$LAB_LXD_DIR/m1" lxc)
  INSTANCES=()
  at_exit lxd_cleanup
  lxd_config "$T/lxd.toml"
}
# lxd_config FILE [SED-EXPR...]: the lab's config with its host as [hosts.cluster], the default,
# with backend = "lxd" at m1's socket (and the edits).
lxd_config() {
  local file=$1
  shift
  lab_config "$file" 's/^default_host = .*/default_host = "cluster"/' 's/^\[hosts\.lab\]/[hosts.cluster]/' '/^lxcpath = /d' "$@"
  printf 'backend = "lxd"\nlxd_socket = "%s"\n' "$LAB_LXD_SOCKET" >>"$file"
}
# lxd_lx ARGS...: lxhost in the laptop namespace with lxd_suite's config.
lxd_lx() { in_laptop lxhost -c "$T/lxd.toml" "$@"; }
# lxd_state NAME, lxd_member NAME: the instance's state and member, as LXD lists them (empty: none).
lxd_state() { "${LXDC[@]}" list -f csv -c s "^$1\$" 2>/dev/null; }
lxd_member() { "${LXDC[@]}" list -f csv -c L "^$1\$" 2>/dev/null; }
lxd_cleanup() {
  local name m
  for name in "${INSTANCES[@]}"; do "${LXDC[@]}" delete --force "$name" >/dev/null 2>&1 || true; done
  if ! "$LAB_TOOL" lxd status >/dev/null 2>&1; then
    for m in $LAB_LXD_MEMBERS; do "$LAB_TOOL" lxd start "$m" >/dev/null 2>&1 || true; done
  fi
}

# lab_config FILE [SED-EXPR...]: the lab's config with edits, for a test's own -c FILE.
lab_config() {
  local file=$1
  shift
  cp "$LAB_CONFIG" "$file"
  local expr
  for expr in "$@"; do sed -i "$expr" "$file"; done
}

finish() {
  FINISHED=1
  if [ "$FAILURES" -gt 0 ]; then
    printf '%s: %d of %d checks failed\n' "$SUITE" "$FAILURES" "$CHECKS"
    exit 1
  fi
  if [ "$CHECKS" -eq 0 ]; then
    echo "$SUITE: no checks ran"
    exit 1
  fi
  printf '%s: all %d checks passed\n' "$SUITE" "$CHECKS"
}
