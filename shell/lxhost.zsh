# lxhost for zsh: `eval "$(lxhost shell-init zsh)"` in ~/.zshrc, after compinit. Defines lxc-VERB
# for every verb lxhost knows, each running the tool on the container host, then loads completion.
# `lxhost shell-init` prints this file with the tool list and the force flag filled in; sourced
# straight from the tree, it asks the binary for the list instead (LXHOST_SHELL_FORCE=1 forces).

() {
  emulate -L zsh # whatever the user set (ksh_arrays, no_unset, sh_word_split...)
  local tools='@LXHOST_TOOLS@' force='@LXHOST_FORCE@' completion= tool
  # Still a placeholder (compared with a split string, so shell-init does not fill in this one).
  if [[ $tools == "@LXHOST""_TOOLS@" ]]; then
    tools=$(command lxhost __complete tools 2>/dev/null)
    force=${LXHOST_SHELL_FORCE:-0}
    completion=${1:A:h:h}/completions/_lxhost
  fi
  for tool in ${=tools}; do
    # The user's own function or alias of that name wins, unless forced.
    if (( $+functions[$tool] || $+aliases[$tool] )); then
      [[ $force == 1 ]] || continue
      # An alias would expand before the function.
      (( $+aliases[$tool] )) && unalias -- $tool
    fi
    functions[$tool]="command lxhost $tool \"\$@\""
  done
  # shell-init prints the completion script after this one; from the tree, load the one beside it.
  if [[ -n $completion && -r $completion ]]; then
    source $completion
  fi
} ${(%):-%x}
