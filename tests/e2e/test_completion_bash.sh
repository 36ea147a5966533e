# bash completion, in real bash with bash-completion loaded after `eval "$(lxhost shell-init bash)"`:
# `lxc-start <TAB>` offers stopped containers only, `lxc-attach -n <TAB>` running ones, `lxhost
# <TAB>` verbs and commands, `-H <TAB>` configured and discovered hosts; prefixes, names with
# - _ and ., flags, --name=, a host without containers, a host that is down (nothing, quickly) and
# a corrupt cache (ignored, then rebuilt). Mostly by calling the completion function the way
# readline does; a few cases through real Tab presses in tmux.
source "$(dirname "$0")/lib.sh"

PRE=tb$$
source "$(dirname "$0")/completion_setup.sh"

# comp.bash LINE [nobc]: completes LINE at its end as readline would: COMP_WORDS split at blanks
# and at runs of = and : (COMP_WORDBREAKS), the function `complete -p` names for the command
# called with (command, word, previous word); prints COMPREPLY sorted, writes the call's ms and
# the variables it left behind.
cat >"$T/comp.bash" <<EOF
line=\$1
[ "\${2-}" = nobc ] || source /usr/share/bash-completion/bash_completion
set -u
eval "\$(lxhost shell-init bash)"
COMP_WORDS=() w=''
breaks() { [[ \$1 =~ ^[=:]+\$ ]]; }
for ((i = 0; i < \${#line}; i++)); do
  c=\${line:i:1}
  if [[ \$c == ' ' ]]; then
    [[ -z \$w ]] || COMP_WORDS+=("\$w")
    w=''
  elif [[ \$c == [=:] ]] && [[ -n \$w ]] && ! breaks "\$w"; then
    COMP_WORDS+=("\$w") w=\$c
  elif [[ \$c != [=:] ]] && breaks "\$w"; then
    COMP_WORDS+=("\$w") w=\$c
  else
    w+=\$c
  fi
done
COMP_WORDS+=("\$w")
COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)) COMP_LINE=\$line COMP_POINT=\${#line} COMP_TYPE=9 COMP_KEY=9
spec=\$(complete -p -- "\${COMP_WORDS[0]}")
fn=\${spec#*-F } fn=\${fn%% *}
text=\${COMP_WORDS[COMP_CWORD]}
! breaks "\$text" || text=''
COMPREPLY=()
before=\$(compgen -v | sort)
start=\$EPOCHREALTIME
"\$fn" "\${COMP_WORDS[0]}" "\$text" "\${COMP_WORDS[COMP_CWORD-1]}"
echo \$(((\${EPOCHREALTIME/./} - \${start/./}) / 1000)) >"$T/comp.ms"
comm -13 <(echo "\$before") <(compgen -v | sort) | grep -vx 'before\|start\|PIPESTATUS\|COMPREPLY' >"$T/comp.vars"
((\${#COMPREPLY[@]} == 0)) || printf '%s\n' "\${COMPREPLY[@]}" | sort
EOF

# bcomp LINE [nobc]: sets OUT (the candidates), ERR, RC, and CMS (the completion's own ms).
bcomp() {
  rm -f "$T/comp.ms" "$T/comp.vars"
  capture in_laptop bash --norc --noprofile "$T/comp.bash" "$@"
  CMS=$(cat "$T/comp.ms" 2>/dev/null || echo none)
}
no_globals() { check "$1: no global variable left behind" eval '[ -f "$T/comp.vars" ] && ! [ -s "$T/comp.vars" ]'; }
# offers WHAT NAME...: every NAME is a candidate, and nothing was written on stderr.
offers() {
  local what=$1 name missing=''
  shift
  for name in "$@"; do grep -qxF -- "$name" <<<"$OUT" || missing+=" $name"; done
  if [ -z "$missing" ] && [ -z "$ERR" ] && [ "$RC" = 0 ]; then pass "$what"; else fail "$what (missing:${missing:-none})"; fi
}
# offers_not WHAT NAME...: no NAME is a candidate (and the completion did run).
offers_not() {
  local what=$1 name found=''
  shift
  [ "$CMS" != none ] || found=" (the completion did not run)"
  for name in "$@"; do ! grep -qxF -- "$name" <<<"$OUT" || found+=" $name"; done
  if [ -z "$found" ]; then pass "$what"; else fail "$what (offered:$found)"; fi
}
# offers_only WHAT NAME...: exactly these candidates (none for no NAME), from a completion that ran.
offers_only() {
  local what=$1
  shift
  local want=''
  (($# == 0)) || want=$(printf '%s\n' "$@" | sort)
  if [ "$OUT" = "$want" ] && [ -z "$ERR" ] && [ "$RC" = 0 ] && [ "$CMS" != none ]; then pass "$what"; else fail "$what (expected: $(echo $want))"; fi
}

bcomp "lxc-start "
offers "lxc-start <TAB>: base and the stopped test containers" base "$N1" "$N2"
offers_not "lxc-start <TAB>: not web (running)" web
bcomp "lxc-attach -n "
offers "lxc-attach -n <TAB>: web" web
offers_not "lxc-attach -n <TAB>: no stopped container" base "$N1"
bcomp "lxhost "
offers "lxhost <TAB>: verbs and commands" attach start ls list start-ephemeral clone discover resolve shell-init
offers_not "lxhost <TAB>: no container names" base web
bcomp "lxhost -H "
offers "lxhost -H <TAB>: the configured host and the discovered ones" lab pub.local "$DISCOVERED"
offers_not "lxhost -H <TAB>: no container (sshd1), workstation (web) or host unseen for a week" \
  sshd1.local web.local "$FORGOTTEN"
# What both shells are given is sorted by value, each value once.
for line in "lxhost -H " "lxc-start " "lxhost "; do
  read -ra words <<<"$line"
  capture in_laptop lxhost __complete words -- "${words[@]}" ''
  check "$line<TAB>: lxhost's answer is sorted, each value once" \
    eval '[ -n "$OUT" ] && [ "$(cut -f1 <<<"$OUT")" = "$(cut -f1 <<<"$OUT" | LC_ALL=C sort -u)" ]'
done
# A new container's name: nothing to offer (it must not exist).
for line in "lxhost clone -o base -n " "lxc-clone -o base -n " "lxhost copy -n base -N " "lxc-copy -n base --newname=" \
  "lxhost create -n " "lxc-create -t busybox -n " "lxhost start-ephemeral -o base -n "; do
  bcomp "$line"
  offers_only "$line<TAB>: nothing (a new name)"
done
bcomp "lxhost clone -o "
offers "lxhost clone -o <TAB>: the original is an existing container" base "$N1"
bcomp "lxhost -H lab attach -n "
offers "lxhost -H lab attach -n <TAB>: web" web
offers_not "lxhost -H lab attach -n <TAB>: not base" base

bcomp "lxc-start $PRE-"
offers_only "lxc-start $PRE-<TAB>: only names starting with $PRE-" "$N1" "$N2"
bcomp "lxc-start $PRE-a_b."
offers_only "lxc-start $PRE-a_b.<TAB>: a prefix with _ and ." "$N1"
bcomp "lxc-destroy -n $PRE-d.e"
offers_only "lxc-destroy -n $PRE-d.e<TAB>" "$N2"
bcomp "lxc-info -n w"
offers_only "lxc-info -n w<TAB>: defined containers, whatever their state" web

bcomp "lxc-attach --cl"
offers_only "lxc-attach --cl<TAB>: --clear-env" --clear-env
bcomp "lxc-start --"
offers "lxc-start --<TAB>: its long flags" --name --daemon --foreground --rcfile --define
offers_not "lxc-start --<TAB>: no flag of another tool" --clear-env --newname

# --name=: readline replaces only what follows the =, so the candidates are the names alone.
bcomp "lxc-start --name="
offers "lxc-start --name=<TAB>: stopped names" base "$N1"
offers_not "lxc-start --name=<TAB>: not web" web
bcomp "lxc-start --name=$PRE-a_"
offers_only "lxc-start --name=$PRE-a_<TAB>" "$N1"
no_globals "lxc-start --name=$PRE-a_<TAB>"

# Without bash-completion: the function rejoins what readline split at '=' itself.
bcomp "lxc-start --name=$PRE-a_" nobc
offers_only "without bash-completion: lxc-start --name=$PRE-a_<TAB>" "$N1"
no_globals "without bash-completion"
bcomp "lxc-attach -n " nobc
offers "without bash-completion: lxc-attach -n <TAB> offers web" web
offers_not "without bash-completion: lxc-attach -n <TAB>: no stopped container" base "$N1"
bcomp "lxc-start $PRE-" nobc
offers_only "without bash-completion: lxc-start $PRE-<TAB>" "$N1" "$N2"

# -c FILE: file names, from the shell.
mkdir -p "$T/confs"
touch "$T/confs/one.toml" "$T/confs/two.toml"
bcomp "lxhost -c $T/confs/o"
offers_only "lxhost -c DIR/o<TAB>: files" "$T/confs/one.toml"
no_globals "lxhost -c DIR/o<TAB>"
bcomp "lxhost -c $T/confs/o" nobc
offers_only "without bash-completion: lxhost -c DIR/o<TAB>: files" "$T/confs/one.toml"

bcomp "lxhost -c $T/empty.toml start -n "
offers_only "a host with no containers (cached): nothing"

# A second configured host's containers come as HOST:NAME; readline splits the word at ':'.
lab_config "$T/two.toml"
{ echo; sed -n '/^\[hosts\.lab\]/,$p' "$LAB_CONFIG" | sed '1s/.*/[hosts.lab2]/'; } >>"$T/two.toml"
check "the second host's cache is written" wait_cache containers-lab2.tsv web -c "$T/two.toml" -H lab2
bcomp "lxhost -c $T/two.toml attach -n "
offers "a second host: lxhost attach -n <TAB>: web and lab2:web" web lab2:web
offers_not "... running ones only" base lab2:base
bcomp "lxhost -c $T/two.toml attach -n lab2:w"
offers_only "lxhost attach -n lab2:w<TAB>: what follows the ':' readline replaces" web
bcomp "lxhost -c $T/two.toml attach -n lab2:w" nobc
offers_only "without bash-completion: lxhost attach -n lab2:w<TAB>" web

bcomp "lxhost -c $T/down.toml start -n "
offers_only "a host that is down: nothing"
check "a host that is down: the TAB took ${CMS} ms (at most $TAB_MAX)" test "$CMS" -le "$TAB_MAX"
bcomp "lxhost -c $T/down.toml start -n "
check "a host that is down, again: ${CMS} ms (at most $TAB_MAX)" test "$CMS" -le "$TAB_MAX"
# A stale cache of a host that is down: offered at once (the refresh runs detached, and fails).
printf '# lxhost containers v1\nold-one\tSTOPPED\nold-two\tRUNNING\n' >"$CACHE/lxhost/containers-down.tsv"
touch -d '-1 hour' "$CACHE/lxhost/containers-down.tsv"
bcomp "lxhost -c $T/down.toml start -n "
offers_only "a host that is down, with a stale cache: its stopped names" old-one
check "a host that is down, with a stale cache: no wait for the host, ${CMS} ms (at most $TAB_MAX)" test "$CMS" -le "$TAB_MAX"
rm -f "$CACHE/lxhost/containers-down.tsv" # the down host has no cache again, for the tmux case
bcomp "lxc-start $PRE-a_b."
check "warm cache: a TAB takes ${CMS} ms (at most $TAB_MAX)" test "$CMS" -le "$TAB_MAX"

# --- Real Tab presses ------------------------------------------------------------------------
mkdir -p "$T/links"
ln -s "$LXHOST_BIN" "$T/links/lxc-attach"
tm new-session -d -s b -x 200 -y 50 "$LAB_TOOL exec laptop env PATH=$(dirname "$LXHOST_BIN"):$PATH \
XDG_CACHE_HOME=$CACHE XDG_RUNTIME_DIR=$T/run bash --norc --noprofile"
type_line b 'source /usr/share/bash-completion/bash_completion; eval "$(lxhost shell-init bash)"'
type_line b "PS1='B> '; clear"
check "tmux: bash ready" prompt_is b "B>"
# tab_tab TEXT EXPECTED: types TEXT, Tab Tab, waits for EXPECTED, then keeps the settled pane.
tab_tab() {
  tm send-keys -t b -l -- "$1"
  tm send-keys -t b Tab Tab
  pane_has b "$2" || true
  sleep 0.3
  PANE=$(tm capture-pane -p -t b)
  tm send-keys -t b C-u
  type_line b clear
  prompt_is b "B>" || true
}
# shows_word WORD: the captured pane ($PANE) shows WORD (a here-string for grep: a pipe into
# `grep -q` fails under pipefail when grep quits before the writer is done).
shows_word() { grep -qxF -- "$1" <<<"$(tr -s ' ' '\n' <<<"$PANE")"; }
tab_tab "lxc-start " "$N2"
check "tmux: lxc-start <TAB><TAB> lists base, $N1 and $N2" \
  eval 'shows_word base && shows_word "$N1" && shows_word "$N2"'
check "tmux: lxc-start <TAB><TAB> does not list web" eval '! shows_word web'
tab_tab "lxc-start --name=$PRE-a_" "--name=$N1"
check "tmux: lxc-start --name=$PRE-a_<TAB> gives --name=$N1" eval 'contains "$PANE" "B> lxc-start --name=$N1"'
# A link named lxc-attach (no function): the same completion.
type_line b "unset -f lxc-attach; PATH=$T/links:\$PATH; echo \"lxc-attach is a \$(type -t lxc-attach)\""
check "tmux: lxc-attach is now the link" pane_has b "lxc-attach is a file"
type_line b clear
tab_tab "lxc-attach -n " "web"
check "tmux: the link lxc-attach -n <TAB><TAB> offers web" eval 'shows_word web'
check "tmux: ... and not base" eval '! shows_word base'
# A host that is down: the shell takes the next line at once.
start=${EPOCHREALTIME/./}
tm send-keys -t b -l -- "lxhost -c $T/down.toml start -n "
tm send-keys -t b Tab Tab C-u
type_line b "echo ALIVE-\$((6 * 7))"
check "tmux: a host that is down leaves the shell responsive" pane_has b "ALIVE-42"
ms=$(((${EPOCHREALTIME/./} - start) / 1000))
check "tmux: two TABs on a down host and the next command took $ms ms (at most $NEXT_MAX)" test "$ms" -le "$NEXT_MAX"

# --- A corrupt cache: not offered, and rewritten ----------------------------------------------
printf 'garbage\x01\xff\tSTOPPED\nnot-a-cache-line\n\tSTOPPED\ngarbage-two\tSTOPPED\textra\n' >"$CACHE/lxhost/containers-lab.tsv"
bcomp "lxc-start "
check "a corrupt cache: its lines are not offered" eval '[ "$CMS" != none ] && ! contains "$OUT" garbage && ! contains "$OUT" not-a-cache'
check "a corrupt cache: nothing on stderr" test -z "$ERR"
check "the corrupt cache is rewritten as a valid cache" \
  eval 'for i in $(seq 100); do cache_has containers-lab.tsv "" && break; sleep 0.1; done; cache_has containers-lab.tsv ""'
bcomp "lxc-start $PRE-"
offers_only "after the rewrite: lxc-start $PRE-<TAB>" "$N1" "$N2"
finish
