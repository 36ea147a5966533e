# The systemd user unit `lxhost publish --install` writes, as `publish --install --dry-run` prints it
# (src/core/publish_service.*): systemd itself reads it without a complaint. `systemd-analyze
# --user verify` (Debian: package systemd) loads it as the user manager would (every key,
# ExecStart's quoting and specifiers, [Install]) and checks that ExecStart's program is executable:
# the real binary here. It needs no running systemd, as root or not, only a runtime directory for
# the manager it sets up in memory (without XDG_RUNTIME_DIR it stops at "Failed to lookup
# RuntimeDirectory path"). It exits 0 after warnings (an unknown key, an unknown escape), so
# anything it prints fails too; two broken copies of the unit show that it checks at all.
set -euo pipefail
: "${LXHOST_BIN:?set by ctest}" "${LXHOST_SOURCE_DIR:?set by ctest}"

T=$(mktemp -d /tmp/lxhost-publish-unit.XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$LXHOST_SOURCE_DIR/tests/checks.sh"

if ! command -v systemd-analyze >/dev/null; then
  echo "FAIL: systemd-analyze is missing (Debian 12: apt-get install systemd; it need not run)"
  exit 1
fi
mkdir -m 700 "$T/runtime"

# verify DIR: systemd-analyze --user verify on DIR/lxhost-publish.service (the file's name is the
# unit's); its output in DIR/verify.out, its exit status in DIR/verify.rc.
verify() {
  local rc=0
  XDG_RUNTIME_DIR=$T/runtime systemd-analyze --user verify "$1/lxhost-publish.service" >"$1/verify.out" 2>&1 || rc=$?
  echo "$rc" >"$1/verify.rc"
}
rc_of() { cat "$1/verify.rc"; }

mkdir "$T/unit"
unit=$T/unit/lxhost-publish.service
"$LXHOST_BIN" publish --install --dry-run >"$unit"
check "publish --install --dry-run prints a unit with a [Service] section" grep -qx '\[Service\]' "$unit"
# ExecStart's first word, bare or in double quotes (a build directory with a space), `%%` as `%`.
exec_line=$(sed -n 's/^ExecStart=//p' "$unit")
if [[ $exec_line == \"* ]]; then
  program=${exec_line#\"}
  program=${program%%\"*}
else
  program=${exec_line%% *}
fi
program=${program//%%/%}
check "ExecStart runs this binary ($program)" test "$(realpath -m -- "$program")" = "$(realpath -- "$LXHOST_BIN")"
check "ExecStart runs publish" grep -qE '^ExecStart=.* publish( |$)' "$unit"

verify "$T/unit"
check "systemd-analyze --user verify exits 0 (exit $(rc_of "$T/unit"))" test "$(rc_of "$T/unit")" = 0
check "systemd-analyze --user verify prints nothing" test ! -s "$T/unit/verify.out"
if [[ -s $T/unit/verify.out ]]; then cat "$T/unit/verify.out"; fi

# The checks above can fail here: a program that is not there fails verify, an unknown key makes
# it print a warning.
mkdir "$T/missing" "$T/typo"
sed "s|^ExecStart=.*|ExecStart=$T/missing/lxhost publish|" "$unit" >"$T/missing/lxhost-publish.service"
verify "$T/missing"
check "control: verify fails for a program that is not there" test "$(rc_of "$T/missing")" != 0
sed 's/^Restart=/Restrat=/' "$unit" >"$T/typo/lxhost-publish.service"
check "control: the unit has a Restart= line to misspell" grep -q '^Restrat=' "$T/typo/lxhost-publish.service"
verify "$T/typo"
check "control: verify warns of an unknown key" grep -q "Unknown key 'Restrat'" "$T/typo/verify.out"

finish
