# Output streams as it comes: the remote command prints A, then waits for a file that this test
# creates only after it has read A. If lxhost buffered output until the end, this could not pass.
source "$(dirname "$0")/lib.sh"

flag=/tmp/lxhost-go-$$-$RANDOM
mkfifo "$T/fifo"
"${LX[@]}" attach -n web -- sh -c "echo A; i=0; while [ ! -e $flag ]; do sleep 0.05; i=\$((i+1)); [ \$i -gt 400 ] && exit 9; done; echo B; rm -f $flag" \
  </dev/null >"$T/fifo" 2>"$T/err" &
pid=$!
exec 4<"$T/fifo"
first=""
read -r -t 15 first <&4 || true
check "A arrives while the remote command still runs" test "$first" = A
host_lxc attach -n web -- touch "$flag"
second=""
read -r -t 15 second <&4 || true
check "B arrives after the file appeared" test "$second" = B
set +e
wait "$pid"
RC=$?
set -e
expect_rc 0 "the streaming command"
exec 4<&-

# Interleaving within one stream keeps its order: 2000 numbered lines, none lost or reordered.
run_lx attach -n web -- sh -c 'i=1; while [ $i -le 2000 ]; do echo $i; i=$((i+1)); done'
expect_rc 0
check "2000 lines in order" test "$OUT" = "$(seq 1 2000)"
finish
