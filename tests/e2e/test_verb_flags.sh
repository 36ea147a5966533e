# The verb table's flags (what completion offers) against the real `lxc-VERB --help` on the lab's
# container host: every flag a tool documents is in the table, and the table invents none.
source "$(dirname "$0")/lib.sh"

# Flags named in a --help text: "-n, --name=NAME", "--clear-env", "-?", "-1", and the one
# shorthand LXC uses, "--share-[net|ipc|uts|pid]", spelled out.
help_flags() {
  sed -E 's/--share-\[([a-z|]*)\]/--share-\1/' |
    sed -E ':a; s/(--share-[a-z]+)\|([a-z|]*)/\1 --share-\2/; ta' |
    grep -oE '(^|[ ,\[|])(-[A-Za-z0-9?]|--[a-z][a-z0-9-]*)' | sed -E 's/^[ ,\[|]//' | sort -u
}

while read -r tool; do
  case $tool in lxc-clone | lxc-start-ephemeral) continue ;; esac  # LXC 1 tools: not on LXC 5
  "$tool" --help >"$T/help" 2>&1 || true
  help_flags <"$T/help" >"$T/documented"
  "$LXHOST_BIN" __complete words -- "$tool" - | cut -f1 | grep -E '^--?' | sort -u >"$T/table"
  if [ ! -s "$T/documented" ]; then
    fail "$tool --help documented no flags"
    continue
  fi
  missing=$(comm -23 "$T/documented" "$T/table" | tr '\n' ' ')
  invented=$(comm -13 "$T/documented" "$T/table" | tr '\n' ' ')
  check "$tool: every documented flag is in the table${missing:+ (missing: $missing)}" test -z "$missing"
  check "$tool: the table has no flag the tool lacks${invented:+ (extra: $invented)}" test -z "$invented"
done < <("$LXHOST_BIN" __complete tools)
finish
