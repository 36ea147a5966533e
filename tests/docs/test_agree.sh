# `lxhost help`, `lxhost help NAME`, `lxhost NAME --help`, the installed man pages and
# config/config.example.toml tell the same story: every verb, command, option and config key that
# one of them names, the others name too (and keys with the same default). The man pages are
# checked as a reader gets them (groff's text output) and must render without a warning.
set -euo pipefail
: "${LXHOST_BIN:?set by ctest}" "${LXHOST_BUILD_DIR:?set by ctest}" "${LXHOST_SOURCE_DIR:?set by ctest}"

T=$(mktemp -d /tmp/lxhost-docs.XXXXXX)
trap 'rm -rf "$T"' EXIT
source "$LXHOST_SOURCE_DIR/tests/checks.sh"
has_line() { grep -qxF -- "$2" "$1"; }    # has_line FILE LINE: LINE is a whole line of FILE
# has_term FILE TERM: a tagged paragraph's term (its own line, or before the text on a short one).
has_term() { grep -qE "^ +$(printf '%s' "$2" | sed 's/[][\.*^$|+?(){}]/\\&/g')( |$)" "$1"; }

man1=$LXHOST_BUILD_DIR/rendered/man/lxhost.1
man5=$LXHOST_BUILD_DIR/rendered/man/lxhost.toml.5
for page in "$man1" "$man5"; do
  check "$page exists" test -s "$page"
  # -ww: every warning; -z: no output but the warnings.
  check "$(basename "$page") renders without a groff warning" \
    test -z "$(groff -man -ww -z -Tutf8 "$page" 2>&1)"
done
# The pages as text: no overstriking, long lines (a term and its text stay on one line).
render() { groff -man -Tascii -P-cbou -rLL=300n "$1" 2>/dev/null; }
render "$man1" >"$T/man1"
render "$man5" >"$T/man5"
# section FILE TITLE: the lines of one section (from its heading to the next heading of the same level).
section() { awk -v title="$2" '$0 == title { on = 1; next } on && /^[^ ]/ { exit } on' "$1"; }
# subsection FILE HEADING: the lines under a "   HEADING" subsection, up to the next one.
subsection() { awk -v title="   $2" '$0 == title { on = 1; next } on && (/^   [^ ]/ || /^[^ ]/) { exit } on' "$1"; }

"$LXHOST_BIN" help >"$T/help"
section "$T/man1" "OPTIONS" >"$T/man-options"
section "$T/man1" "VERBS" >"$T/man-verbs"
section "$T/man1" "LXC 1 VERBS" >"$T/man-lxc1"
cat "$T/man-verbs" "$T/man-lxc1" >"$T/man-all-verbs"

# lxhost's options: help's "Options:" lines and the man page's OPTIONS.
help_block() { awk -v title="$2" '$0 == title { on = 1; next } on && /^$/ { exit } on' "$1"; }
help_block "$T/help" "Options:" | sed -E 's/^  ([^ ]+( [^ ]+)*)  +.*/\1/; s/^  //' >"$T/help-options"
check "help lists lxhost's options" test "$(wc -l <"$T/help-options")" -ge 5
while IFS= read -r usage; do
  check "man OPTIONS has '$usage' (from lxhost help)" has_term "$T/man-options" "$usage"
done <"$T/help-options"

# Verbs: every one in help is in the man page, and `help VERB` answers for it.
{
  help_block "$T/help" "Verbs (run as lxc-VERB on the host; \`lxhost lxc-VERB\` always works too):"
  help_block "$T/help" "LXC 1 verbs (translated to lxc-copy on LXC >= 2.0):"
} | awk '{ print $1 }' >"$T/help-verbs"
check "help lists the verbs" test "$(wc -l <"$T/help-verbs")" -ge 20
while IFS= read -r verb; do
  check "man has the verb $verb" grep -qE "^       $verb( |$)" "$T/man-all-verbs"
  "$LXHOST_BIN" help "$verb" >"$T/help-verb" || fail "lxhost help $verb"
  tool=$(grep -oE 'lxc-[a-z-]+' "$T/help-verb" | head -n 1)
  check "help $verb names a tool the man page names for it" grep -qF "$tool" "$T/man-all-verbs"
