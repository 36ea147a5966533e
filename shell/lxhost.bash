# lxhost for bash: `eval "$(lxhost shell-init bash)"` in ~/.bashrc. Defines lxc-VERB for every
# verb lxhost knows, each running the tool on the container host, then loads completion.
# `lxhost shell-init` prints this file with the tool list and the force flag filled in; sourced
# straight from the tree, it asks the binary for the list instead (LXHOST_SHELL_FORCE=1 forces).

__lxhost_init() {
  local tools='@LXHOST_TOOLS@' force='@LXHOST_FORCE@' completion='' tool
  local IFS=$' \t\n' # the list is split on whitespace, whatever the user's IFS
  # POSIX mode refuses a '-' in a function name being defined (not in one being called).
  local -
  set +o posix
  # Still a placeholder (compared with a split string, so shell-init does not fill in this one).
  if [[ $tools == "@LXHOST""_TOOLS@" ]]; then
    tools=$(command lxhost __complete tools 2>/dev/null)
    force=${LXHOST_SHELL_FORCE:-0}
    completion=$(dirname -- "${BASH_SOURCE[0]}")/../completions/lxhost.bash
  fi
  for tool in $tools; do
    # The user's own function or alias of that name wins, unless forced.
    if declare -F -- "$tool" >/dev/null || alias -- "$tool" >/dev/null 2>&1; then
      [[ $force == 1 ]] || continue
      # An alias would expand before the function (and inside its definition below).
      unalias -- "$tool" 2>/dev/null || true
    fi
    eval "$tool() { command lxhost $tool \"\$@\"; }"
  done
  # shell-init prints the completion script after this one; from the tree, load the one beside it.
  if [[ -n $completion && -r $completion ]]; then
    source "$completion"
  fi
}
__lxhost_init
unset -f __lxhost_init
