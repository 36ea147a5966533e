# A host with backend = "lxd" (the lab's cluster): snapshot (create as snapN, -L as lxc-snapshot
# -L prints, -r in place and -N into a new instance, -d) and start-ephemeral (-o ORIG -- CMD: its
# output, stdin and exit code, the copy gone after; -d: left running, gone when it stops;
# --target; Ctrl-C and a lost connection leave nothing), through the mux master and without it;
# info on an instance whose member is down is one line at once.
source "$(dirname "$0")/lib.sh"
set -m  # background jobs keep SIGINT (a script's background jobs otherwise start with it ignored)

lxd_suite

remote_running() { ps -eo args= | grep -Eq "$1"; }
gone() { [ -z "$(lxd_state "$1")" ]; }

new_name B lxde-b
new_name R lxde-r
INSTANCES+=("$B" "$R")
"${LXDC[@]}" init "$LAB_LXD_IMAGE" "$B" --target m2 >/dev/null

# --- snapshot --------------------------------------------------------------------------------------
capture lxd_lx snapshot -n "$B" -L
expect_rc 0 "snapshot -L of an instance with none"
expect_out "No snapshots"
capture lxd_lx snapshot -n "$B"
expect_rc 0 "snapshot: made"
expect_out ""
capture lxd_lx execute -n "$B" -- touch /after-snap0
expect_rc 0 "a file written after the first snapshot"
capture lxd_lx --no-mux snapshot -n "$B"
expect_rc 0 "snapshot --no-mux: a second"
capture lxd_lx snapshot -n "$B" -L
expect_rc 0 "snapshot -L"
check "... snap0 and snap1, as lxc-snapshot -L prints them" \
  eval 'grep -Eq "^snap0 \(LXD\) [0-9]{4}:[0-9]{2}:[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\$" <<<"$OUT" && grep -q "^snap1 (LXD) " <<<"$OUT"'
check "... and LXD has both" eval '"${LXDC[@]}" query "/1.0/instances/$B/snapshots" | grep -q "snapshots/snap1"'

capture lxd_lx snapshot -n "$B" -r snap0
expect_rc 0 "snapshot -r snap0: restored in place"
capture lxd_lx execute -n "$B" -- test ! -e /after-snap0
expect_rc 0 "... the file written after it is gone"
capture lxd_lx snapshot -n "$B" -r snap1 -N "$R"
expect_rc 0 "snapshot -r snap1 -N NEW: a new instance from it"
check "... it exists, stopped" eval '[ "$(lxd_state "$R")" = STOPPED ]'
capture lxd_lx execute -n "$R" -- test -e /after-snap0
expect_rc 0 "... with the file snap1 has"
capture lxd_lx snapshot -n "$B" -d snap1
expect_rc 0 "snapshot -d snap1"
capture lxd_lx snapshot -n "$B" -L
check "... -L lists snap0 alone" eval '[ "$(cut -d" " -f1 <<<"$OUT")" = snap0 ]'
capture lxd_lx snapshot -n "$B" -r nosuch
expect_rc 1 "snapshot -r of no such snapshot: exit 1"
expect_err_lines 1
capture lxd_lx snapshot -n "lxde-nosuch-$$" -L
expect_rc 1 "snapshot -L of no such instance: exit 1"
expect_err_has "lxhost: error: cluster has no instance lxde-nosuch-$$ (in LXD project default)"

# --- start-ephemeral -- CMD: output, stdin, exit code; the copy gone after ---------------------------
ephemerals() { "${LXDC[@]}" list -f csv -c n 2>/dev/null | grep -c '^lxhost-' || true; }
BEFORE=$(ephemerals)
# F never ran: each copy's first start remaps its filesystem, and lxc start says so on stdout.
new_name F lxde-f
INSTANCES+=("$F")
"${LXDC[@]}" init "$LAB_LXD_IMAGE" "$F" --target m1 >/dev/null 2>&1
for mux in "" --no-mux; do
  capture lxd_lx $mux start-ephemeral -o "$F" -- sh -c 'echo out; echo err >&2; exit 5'
  expect_rc 5 "start-ephemeral -- CMD ${mux:-(mux)}: CMD's exit code"
  expect_out out
  check "... CMD's stderr alone on stderr" eval '[ "$ERR" = err ]'
  check "... the copy is gone" wait_for 10 eval '[ "$(ephemerals)" = "$BEFORE" ]'
  printf 'one\ntwo\n' >"$T/in"
  STDIN_FILE=$T/in capture lxd_lx $mux start-ephemeral -o "$B" -- sh -c 'cat; echo end'
  expect_rc 0 "start-ephemeral -- cat ${mux:-(mux)}: stdin to EOF"
  expect_out "one
two
end"
done
check "... and after both, no copy is left" wait_for 10 eval '[ "$(ephemerals)" = "$BEFORE" ]'

new_name E lxde-e
INSTANCES+=("$E")
capture lxd_lx start-ephemeral -o "$B" -n "$E" -d
expect_rc 0 "start-ephemeral -d: left running"
expect_out "Created $E as clone of $B"
check "... it runs" eval '[ "$(lxd_state "$E")" = RUNNING ]'
capture lxd_lx start-ephemeral -o "$B" -n "$E" -- true
expect_rc 1 "start-ephemeral to a name that exists: exit 1"
expect_err_has "lxhost: error: start-ephemeral: '$E' already exists on cluster"
check "... the one that exists still runs" eval '[ "$(lxd_state "$E")" = RUNNING ]'
capture lxd_lx stop -n "$E"
expect_rc 0 "stop of the ephemeral copy"
check "... LXD deleted it" wait_for 10 gone "$E"
capture lxd_lx start-ephemeral -o "lxde-nosuch-$$" -- true
expect_rc 1 "start-ephemeral of no such instance: exit 1"
expect_err_has "lxhost: error: cluster has no instance lxde-nosuch-$$ (in LXD project default)"

# --- --target, Ctrl-C, a lost connection: nothing left ---------------------------------------------
for how in INT KILL KILL-no-mux; do
  new_name N "lxde-$how"
  INSTANCES+=("$N")
  n=$((3000 + RANDOM % 1000))
  flags=()
  [ "$how" != KILL-no-mux ] || flags=(--no-mux)
  start_bg -c "$T/lxd.toml" "${flags[@]}" start-ephemeral -o "$B" -n "$N" --target m3 -- sleep "$n"
  if wait_for 30 remote_running "^sleep $n\$"; then
    check "--target m3 ($how): the copy is on m3" eval '[ "$(lxd_member "$N")" = m3 ]'
    kill "-${how%-no-mux}" "$BG"
    wait_bg
    [ "$how" != INT ] || expect_rc 130 "start-ephemeral -- CMD interrupted"
    check "... ($how) CMD is gone" wait_for 10 eval "! remote_running '^sleep $n\$'"
    check "... ($how) the copy is gone" wait_for 15 gone "$N"
  else
    fail "start-ephemeral's sleep never started ($how)"
    kill -KILL "$BG" 2>/dev/null || true
  fi
done

# --- info with the member down: one line at once -----------------------------------------------------
"$LAB_TOOL" lxd stop m2 >/dev/null
capture lxd_lx info -n "$B"
expect_rc 1 "info with its member down: exit 1"
expect_err_has "lxhost: error: $B is on m2, a cluster member that "
check "... at once ($MS ms)" test "$MS" -lt $((SLOW * 3000))
"$LAB_TOOL" lxd start m2 >/dev/null
capture lxd_lx info -n "$B" -s
expect_rc 0 "m2 back: info works again"
expect_out "State:          STOPPED"

finish
