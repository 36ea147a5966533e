# Sourced by the suites that need no lab (tests/docs, tests/package): `check WHAT CMD...` counts a
# check and prints a FAIL line when CMD fails; `finish` prints the count and is the exit status.
FAILURES=0
CHECKS=0
fail() { printf 'FAIL: %s\n' "$*"; FAILURES=$((FAILURES + 1)); }
check() {
  local what=$1
  shift
  CHECKS=$((CHECKS + 1))
  "$@" || fail "$what"
}
finish() {
  printf '%d checks, %d failed\n' "$CHECKS" "$FAILURES"
  ((FAILURES == 0))
}
