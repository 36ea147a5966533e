#!/usr/bin/env bash
# deps.packages: the lab's preflight table (`tests/lab/lab check --list`: every external command
# the project's scripts run, COMMAND PACKAGE) against scripts/debian-packages (what
# scripts/install-deps installs) and against dpkg:
#   - scripts/debian-packages is one valid package name a line (comments, blank lines aside), no
#     name twice, and every package in it is installed (scripts/install-deps has run);
#   - the table names each command once, and only packages of scripts/debian-packages;
#   - each command is installed, and the package the table names owns it: the command is looked up
#     in /usr/sbin:/usr/bin:/sbin:/bin, its symbolic links are followed (/etc/alternatives among
#     them), and the first of these paths dpkg knows gives the owner. Debian 12 has a merged /usr:
#     dpkg may know a file as /bin/X or /usr/bin/X, both are asked.
# Needs no lab. Exits 1 when a check fails, with a FAIL line for each one that did.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd -P)
list=$root/scripts/debian-packages
lab=$root/tests/lab/lab
readonly SYSTEM_PATH=/usr/sbin:/usr/bin:/sbin:/bin

failures=0 checks=0
pass() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); printf 'FAIL %s\n' "$*"; }

# --- scripts/debian-packages, parsed as scripts/install-deps parses it
declare -A listed=()
n=0
set -f
while IFS= read -r line || [ -n "$line" ]; do
  n=$((n + 1))
  # shellcheck disable=SC2086 # split into words on purpose
  set -- ${line%%#*}
  (($#)) || continue
  if (($# > 1)) || ! [[ $1 =~ ^[a-z0-9][a-z0-9+.-]+$ ]]; then
    fail "${list#"$root"/}:$n: not one package name: '${line%%#*}'"
    continue
  fi
  if [[ -n ${listed[$1]:-} ]]; then
    fail "${list#"$root"/}:$n: $1 is listed twice (line ${listed[$1]} too)"
  else
    pass
  fi
  listed[$1]=$n
done <"$list"
set +f
((${#listed[@]} >= 10)) || fail "${list#"$root"/} lists only ${#listed[@]} packages"

# Every listed package is installed (one dpkg-query for all).
declare -A installed=()
while read -r name status; do
  [[ $status != "install ok installed" ]] || installed[$name]=1
done < <(dpkg-query -W -f '${Package} ${Status}\n' "${!listed[@]}" 2>/dev/null || true)
for p in "${!listed[@]}"; do
  if [[ -n ${installed[$p]:-} ]]; then pass; else fail "$p (${list#"$root"/}) is not installed: run scripts/install-deps"; fi
done

# --- the table
table=$(bash "$lab" check --list) || { echo "FAIL tests/lab/lab check --list failed"; exit 1; }
declare -A table_pkg=() # COMMAND -> the package the table names
while read -r cmd pkg extra; do
  if [[ -z $cmd || -z $pkg || -n $extra ]]; then
    fail "lab check --list printed a line that is not COMMAND PACKAGE: '$cmd $pkg $extra'"
    continue
  fi
  if [[ -n ${table_pkg[$cmd]:-} ]]; then
    fail "the table names $cmd twice (packages ${table_pkg[$cmd]} and $pkg)"
    continue
  fi
  table_pkg[$cmd]=$pkg
  if [[ -n ${listed[$pkg]:-} ]]; then pass; else fail "$cmd: its package $pkg (tests/lab/lab's table) is not in ${list#"$root"/}"; fi
done <<<"$table"
((${#table_pkg[@]} >= 20)) || fail "lab check --list names only ${#table_pkg[@]} commands"

# twins PATH: PATH and, across the merged /usr, the same file by its other name.
twins() {
  local p=$1
  printf '%s\n' "$p"
  case $p in
  /usr/bin/* | /usr/sbin/* | /usr/lib/* | /usr/lib64/*) printf '%s\n' "${p#/usr}" ;;
  /bin/* | /sbin/* | /lib/* | /lib64/*) printf '%s\n' "/usr$p" ;;
  esac
}

# candidates PATH: the paths to ask dpkg about, in order: PATH, each symbolic link's target in turn
# (/etc/alternatives/... among them), the final file; each also by its merged-/usr twin.
candidates() {
  local path=$1 p=$1 target i
  for ((i = 0; i < 16; i++)); do
    twins "$(realpath -s -m -- "$p")"
    [[ -L $p ]] || break
    target=$(readlink -- "$p")
    [[ $target == /* ]] || target=${p%/*}/$target
    p=$target
  done
  twins "$(realpath -e -- "$path")"
}

# Each command's path and candidates; then one dpkg-query for all of them (each costs a pass
# over dpkg's whole database).
declare -A cands=() cmd_path=() owners_of=()
all=()
for cmd in $(printf '%s\n' "${!table_pkg[@]}" | LC_ALL=C sort); do
  if ! path=$(PATH=$SYSTEM_PATH type -P -- "$cmd"); then
    fail "$cmd is not installed in $SYSTEM_PATH (the table says: apt-get install ${table_pkg[$cmd]}; scripts/install-deps)"
    continue
  fi
  cmd_path[$cmd]=$path
  cands[$cmd]=$(candidates "$path")
  mapfile -t -O "${#all[@]}" all <<<"${cands[$cmd]}"
done
# "pkg1, pkg2: PATH" ("diversion by ..." lines aside); a package may carry an arch (pkgconf:amd64)
while IFS= read -r line; do
  [[ $line != "diversion by "* && $line == *": /"* ]] || continue
  owners_of[${line#*: }]=${line%%: *}
done < <(printf '%s\n' "${all[@]}" | sort -u | xargs -d '\n' dpkg-query -S 2>/dev/null || true)

for cmd in $(printf '%s\n' "${!cmd_path[@]}" | LC_ALL=C sort); do
  pkg=${table_pkg[$cmd]} path=${cmd_path[$cmd]} owner="" asked=""
  while IFS= read -r c; do
    asked+=" $c"
    if [[ -n ${owners_of[$c]:-} ]]; then
      owner=${owners_of[$c]}
      break
    fi
  done <<<"${cands[$cmd]}"
  if [[ -z $owner ]]; then
    fail "$cmd ($path): dpkg knows none of$asked, so no package can own it"
    continue
  fi
  found=0 names=""
  IFS=', ' read -r -a owners <<<"$owner"
  for o in "${owners[@]}"; do
    names+="${names:+, }${o%%:*}"
    [[ ${o%%:*} != "$pkg" ]] || found=1
  done
  if ((found)); then
    pass
    printf 'ok   %s: %s owns %s\n' "$cmd" "$pkg" "$c"
  else
    fail "$cmd ($path): the table says $pkg, but dpkg says $names owns it (as $c)"
  fi
done

if ((failures)); then
  printf 'deps.packages: %d of %d checks failed\n' "$failures" "$checks"
  exit 1
fi
printf 'deps.packages: all %d checks passed (%d commands, %d packages)\n' "$checks" "${#table_pkg[@]}" "${#listed[@]}"
