# A watch whose laptop stops reading (asleep, or its link cut: the session stays half-open on the
# host for as long as TCP takes to give up) must not deafen the host. lxc-monitord writes each
# state change to its clients with blocking writes: were the watch's lxc-monitor held up by the
# channel, lxc-monitord would be too, once the buffers on the way filled, and every other client of
# that lxcpath (other masters' watches, anyone's lxc-monitor, lxc-start itself, which waits on it)
# would hang or hear nothing more. The master is stopped (SIGSTOP), more state changes than those
# buffers hold are written to the lxcpath's FIFO (lxc_msg records, as lxc-start writes them), and a
# container is started: another lxc-monitor hears it. The master, continued, catches up. An lxcpath
# of this suite's own: the records reach no other suite's watch.
source "$(dirname "$0")/lib.sh"

STALL=$T/stall
mkdir "$STALL"
stallc=stall-$$-$RANDOM
SPID= HEARER=
stall_cleanup() {
  [ -z "$SPID" ] || kill -CONT "$SPID" 2>/dev/null
  [ -z "$HEARER" ] || kill "$HEARER" 2>/dev/null
  in_laptop lxhost -c "$T/stall.toml" mux stop >/dev/null 2>&1
  { lxc-stop -P "$STALL" -n "$stallc" -k; lxc-destroy -P "$STALL" -n "$stallc" -f; } >/dev/null 2>&1
  lxc-monitor -P "$STALL" --quit >/dev/null 2>&1
}
at_exit stall_cleanup
lxc-copy -P "$LAB_LXCPATH" -n base -N "$stallc" -p "$STALL" >/dev/null
lab_config "$T/stall.toml" "s|^lxcpath = .*|lxcpath = \"$STALL\"|"
printf '\n[completion]\ncache_ttl_s = 3600\n' >>"$T/stall.toml"
lxs() { in_laptop lxhost -c "$T/stall.toml" "$@"; }
running() { lxs __complete containers --state running 2>/dev/null | grep -qx "$stallc"; }
host_watches() { pgrep -f -- "-P $STALL -n \.\*" >/dev/null; }

capture lxs ls -1
expect_rc 0 "ls -1 starts a master"
check "... which lists the container" out_has_line "$stallc"
SPID=$(master_pid lxs)
check "... and whose watch runs lxc-monitor on the host" wait_for 5 host_watches
sleep 0.5
kill -STOP "$SPID"

# 100000 records, each one line of an lxc-monitor ("'aaa...' changed state to [STOPPED]", 230
# bytes, or shorter pieces): megabytes, more than libssh's channel window (1.28 MB), the pipes and
# the sockets on the way hold. Each is written whole (268 bytes, under PIPE_BUF), as lxc-start
# writes them. Held up, lxc-monitord stops reading the FIFO and the writes block.
{ head -c 4 /dev/zero; printf 'a%.0s' $(seq 200); head -c 64 /dev/zero; } >"$T/record"
for _ in $(seq 100); do cat "$T/record"; done >"$T/records"
pushed() {
  local _
  for _ in $(seq 1000); do dd if="$T/records" of="/run/lxc$STALL/monitor-fifo" bs=268 status=none || return 1; done
}
t0=${EPOCHREALTIME/./}
timeout 60 bash -c "$(declare -f pushed); T=$T STALL=$STALL pushed" && rc=0 || rc=$?
ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
check "100000 state changes written to the lxcpath's FIFO while the master is stopped (in $ms ms)" test "$rc" = 0
# Another client, come after: under that flood LXC's clients read records in pieces, and one that
# heard it may stay out of step (its lines garbled) for good.
lxc-monitor -P "$STALL" -n '.*' </dev/null >"$T/heard" 2>/dev/null &
HEARER=$!
sleep 0.5
timeout 20 lxc-start -P "$STALL" -n "$stallc" && rc=0 || rc=$?
check "... then a container started there: lxc-start returns" test "$rc" = 0
check "... and another lxc-monitor hears it" wait_for 10 grep -q "'$stallc' changed state to \[RUNNING\]" "$T/heard"

kill -CONT "$SPID"
SPID=
check "the master, continued, offers the container as running" wait_for 30 running
check "... and still serves" eval 'lxs mux status | grep -q "^lab "'

finish
