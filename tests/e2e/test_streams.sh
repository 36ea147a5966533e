# stdout and stderr stay separate; stdin reaches the remote command and EOF is passed on.
source "$(dirname "$0")/lib.sh"

run_lx attach -n web -- sh -c 'echo to-out; echo to-err >&2; echo more-out'
expect_rc 0
expect_out "$(printf 'to-out\nmore-out')" "stdout holds only stdout"
check "stderr holds only stderr" test "$ERR" = to-err

printf 'line one\nline two\n' >"$T/in"
STDIN_FILE=$T/in run_lx attach -n web -- cat
expect_rc 0 "cat ends at EOF"
expect_out "$(printf 'line one\nline two')" "stdin reaches the remote command"

# 4 MiB of random bytes through cat: same checksum on both sides, and EOF still passed on.
head -c 4194304 /dev/urandom >"$T/big"
STDIN_FILE=$T/big run_lx attach -n web -- md5sum
expect_rc 0 "md5sum of 4 MiB ends"
check "4 MiB of stdin arrive intact" test "${OUT%% *}" = "$(md5sum <"$T/big" | cut -d' ' -f1)"

# Empty stdin: EOF at once.
STDIN_FILE=/dev/null run_lx attach -n web -- wc -c
expect_rc 0
check "empty stdin gives 0 bytes" test "$(echo $OUT)" = 0
# A reader that goes away (| head): lxhost ends as a local writer would (SIGPIPE, 141) and the
# remote writer is gone too.
set +e
lx attach -n web -- yes </dev/null 2>"$T/err" | head -2 >"$T/out"
RC=${PIPESTATUS[0]}
set -e
expect_rc 141 "stdout closed by the reader"
check "head got its two lines" test "$(cat "$T/out")" = "$(printf 'y\ny')"
gone() { ! grep -qx yes <<<"$(ps -eo args=)"; }
check "the remote yes is gone" eval 'for i in $(seq 100); do gone && break; sleep 0.05; done; gone'
finish
