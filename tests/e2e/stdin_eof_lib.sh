# Sourced by test_stdin_eof_mux.sh and test_stdin_eof_direct.sh, with MODE set to mux or no-mux
# (two suites: each takes minutes, and ctest runs them beside others).
# Commands that read stdin to its end (cat, sh -s, wc -c) end as soon as their input does, through
# the master and without it, whatever shape stdin has: /dev/null, a pipe already closed, no stdin
# at all (`<&-`: the first socket lxhost opened took descriptor 0, and was read as stdin), a few
# bytes, 1 MB, a writer that pauses. Each shape runs 20 times: a stall that one run in four hits
# (EOF that waited for the master's 15 s keepalive) cannot hide. Each run must end within 1 s of
# its own work: the writer's pauses, plus what a command that reads nothing (`true`) takes in the
# same mode here now (the median of 5), which holds the connection and a loaded machine's slowness.
. "$(dirname "$0")/lib.sh"

RUNS=${STDIN_EOF_RUNS:-20}

# 1 MB of shell no-ops, then one echo: every command below can read it to the end.
awk 'BEGIN { line = ": " sprintf("%77s", ""); for (i = 0; i < 13107; i++) print line; print "echo done" }' |
  head -c 1048576 >"$T/mb"
MB_BYTES=$(wc -c <"$T/mb")

# The runs happen in one shell inside the laptop's namespace (no namespace entry per run): for each
# shape, command and run, a line "MODE SHAPE CMD RC MS OUTPUT-DIGEST".
cat >"$T/runs.sh" <<'EOF'
set -u
bin=$1 runs=$2 mb=$3 mode=$4
feed() {
  case $1 in
  null) "${@:2}" </dev/null ;;
  closed) : | "${@:2}" ;;
  nofd) "${@:2}" <&- ;;
  few) printf 'echo hi\n' | "${@:2}" ;;
  mb) cat "$mb" | "${@:2}" ;;
  slow) { printf 'echo a\n'; sleep 0.1; printf 'echo b\n'; sleep 0.1; printf 'echo c\n'; } | "${@:2}" ;;
  esac
}
flags=()
[ "$mode" = mux ] || flags=(--no-mux)
for ((i = 0; i < 5; i++)); do
  start=${EPOCHREALTIME/./}
  "$bin" "${flags[@]}" attach -n web -- true </dev/null
  echo "$mode base true $? $(((${EPOCHREALTIME/./} - start) / 1000)) -"
done
for shape in null closed nofd few mb slow; do
  for cmd in cat sh wc; do
    case $cmd in
    cat) remote=(cat) ;; sh) remote=(sh -s) ;; wc) remote=(wc -c) ;;
    esac
    for ((i = 0; i < runs; i++)); do
      start=${EPOCHREALTIME/./}
      out=$(feed "$shape" "$bin" "${flags[@]}" attach -n web -- "${remote[@]}" 2>&1)
      rc=$?
      ms=$(((${EPOCHREALTIME/./} - start) / 1000))
      echo "$mode $shape $cmd $rc $ms $(printf '%s' "$out" | md5sum | cut -c1-12)"
    done
  done
done
EOF
lab_start=${EPOCHREALTIME/./}
"$LAB_TOOL" exec laptop env XDG_RUNTIME_DIR="$T/run" bash "$T/runs.sh" "$LXHOST_BIN" "$RUNS" "$T/mb" "$MODE" >"$T/results"
echo "# $((RUNS * 18)) runs in $(((${EPOCHREALTIME/./} - lab_start) / 1000000)) s"

digest() { printf '%s' "$1" | md5sum | cut -c1-12; }
# expected_digest SHAPE CMD: the output digest a correct run gives.
expected_digest() {
  local input
  case $1 in
  null | closed | nofd) input="" ;; few) input="echo hi" ;; mb) input=$(cat "$T/mb") ;;
  slow) input=$'echo a\necho b\necho c' ;;
  esac
  case $1/$2 in
  */cat) digest "$input" ;;
  */wc) case $1 in null | closed | nofd) digest 0 ;; few) digest 8 ;; mb) digest "$MB_BYTES" ;; slow) digest 21 ;; esac ;;
  null/sh | closed/sh | nofd/sh) digest "" ;;
  few/sh) digest hi ;;
  mb/sh) digest done ;;
  slow/sh) digest "$(printf 'a\nb\nc')" ;;
  esac
}
work_ms() { [ "$1" = slow ] && echo 200 || echo 0; }
BASE_MS=$(awk '$2 == "base" && $4 == 0 { print $5 }' "$T/results" | sort -n | sed -n 3p)
check "a command that reads nothing runs (5 of 5; median ${BASE_MS:-?} ms)" \
  test "$(awk '$2 == "base" && $4 == 0' "$T/results" | wc -l)" = 5
SLACK_MS=$((${BASE_MS:-0} + 1000))

for shape in null closed nofd few mb slow; do
  for cmd in cat sh wc; do
    want=$(expected_digest "$shape" "$cmd")
    bound=$(($(work_ms "$shape") + SLACK_MS))
    bad=$(awk -v s="$shape" -v c="$cmd" -v d="$want" -v b="$bound" '
      $2 == s && $3 == c { n++; if ($4 != 0 || $6 != d || $5 > b) printf " rc=%s/%sms/%s", $4, $5, ($6 == d ? "ok" : "wrong") }
      END { if (n == 0) print " (no runs)" }' "$T/results")
    times=$(awk -v s="$shape" -v c="$cmd" '$2 == s && $3 == c { print $5 }' "$T/results" | sort -n)
    median=$(sed -n "$(((RUNS + 1) / 2))p" <<<"$times")
    check "$MODE, stdin $shape, $cmd: $RUNS runs end within ${bound} ms with the right output (median ${median} ms, max $(tail -1 <<<"$times") ms)$bad" test -z "$bad"
  done
done
finish