done <"$T/help-verbs"
# ...and every verb in the man page is in help.
grep -oE '^       [a-z][a-z0-9-]*( |$)' "$T/man-all-verbs" | awk '{ print $1 }' | sort -u >"$T/man-verb-names"
sort -u "$T/help-verbs" >"$T/help-verb-names"
check "the man page and help list the same verbs" diff "$T/man-verb-names" "$T/help-verb-names"

# Commands: help's synopsis is the man page's subsection, `help NAME` is `NAME --help`, and each
# option in it is in the man page's subsection for the command.
help_block "$T/help" "Commands (\`lxhost help COMMAND\` for each one's options):" |
  grep -E '^  [a-z]' | sed -E 's/^  //; s/ {2,}.*$//' >"$T/help-commands"
check "help lists the commands" test "$(wc -l <"$T/help-commands")" -ge 10
section "$T/man1" "COMMANDS" >"$T/man-commands"
while IFS= read -r synopsis; do
  name=${synopsis%% *}
  check "man COMMANDS has '$synopsis'" has_line "$T/man-commands" "   $synopsis"
  "$LXHOST_BIN" help "$name" >"$T/help-command" || fail "lxhost help $name"
  "$LXHOST_BIN" "$name" --help >"$T/command-help" || fail "lxhost $name --help"
  check "lxhost help $name is lxhost $name --help" cmp -s "$T/help-command" "$T/command-help"
  check "lxhost help $name shows the synopsis" has_line "$T/help-command" "Usage: lxhost $synopsis"
  subsection "$T/man1" "$synopsis" >"$T/man-command"
  # Option lines: "  --timeout MS  text" in Options, "          --force  text" under a subcommand.
  grep -E '^ +-' "$T/help-command" | sed -E 's/^ +//; s/ {2,}.*$//' >"$T/command-options" || true
  while IFS= read -r usage; do
    check "man's $name has '$usage'" has_term "$T/man-command" "$usage"
  done <"$T/command-options"
  count=$(grep -cE '^ +-' "$T/man-command" || true)
  check "man's $name has no option help does not show ($count vs $(wc -l <"$T/command-options"))" \
    test "$count" -eq "$(wc -l <"$T/command-options")"
done <"$T/help-commands"

# Exit statuses: help's and the man page's.
help_block "$T/help" "Exit status:" | grep -E '^  [^ ]' | awk '{ print $1 }' >"$T/help-status"
section "$T/man1" "EXIT STATUS" | grep -E '^       [^ ]' | awk '{ print $1 }' >"$T/man-status"
check "help and man list the same exit statuses" diff "$T/help-status" "$T/man-status"

# Config keys: every `# key = value` of the example, in its table, is in lxhost.toml(5) with the
# same default, and the man page has no key the example lacks.
awk '
  /^# \[[A-Za-z_.]+\]$/ {
    table = substr($2, 2, length($2) - 2); sub(/^hosts\..*/, "hosts.NAME", table); sub(/^verbs\..*/, "verbs.VERB", table)
    next
  }
  /^# [A-Za-z_]+ = / {
    line = substr($0, 3); sub(/ +# .*$/, "", line)
    # [verbs.VERB] args are suggestions (the man page has the default, none): once, as the key alone.
    if (table == "verbs.VERB") { sub(/ = .*$/, " = ", line); if (seen[table line]++) next }
    print table "|" line
  }
' "$LXHOST_SOURCE_DIR/config/config.example.toml" >"$T/example-keys"
check "the example has keys" test "$(wc -l <"$T/example-keys")" -ge 15
: >"$T/man-keys"
while IFS='|' read -r table line; do
  heading=${table:+[$table]}
  subsection "$T/man5" "${heading:-Top level}" >"$T/man-table"
  if [ "$table" = verbs.VERB ]; then
    check "lxhost.toml(5) has '$line' under ${heading}" grep -qF -- "       $line" "$T/man-table"
  else
    check "lxhost.toml(5) has '$line' under ${heading:-Top level}" has_line "$T/man-table" "       $line"
  fi
done <"$T/example-keys"
grep -cE '^       [a-z_]+ = ' "$T/man5" >"$T/man-key-count" || true
check "lxhost.toml(5) has as many keys as the example ($(cat "$T/man-key-count"))" \
  test "$(cat "$T/man-key-count")" -eq "$(wc -l <"$T/example-keys")"

finish
