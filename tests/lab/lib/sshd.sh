# The lab's sshd and its users (sourced by tests/lab/lab): keys, the test users and their homes,
# the sudoers drop-in and the secure_paths it names, the laptop's HOME, the lab sshd on $PORT and
# up's OpenSSH self-check from the laptop.
# shellcheck shell=bash

# Who may log in and how, the same for the lab's sshd and each container's: keys only, no PAM,
# room for many connections at once (the suites open them in parallel), verbose logs.
SSHD_LOGIN_POLICY="PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
StrictModes yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
MaxStartups 200:30:400
LogLevel VERBOSE
PrintMotd no
PrintLastLog no
Subsystem sftp internal-sftp"

# sshd_running: sets SSHD_PID to the lab sshd's PID from its pid file, confirmed by its cmdline.
sshd_running() {
  SSHD_PID=""
  local pid
  [[ -r $SSHD_PIDFILE ]] && read -r pid <"$SSHD_PIDFILE" && [[ $pid =~ ^[0-9]+$ ]] || return 1
  cmdline "$pid" && [[ $CMDLINE == *"$SSHD -f $SSHD_CONFIG"* ]] || return 1
  SSHD_PID=$pid
}

# port_listeners [P]: sets LISTENERS to "ADDR:PORT PID" for every TCP listener on port P (the lab
# sshd's by default).
port_listeners() {
  local line re='^[^ ]+ +[^ ]+ +[^ ]+ +([^ ]+) .*pid=([0-9]+)'
  LISTENERS=()
  while IFS= read -r line; do
    if [[ $line =~ $re ]]; then LISTENERS+=("${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"); fi
  done < <(ss -Hltnp "sport = :${1:-$PORT}" 2>/dev/null || true)
}

sshd_listening() { # sshd_listening PID
  port_listeners
  local all=" ${LISTENERS[*]/%/ ,} "
  [[ $all == *" $HOST_ADDR:$PORT $1 ,"* && $all == *" [$HOST_ADDR6]:$PORT $1 ,"* && $all == *" 127.0.0.1:$PORT $1 ,"* ]]
}

# ensure_key PATH PASSPHRASE COMMENT: an ed25519 key pair, generated once.
ensure_key() {
  [[ -f $1 && -f $1.pub ]] && return 0
  rm -f -- "$1" "$1.pub"
  quiet ssh-keygen -q -t ed25519 -N "$2" -C "$3" -f "$1"
}

up_keys() {
  ensure_dir "$LAB/laptop" 0755 root:root
  ensure_dir "$LAPTOP_HOME" 0700 root:root
  ensure_dir "$LAPTOP_HOME/.ssh" 0700 root:root
  ensure_dir "$LAB/keys" 0700 root:root
  ensure_dir "$SSHD_DIR" 0700 root:root
  ensure_key "$CLIENT_KEY" '' lxhost-lab-client
  ensure_key "$UNAUTHORIZED_KEY" '' lxhost-lab-unauthorized
  ensure_key "$PASSPHRASE_KEY" "$PASSPHRASE" lxhost-lab-passphrase
  ensure_key "$SSHD_HOST_KEY" '' lxhost-lab-host
}

up_users() {
  local u home client passphrase shell
  slurp client "$CLIENT_KEY.pub"
  slurp passphrase "$PASSPHRASE_KEY.pub"
  ensure_dir "$LAB/home" 0755 root:root
  for u in "${USERS[@]}"; do
    home=$LAB/home/$u
    shell=/bin/sh
    [[ $u != "$CSH_USER" ]] || shell=$CSH
    [[ -x $shell ]] || die "$shell is missing (scripts/install-deps installs it)"
    if [[ -z ${PASSWD[$u]:-} ]]; then
      state_add "user $u"
      state_add "group $u"
      # --system: no /etc/subuid range; '*' (not '!'): with UsePAM no, sshd refuses a '!' account.
      quiet useradd --system --user-group --no-create-home --home-dir "$home" \
        --shell "$shell" --password '*' --comment 'lxhost lab' "$u"
    fi
    ensure_dir "$home" 0755 "$u:$u"
    ensure_dir "$home/.ssh" 0700 "$u:$u"
    if [[ $u == lxhtest ]]; then
      put_file "$home/.ssh/authorized_keys" 0600 "$u:$u" "$client$passphrase"
    else
      put_file "$home/.ssh/authorized_keys" 0600 "$u:$u" "$client"
    fi
  done
}

# The secure_paths of lxhnolxc (none: empty) and lxhfewlxc (few: links to some of /usr/bin/lxc-*).
up_sudo_paths() {
  local t
  ensure_dir "$SUDO_PATHS" 0755 root:root
  ensure_dir "$SUDO_PATHS/none" 0755 root:root
  ensure_dir "$SUDO_PATHS/few" 0755 root:root
  for t in "${FEW_TOOLS[@]}"; do
    [[ $(readlink -- "$SUDO_PATHS/few/$t" 2>/dev/null) == "/usr/bin/$t" ]] || ln -sfn -- "/usr/bin/$t" "$SUDO_PATHS/few/$t"
  done
}

