# shellcheck shell=bash
# Sourced by the test_faults*.sh suites, after lib.sh: what they share to inject faults (through
# `lab fault`) and to show that nothing is left behind.

# Faults this suite made, undone at exit (before lib.sh's cleanup removes $T, where a faulty
# lxcpath may be mounted): each entry is the arguments of one `lab fault` that undoes one.
FAULTS_UP=()
faults_cleanup() {
  local f
  for f in "${FAULTS_UP[@]}"; do
    # shellcheck disable=SC2086 # an entry is words
    "$LAB_TOOL" fault $f >/dev/null 2>&1 || echo "could not undo fault: lab fault $f"
  done
}
at_exit faults_cleanup

# gone_within SECONDS PID...: every PID has exited (or was never there) within SECONDS.
gone_within() {
  local s=$1
  shift
  pids_gone() {
    local p
    for p; do ! kill -0 "$p" 2>/dev/null || return 1; done
  }
  wait_for "$s" pids_gone "$@"
}

# only_masters_left: within 5 s, every lxhost process of the suite is a master `mux status` lists.
only_masters_left() {
  strays() { [ -z "$(comm -23 <(suite_lxhost_pids) <(master_pids | sort -n))" ]; }
  wait_for 5 strays || { echo "     left: $(comm -23 <(suite_lxhost_pids) <(master_pids | sort -n) | tr '\n' ' ')"; return 1; }
}

# remote_gone PATTERN: no process on the container host whose command line matches PATTERN (an
# extended regex; marks the test chose make it unique to this run).
remote_gone() { ! pgrep -f -- "$1" >/dev/null; }

# end_remote PATTERN: SIGKILL, by PID, to what this suite left running on the host on purpose.
end_remote() {
  local p
  for p in $(pgrep -f -- "$1" || true); do kill -KILL "$p" 2>/dev/null || true; done
  wait_for 5 remote_gone "$1" || echo "could not end the processes matching $1"
}

# fault_port VAR: a free port for a fault of this suite (one the lab sshd and other suites do not use).
fault_port() {
  local p=$((2300 + ($$ + RANDOM) % 600)) i
  for i in $(seq 50); do
    if [ -z "$(ss -Hltn "sport = :$p")" ] && [[ " ${USED_PORTS:-} " != *" $p "* ]]; then
      USED_PORTS="${USED_PORTS:-} $p"
      printf -v "$1" '%s' "$p"
      return 0
    fi
    p=$((p + 1))
  done
  echo "no free port for a fault" >&2
  return 1
}
