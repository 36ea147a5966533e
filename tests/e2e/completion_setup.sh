# Sourced by test_completion_bash.sh and test_completion_zsh.sh after lib.sh, with PRE set to
# a prefix of the suite's own: the setup both need (a cache of their own, stopped containers with
# -, _ and . in their names, a host without containers, a host that is down).

# Real shells run by in_laptop (lib.sh), with the cache of the suite's own it gives (each suite
# writes garbage into its cache).
CACHE=$T/cache
mkdir -p "$CACHE/lxhost"
# What `discover` remembered: hosts announcing SSH (offered for -H), a container announcing SSH
# (sshd1: not a host), a workstation (web), and a host unseen for over a week (forgotten).
DISCOVERED=disc-$$.local FORGOTTEN=gone-$$.local
printf '%s\t%s\t22\t_ssh._tcp\t%s\n' pub.local 10.203.0.3 "$EPOCHSECONDS" "$DISCOVERED" 10.203.0.99 "$EPOCHSECONDS" \
  sshd1.local 10.203.0.20 "$EPOCHSECONDS" "$FORGOTTEN" 10.203.0.98 $((EPOCHSECONDS - 8 * 24 * 3600)) \
  >"$CACHE/lxhost/discovered.tsv"
printf 'web.local\t10.203.0.10\t0\t_workstation._tcp\t%s\n' "$EPOCHSECONDS" >>"$CACHE/lxhost/discovered.tsv"

# What starting the binary costs here (median of 5 `lxhost --version`; a sanitizer build pays
# ~200 ms): the time bounds below are lxhost's own waits on top of that. A TAB waits at most
# the 300 ms first-fetch bound; a test allows 3x that (SLOW times that in a sanitizer build; how
# fast it really is: bench/completion). A TAB that waited for the down host's connection would
# take its connect_timeout_ms (3000).
START_MS=$(in_laptop bash -c 'for i in 1 2 3 4 5; do s=${EPOCHREALTIME/./}; lxhost --version >/dev/null
  echo $(((${EPOCHREALTIME/./} - s) / 1000)); done | sort -n | sed -n 3p')
TAB_MAX=$((SLOW * 3 * 300 + START_MS)) NEXT_MAX=$((SLOW * 2000 + 2 * START_MS))

# Two stopped containers whose names have -, _ and . in them, under a prefix of this run's own
# (PRE-a_b.c-PID-RANDOM, PRE-d.e_f-PID-RANDOM).
new_name N1 "$PRE-a_b.c"
new_name N2 "$PRE-d.e_f"
host_lxc copy -n base -N "$N1" -s
host_lxc copy -n base -N "$N2" -s

# A host with no containers (an empty lxcpath) and a host that is down, each under its own name
# (the cache is per host name).
mkdir -p "$T/emptylxc"
lab_config "$T/empty.toml" 's/^default_host = .*/default_host = "empty"/' 's/^\[hosts\.lab\]/[hosts.empty]/' \
  "s|^lxcpath = .*|lxcpath = \"$T/emptylxc\"|"
lab_config "$T/down.toml" 's/^default_host = .*/default_host = "down"/' 's/^\[hosts\.lab\]/[hosts.down]/' \
  's/^address = .*/address = "10.203.0.254"/'

# The cache is filled in the background: wait (bounded) until it holds what the cases need, so
# that they do not depend on how fast that is.
# cache_has FILE NAME [ARGS...]: FILE is a valid cache and `lxhost ARGS __complete containers`
# offers NAME (no NAME: FILE is a valid cache).
cache_has() {
  local file=$CACHE/lxhost/$1 want=$2
  shift 2
  head -1 "$file" 2>/dev/null | grep -q '^# lxhost containers' || return 1
  [ -z "$want" ] || grep -qxF -- "$want" <<<"$(in_laptop lxhost "$@" __complete containers 2>/dev/null)"
}
wait_cache() {
  local i
  for i in $(seq 150); do
    in_laptop lxhost "${@:3}" __complete containers >/dev/null 2>&1 || true
    cache_has "$@" && return 0
    sleep 0.1
  done
  return 1
}
check "the lab's cache has $N2" wait_cache containers-lab.tsv "$N2"
check "the empty host's cache is written" wait_cache containers-empty.tsv "" -c "$T/empty.toml"
