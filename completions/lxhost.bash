# bash completion for lxhost and every lxc-VERB (shell function or link). The binary decides what
# to offer (`lxhost __complete words -- WORD...`, from a local cache: fast, silent, always exit 0);
# this script only hands it the line and gives its answer to readline.

_lxhost() {
  local cur words cword
  if declare -F _get_comp_words_by_ref >/dev/null; then
    # -n =: keeps `--name=we` (and `host:port`) one word; readline splits them at = and :.
    _get_comp_words_by_ref -n =: cur words cword
  else
    # Without bash-completion: rejoin what readline split at = or :, by where the words sit in
    # the line (no blank between them), up to the cursor.
    local line=${COMP_LINE:0:COMP_POINT} rest w i
    words=()
    for ((i = 0; i <= COMP_CWORD; i++)); do
      rest=${line#"${line%%[![:space:]]*}"}
      w=${COMP_WORDS[i]-}
      ((i < COMP_CWORD)) || w=$rest
      if ((i > 0)) && [[ $rest == "$line" && ($w == [=:]* || ${words[-1]} == *[=:]) ]]; then
        words[-1]+=$w
      else
        words+=("$w")
      fi
      line=${rest#"$w"}
    done
    cword=$((${#words[@]} - 1))
    cur=${words[cword]}
  fi

  # An opening quote is readline's business: complete what follows it, and do not escape.
  local quoted=''
  if [[ $cur == [\'\"]* ]]; then
    quoted=1
    cur=${cur:1}
  fi
  # Readline replaces only what follows the last = or : it breaks words at; answers are whole
  # words (`--name=web`), so that part is cut off them.
  local breaks=${COMP_WORDBREAKS-} cut=''
  breaks=${breaks//[!=:]/}
  if [[ -n $breaks ]]; then
    cut=${cur%"${cur##*["$breaks"]}"}
  fi

  local answer value
  answer=$(command lxhost __complete words -- "${words[@]:0:cword}" "$cur" 2>/dev/null)
  COMPREPLY=()
  case $answer in
  :files | :dirs)
    cur=${cur:${#cut}}
    if declare -F _filedir >/dev/null; then
      if [[ $answer == :dirs ]]; then _filedir -d; else _filedir; fi
    else
      compopt -o filenames 2>/dev/null # (fails only outside a completion)
      if [[ $answer == :dirs ]]; then
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      else
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      fi
    fi
    return 0
    ;;
  esac
  while IFS= read -r value; do
    [[ -n $value ]] || continue
    value=${value%%$'\t'*}
    value=${value:${#cut}}
    [[ -n $quoted ]] || printf -v value '%q' "$value"
    COMPREPLY+=("$value")
  done <<<"$answer"
  return 0
}

__lxhost_register() {
  local tools='@LXHOST_TOOLS@' IFS=$' \t\n'
  # Sourced straight from the tree: ask the binary (a split string, so shell-init leaves it alone).
  if [[ $tools == "@LXHOST""_TOOLS@" ]]; then
    tools=$(command lxhost __complete tools 2>/dev/null)
  fi
  complete -F _lxhost lxhost $tools
}
__lxhost_register
unset -f __lxhost_register