up_sudoers() {
  local want old
  IFS= read -r -d '' want <<EOF || true
# lxhost lab (tests/lab/lab): removed by 'lab down'
lxhtest ALL=(root) NOPASSWD: /usr/bin/lxc-*
# sudo authenticates before it refuses a command no rule allows: without !authenticate, sudo -n
# says "a password is required"; with it, "Sorry, user lxhnotallowed is not allowed to execute".
Defaults:lxhnotallowed !authenticate
lxhnotallowed ALL=(root) NOPASSWD: /bin/true
# Allowed lxc-*, but sudo looks for commands only in a secure_path with none or some of them.
Defaults:$NOLXC_USER secure_path="$SUDO_PATHS/none"
$NOLXC_USER ALL=(root) NOPASSWD: /usr/bin/lxc-*
Defaults:$FEWLXC_USER secure_path="$SUDO_PATHS/few"
$FEWLXC_USER ALL=(root) NOPASSWD: /usr/bin/lxc-*, $SUDO_PATHS/few/lxc-*
EOF
  meta "$SUDOERS"
  slurp old "$SUDOERS"
  [[ $M == "440 root:root" && $old == "$want" ]] && return 0
  state_add "file $SUDOERS"
  printf '%s' "$want" >"$SUDOERS_TMP"
  chmod 0440 "$SUDOERS_TMP"
  quiet visudo -cf "$SUDOERS_TMP"
  mv -f -- "$SUDOERS_TMP" "$SUDOERS"
}

up_laptop_home() {
  local hostkey hostkey_ct name cts=""
  read -r hostkey <"$SSHD_HOST_KEY.pub"
  hostkey=${hostkey% *} # without its comment
  # The containers' sshd: by .local name (what OpenSSH checks when a ProxyCommand reaches them)
  # and by address (ssh to the address itself).
  for name in "${SSH_CTS[@]}"; do
    read -r hostkey_ct <"$LXCPATH/$name/rootfs/etc/ssh/ssh_host_ed25519_key.pub"
    hostkey_ct=${hostkey_ct% *}
    cts+="$name.local $hostkey_ct
${CT_ADDR[$name]} $hostkey_ct
"
  done
  put_file "$SSH_CONFIG" 0600 root:root ""
  put_file "$KNOWN_HOSTS" 0644 root:root "[$HOST_ADDR]:$PORT $hostkey
[$HOST_ADDR6]:$PORT $hostkey
[127.0.0.1]:$PORT $hostkey
[$CONTAINERS_NAME]:$PORT $hostkey
$cts"
  ensure_dir "$LAPTOP_HOME/.config" 0755 root:root
  ensure_dir "$LAPTOP_HOME/.config/lxhost" 0755 root:root
  ensure_dir "$LAPTOP_HOME/.cache" 0755 root:root
  put_file "$LXHOST_CONFIG_FILE" 0644 root:root <<EOF
default_host = "lab"

[hosts.lab]
address = "$HOST_ADDR"
port = $PORT
user = "lxhtest"
identity_file = "~/.ssh/id_ed25519"
lxcpath = "$LXCPATH"
known_hosts = "~/.ssh/known_hosts"
connect_timeout_ms = 3000
EOF
}

up_sshd() {
  if [[ ! -d /run/sshd ]]; then
    state_add "dir /run/sshd"
    mkdir -m 0755 /run/sshd
  fi
  CHANGED=0
  put_file "$SSHD_CONFIG" 0600 root:root <<EOF
# The lxhost lab's own sshd (tests/lab/lab); nothing else reads this file.
ListenAddress $HOST_ADDR:$PORT
ListenAddress [$HOST_ADDR6]:$PORT
ListenAddress 127.0.0.1:$PORT
HostKey $SSHD_HOST_KEY
PidFile $SSHD_PIDFILE
AllowUsers ${USERS[*]}
$SSHD_LOGIN_POLICY
EOF
  if sshd_running; then
    ((CHANGED == 0)) && sshd_listening "$SSHD_PID" && return 0
    stop_pids "lab sshd" "$SSHD_PID"
  fi
  rm -f -- "$SSHD_PIDFILE"
  quiet "$SSHD" -t -f "$SSHD_CONFIG"
  # sshd daemonizes (its parent returns at once) and writes the pid file once it listens.
  "$SSHD" -f "$SSHD_CONFIG" -E "$SSHD_LOG" </dev/null >/dev/null 2>&1 9>&- ||
    die "sshd failed to start (see $SSHD_LOG)"
  wait_until "the lab sshd's pid file $SSHD_PIDFILE (see $SSHD_LOG)" sshd_running
  wait_until "sshd to listen on $HOST_ADDR:$PORT, [$HOST_ADDR6]:$PORT and 127.0.0.1:$PORT (see $SSHD_LOG)" \
    sshd_listening "$SSHD_PID"
}

# From the laptop namespace, with the real OpenSSH client and only the lab's files.
self_check() {
  local out
  ip netns exec $NETNS busybox ping -q -c 1 -W 2 $HOST_ADDR >/dev/null 2>&1 ||
    die "self-check: $HOST_ADDR does not answer ping from netns $NETNS"
  if ! out=$(cmd_exec laptop timeout $WAIT_S ssh -F "$SSH_CONFIG" -i "$CLIENT_KEY" -o IdentitiesOnly=yes \
    -o UserKnownHostsFile="$KNOWN_HOSTS" -o BatchMode=yes -o ConnectTimeout=$WAIT_S -p $PORT \
    lxhtest@$HOST_ADDR sudo -n lxc-ls -P "$LXCPATH" -1 2>&1 </dev/null) ||
    [[ $'\n'$out$'\n' != *$'\nbase\n'* || $'\n'$out$'\n' != *$'\nweb\n'* ]]; then
    die "self-check: 'ssh lxhtest@$HOST_ADDR -p $PORT sudo -n lxc-ls' from netns $NETNS did not list base and web: ${out//$'\n'/ | }"
  fi
}
