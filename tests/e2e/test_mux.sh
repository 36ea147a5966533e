#!/usr/bin/env bash
# Connection reuse: the per-host master, its socket, its robustness. Like every suite's, this
# suite's masters live in a runtime directory of its own ($T/run, lib.sh), so that killing them
# touches no other suite; every other suite runs through masters too (lxhost's default).
. "$(dirname "$0")/lib.sh"

RUN=$T/run/lxhost
alive() { kill -0 "$1" 2>/dev/null; }

# --- the first command starts a master; the next ones use it
run_lx ls -1
expect_rc 0 "the first command (no master yet)"
expect_out_has web
check "... and said nothing on stderr" quiet_ls_err
check "the mux directory is 0700" test "$(stat -c %a "$RUN")" = 700
SOCK=$(ls "$RUN"/*.sock)
check "one socket, 0600" test "$(stat -c %a "$SOCK")" = 600
PID=$(master_pids)
check "mux status lists one master ($PID)" eval '[ -n "$PID" ] && [ "$(master_pids | wc -l)" = 1 ]'
check "the master is its own session leader (detached)" test "$(ps -o sid= -p "$PID" | tr -d ' ')" = "$PID"
run_lx mux status
check "mux status shows the host and uptime" eval 'contains "$OUT" "lab (lxhtest@$LAB_HOST_ADDR:$LAB_SSH_PORT)" && contains "$OUT" UPTIME'
run_lx ls -1
expect_rc 0 "a second command"
check "... through the same master" test "$(master_pids)" = "$PID"

# --- through the master, as without it
STDIN_FILE=$T/lines
printf 'a\nb\nc\n' >"$STDIN_FILE"
capture lx attach -n web -- wc -l
unset STDIN_FILE
expect_out 3 "stdin and its EOF reach the command"
run_lx attach -n web -- sh -c 'echo to-out; echo to-err >&2; exit 7'
expect_rc 7 "the exit code"
expect_out to-out "stdout"
check "stderr apart: to-err" test "$ERR" = to-err
run_lx attach -n web -- sh -c 'kill -TERM $$'
expect_rc 143 "a command killed by SIGTERM: 128+15"
head -c 10485760 /dev/urandom >"$T/big"
STDIN_FILE=$T/big capture lx attach -n web -- sha256sum
check "10 MB of stdin arrive intact" test "${OUT%% *}" = "$(sha256sum <"$T/big" | cut -d' ' -f1)"
capture bash -c '"$@" | sha256sum' _ "${LX[@]}" attach -n web -- cat /bin/busybox
check "a binary stdout arrives intact" test "${OUT%% *}" = "$(sha256sum <"$LAB_LXCPATH/web/rootfs/bin/busybox" | cut -d' ' -f1)"

# --- a reader that falls behind: the master keeps about a megabyte of its output and the remote
# command waits (SSH window) rather than the master's memory growing; nothing is lost. 32 MiB
# are written in well under a second when nothing waits: here the command has not ended (its
# marker file is not there) when the reader wakes after 5 s.
MARK=lxhost-mux-slow-$$
rm -f "$LAB_LXCPATH/web/rootfs/tmp/$MARK"
capture bash -c '"$@" | { sleep 5; [ -e "$0" ] && echo ended-early >&2; sha256sum; }' \
  "$LAB_LXCPATH/web/rootfs/tmp/$MARK" "${LX[@]}" attach -n web -- sh -c "head -c 33554432 /dev/zero && touch /tmp/$MARK"
check "32 MiB through a slow reader arrive intact" test "${OUT%% *}" = "$(head -c 33554432 /dev/zero | sha256sum | cut -d' ' -f1)"
check "... and the command had not ended when the reader woke" test -z "$ERR"
check "... and it ended after all" test -e "$LAB_LXCPATH/web/rootfs/tmp/$MARK"
rm -f "$LAB_LXCPATH/web/rootfs/tmp/$MARK"

# --- 50 invocations at once: each its own output and exit code (more than sshd's MaxSessions 10)
for i in $(seq 50); do
  "${LX[@]}" attach -n web -- sh -c "echo out-$i; echo err-$i >&2; exit $((i % 7))" >"$T/c$i.out" 2>"$T/c$i.err" </dev/null &
  echo $! >"$T/c$i.pid"
done
bad=""
for i in $(seq 50); do
  rc=0
  wait "$(cat "$T/c$i.pid")" || rc=$?
  [ "$rc" = $((i % 7)) ] && [ "$(cat "$T/c$i.out")" = "out-$i" ] && [ "$(cat "$T/c$i.err")" = "err-$i" ] || bad="$bad $i(rc=$rc)"
done
check "50 concurrent invocations: every output and exit code right${bad:+ (wrong:$bad)}" test -z "$bad"
for i in $bad; do  # what a wrong one said (its number, before "(rc=")
  printf '     %s stderr: %s\n' "${i%%(*}" "$(head -c 300 "$T/c${i%%(*}.err")"
done
check "... all through the one master" test "$(master_pids)" = "$PID"

# --- kill -9 of the master mid-command: that command exits 255, the next one starts a new master
start_bg attach -n web -- sh -c 'echo started; sleep 20'
check "the long command started" wait_for 10 grep -q started "$T/out"
kill -9 "$PID"
wait_bg
expect_rc 255 "the command whose master was killed"
expect_err_has "went away during the command"
check "... at once, not at the end of the command ($MS ms)" test "$MS" -lt 15000
check "the dead master's socket is still there (stale)" test -S "$SOCK"
run_lx ls -1
expect_rc 0 "the next command, over a stale socket"
check "... without a word on stderr" quiet_ls_err
NEW=$(master_pids)
check "... through a new master ($NEW, not $PID)" eval '[ -n "$NEW" ] && [ "$NEW" != "$PID" ]'
PID=$NEW

# --- nothing is left behind: no lock file of a starter, and `mux status` clears what a dead
# master left (its socket; a lock file an older lxhost left)
check "no lock file after the masters started" eval '[ -z "$(ls "$RUN" | grep "\.lock$")" ]'
kill -9 "$PID"
check "the master is killed" wait_for 5 eval '! alive "$PID"'
: >"$RUN/lab-0123456789abcdef.sock.lock"
run_lx mux status
expect_rc 0 "mux status after a master died"
check "... lists no dead master" eval '! contains "$OUT" "not answering" && contains "$OUT" "no mux masters"'
check "... and removed its socket and the stale lock file" eval '[ -z "$(ls -A "$RUN")" ]'
# Hosts that never connected leave nothing either (a closed port: refused at once).
lab_config "$T/closed.toml" 's/^port = 2222$/port = 1/'
for spelling in lab "$LAB_HOST_ADDR" "lxhtest@$LAB_HOST_ADDR"; do
  capture lx -c "$T/closed.toml" -H "$spelling" ls -1
  expect_rc 255 "-H $spelling on a closed port"
done
# A TAB for a host that never answers (an address nobody has: a 3 s connect timeout): its
# background refresh holds the lock while it tries, and leaves none when it fails.
mkdir -p "$T/cache"
capture "$LAB_TOOL" exec laptop env XDG_RUNTIME_DIR="$T/run" XDG_CACHE_HOME="$T/cache" "$LXHOST_BIN" \
  -c "$T/closed.toml" -H 10.203.0.99 __complete containers
cache_locks() { find "$T/cache" -name "*.lock" | wc -l; }
check "the TAB's refresh holds its lock while it tries" wait_for 2 eval '[ "$(cache_locks)" = 1 ]'
check "... and leaves none when it fails" wait_for 10 eval '[ "$(cache_locks)" = 0 ]'
run_lx ls -1
check "no lock file in the mux directory ($(ls "$RUN" | tr '\n' ' '))" eval '[ -z "$(ls "$RUN" | grep -v "\.sock$")" ]'
PID=$(master_pids)

# --- a master of an older protocol version is replaced
lx mux stop >/dev/null
capture env LXHOST_MUX_PROTOCOL=0 "${LX[@]}" ls -1
expect_rc 0 "a command of protocol version 0"
run_lx mux status
check "mux status shows the old master's version" eval 'contains "$OUT" "(protocol 0)"'
OLD=$(master_pids)
run_lx ls -1
expect_rc 0 "a command of this version meets it"
check "... without a word on stderr" quiet_ls_err
NEW=$(master_pids)
check "... and replaced it ($OLD -> $NEW)" eval '[ -n "$NEW" ] && [ "$NEW" != "$OLD" ] && [ "$(master_pids | wc -l)" = 1 ]'
check "the old master is gone" wait_for 5 eval '! alive "$OLD"'

# --- mux stop
run_lx mux stop
expect_rc 0 "mux stop"
expect_out_has "stopped the master"
check "its process ends" wait_for 5 eval '! alive "$NEW"'
run_lx mux status
expect_out_has "no mux masters"

# --- two (ten) invocations at once, no master yet: one master
for i in $(seq 10); do "${LX[@]}" ls -1 >"$T/s$i.out" 2>&1 & done
wait
all_listed_web() {
  local i
  for i in $(seq 10); do grep -qx web "$T/s$i.out" || return 1; done
}
check "ten invocations at once all listed web" all_listed_web
for i in $(seq 10); do  # what a wrong one said
  grep -qx web "$T/s$i.out" || printf '     %s said: %s\n' "$i" "$(head -c 300 "$T/s$i.out")"
done
check "... and left exactly one master" test "$(master_pids | wc -l)" = 1
lx mux stop >/dev/null

# --- the idle timeout ends the master (2 s here; allowed 3x)
lab_config "$T/idle.toml"
printf '\n[mux]\nidle_timeout_s = 2\n' >>"$T/idle.toml"
run_lx -c "$T/idle.toml" ls -1
expect_rc 0 "a command with idle_timeout_s = 2"
IDLE=$(master_pids)
start=${EPOCHREALTIME/./}
check "the idle master ends within 6 s" wait_for 6 eval '! alive "$IDLE"'
ms=$(((${EPOCHREALTIME/./} - start) / 1000))
check "... not before its 2 s ($ms ms after the command)" test "$ms" -ge 1500
check "... and removes its socket" eval '! ls "$RUN"/*.sock >/dev/null 2>&1'

# --- bypassed: --no-mux, LXHOST_MUX=0, [mux] enabled = false start no master
for how in "--no-mux" "env:LXHOST_MUX=0" "config"; do
  case $how in
    --no-mux) capture lx --no-mux ls -1 ;;
    env:*) capture env LXHOST_MUX=0 "${LX[@]}" ls -1 ;;
    config)
      lab_config "$T/off.toml"
      printf '\n[mux]\nenabled = false\n' >>"$T/off.toml"
      capture lx -c "$T/off.toml" ls -1
      ;;
  esac
  check "$how: the command ran" eval '[ "$RC" = 0 ] && contains "$OUT" web'
  check "$how: no master was started" eval '! ls "$RUN"/*.sock >/dev/null 2>&1'
done

# --- a mux directory others may write in is not used (a warning, and the command still runs);
# one they may only read is made private
chmod 757 "$RUN"
run_lx ls -1
expect_rc 0 "with the mux directory 0757"
expect_err_has "lets others in"
check "no master there" eval '! ls "$RUN"/*.sock >/dev/null 2>&1'
chmod 755 "$RUN"
run_lx ls -1
expect_rc 0 "with the mux directory 0755"
check "... no warning" quiet_ls_err
check "... and the directory is 0700 again" test "$(stat -c %a "$RUN")" = 700
lx mux stop >/dev/null

# --- another user is refused by the master (peer credentials), even when the socket lets them in
run_lx ls -1
SOCK=$(ls "$RUN"/*.sock)
chmod 711 "$T/run" "$RUN"
chmod 666 "$SOCK"
capture runuser -u "$LAB_NOPW_USER" -- python3 -c '
import socket, sys, struct
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(3)
try:  # the master may close before the hello is even written
    s.sendall(b"H" + struct.pack(">I", 4) + struct.pack(">I", 1))
    print("answered" if s.recv(64) else "closed")
except (ConnectionResetError, BrokenPipeError):
    print("closed")' "$SOCK"
check "a connection from user $LAB_NOPW_USER is closed unanswered" test "$OUT" = closed
chmod 700 "$RUN"
chmod 600 "$SOCK"
lx mux stop >/dev/null

finish
