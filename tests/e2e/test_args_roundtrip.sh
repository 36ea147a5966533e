# Every argument reaches the remote tool as exactly one argument, byte for byte: a committed
# corpus (tests/e2e/data/args.bin, NUL-separated) goes through `attach -- printf '<%s>\0'`.
source "$(dirname "$0")/lib.sh"

mapfile -d '' args <"$(dirname "$0")/data/args.bin"
check "corpus loaded (${#args[@]} arguments)" test "${#args[@]}" -gt 50

lx attach -n web -- printf '<%s>\0' "${args[@]}" </dev/null >"$T/got" 2>"$T/err" && RC=0 || RC=$?
expect_rc 0 "printf through attach"
printf '<%s>\0' "${args[@]}" >"$T/want"
check "corpus round-trips byte for byte" cmp "$T/want" "$T/got"

# One argument of 64 KiB with shell metacharacters, quotes and a newline at its end.
big=$(head -c 65536 /dev/zero | tr '\0' 'x')
big="$big$(printf 'a b\n$c`d\047"e\\f')"
lx attach -n web -- printf '<%s>' "$big" </dev/null >"$T/got" 2>"$T/err" && RC=0 || RC=$?
expect_rc 0 "64 KiB argument"
printf '<%s>' "$big" >"$T/want"
check "64 KiB argument arrives whole" cmp "$T/want" "$T/got"

# Arguments that look like lxhost's own options are the remote tool's after the verb.
run_lx attach -n web -- printf '%s,' -H -c -t -T -v -q --no-mux --help --version
expect_rc 0
expect_out "-H,-c,-t,-T,-v,-q,--no-mux,--help,--version," "lxhost's flags after the verb go to the remote command"
finish
