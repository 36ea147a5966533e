// doctor's checks that need the host's session: host key, login (which keys libssh offered),
// shell, sudo, the lxc tools, the lxcpath and a real snapshot clone.
#include "commands/doctor_checks.hpp"
#include "transport/auth_trace.hpp"

namespace lxhost::doctor {

RemoteRun run_bounded(SshSession& ssh, const std::string& line, milliseconds bound) {
  StringSink sink;
  ChannelState state;
  state.sink = &sink;
  const auto deadline = Clock::now() + bound;
  ChannelPtr channel = open_exec_channel(ssh, line, state, nullptr);
  ssh_channel_send_eof(channel.get());
  EventPtr event(ssh_event_new());
  if (!event || ssh_event_add_session(event.get(), ssh.get()) != SSH_OK) ssh.lost("while waiting");
  RemoteRun run;
  while (!state.closed) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    poll_session(ssh, event.get(), static_cast<int>(left), "while the command ran");
  }
  ssh_event_remove_session(event.get(), ssh.get());
  run.finished = state.closed && (state.exit_status || state.exit_signal);
  if (run.finished) {
    try {
      run.exit_code = mux::exit_code_of(channel_end(state, ssh.display()), ssh.display());
    } catch (const ConnectError&) {
      run.exit_code = 128;  // a signal without a number here: still a death by signal
    }
  }
  release_channel(channel, state);
  run.out = std::move(sink.out_);
  run.err = std::move(sink.err_);
  return run;
}

Outcome Doctor::check_host_key() {
  if (socket_ >= 0) {
    const int fd = socket_;
    socket_ = -1;
    ssh_->use_socket(fd);
  }
  try {
    ssh_->connect(host(), ctx_.log(), {});
  } catch (const ConnectError& e) {
    // libssh's own words for a silent peer are "Timeout connecting to ADDRESS".
    const bool silent = std::string_view(e.what()).find("Timeout connecting") != std::string_view::npos;
    return failed(silent ? fmt::format("no SSH handshake: {} sent no SSH banner within {} ms (connect_timeout_ms)",
                                       ssh_->display(), connect_bound().count())
                         : fmt::format("no SSH handshake: {}", e.what()),
                  fmt::format("{} answers TCP but not as sshd: set port in [hosts.{}] to the port sshd listens on",
                              ssh_->display(), host().name));
  }
  ssh_session session = ssh_->get();
  const std::string known_hosts = ssh_->known_hosts_file(host(), ctx_.paths());
  const std::string name = ssh_->option(SSH_OPTIONS_HOST);
  const std::string fingerprint = host_key_fingerprint(session);
  switch (ssh_session_is_known_server(session)) {
    case SSH_KNOWN_HOSTS_OK:
      return passed(fmt::format("known and matching ({}) in {}", fingerprint, known_hosts));
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      return failed(fmt::format("{} does not match the key {} has for {}: refused", fingerprint, known_hosts,
                                doctor::known_hosts_name(name, ssh_->port())),
                    doctor::fix_changed_host_key(name, ssh_->port(), known_hosts));
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      if (host().host_key.value == HostKeyPolicy::accept_new)
        return passed(fmt::format("not in {} yet: host_key = \"accept-new\" records {} on the first connection",
                                  known_hosts, fingerprint));
      return failed(fmt::format("{} is not in {}: refused (host_key = \"strict\")", fingerprint, known_hosts),
                    doctor::fix_unknown_host_key(name, ssh_->port(), fingerprint, known_hosts));
    case SSH_KNOWN_HOSTS_ERROR:
      break;
  }
  return failed(fmt::format("cannot check the key against {}: {}", known_hosts,
                            reason_or(ssh_get_error(session), "libssh gave no reason")),
                fmt::format("make {} a readable known_hosts file, or set known_hosts in [hosts.{}]", known_hosts,
                            host().name));
}

Outcome Doctor::check_auth() {
  const std::string who = fmt::format("{}@{}", user_, ssh_->display());
  const std::string agent_text =
      ctx_.env().get_nonempty("SSH_AUTH_SOCK") ? "agent at $SSH_AUTH_SOCK" : "no agent ($SSH_AUTH_SOCK unset)";
  OfferedKeys keys;
  auto tried = [&] {
    std::vector<std::string> all = {agent_text};
    all.insert(all.end(), keys.tried().begin(), keys.tried().end());
    return fmt::format("{}", fmt::join(all, ", "));
  };
  const bool configured = host().identity_file.user_set() && !host().identity_file.value.empty();
  const std::string key = configured ? host().identity_file.value : std::string("~/.ssh/id_ed25519");
  try {
    ssh_->authenticate(host());
  } catch (const NeedsTerminal& e) {
    return failed(fmt::format("{} (tried: {})", e.what(), tried()), fmt::format("ssh-add {}", key));
  } catch (const ConnectError& e) {
    const std::string offered = keys.tried().empty() ? key : keys.tried().front();
    return failed(fmt::format("{} (tried: {})", e.what(), tried()),
                  fmt::format("add {}.pub to ~{}/.ssh/authorized_keys on the host", offered, user_));
  }
  return passed(fmt::format("{} with {} (tried: {})", who, keys.accepted().empty() ? "a key" : keys.accepted(),
                            tried()));
}

Outcome Doctor::check_shell() {
  const RemoteRun run = remote(std::string(doctor::kPosixProbe));
  if (!run.finished) return failed(not_finished("a one-line sh command"), fmt::format(
      "check what the login scripts of {} on the host do when sshd runs a command", user_));
  if (const auto shell = doctor::parse_posix_probe(run.out, run.exit_code))
    return passed(fmt::format("{} speaks POSIX sh", *shell));
  const RemoteRun which = remote("echo $SHELL");
  const std::string shell = first_line(which.out);
  const std::string said = first_line(run.err.empty() ? run.out : run.err);
  return failed(fmt::format("{} is not a POSIX sh: `{}` gave exit {}{}{}", shell.empty() ? "the login shell" : shell,
                            doctor::kPosixProbe, run.exit_code, said.empty() ? "" : ": ", said),
                fmt::format("on the host, as root: chsh -s /bin/bash {}", user_));
}

Outcome Doctor::check_sudo() {
  if (!host().sudo.value)
    return passed(fmt::format("not used (sudo = false for host {}): lxc-* run as {}", host().name, user_));
  const std::vector<std::string> argv = {"lxc-ls", "--version"};
  const RemoteRun run = remote(tool_line(argv, remote_context()));
  if (!run.finished) return failed(not_finished("sudo -n lxc-ls --version"), "check sudo's configuration on the host "
                                                                            "(`sudo -n true` must not wait)");
  if (run.exit_code == 0) {
    version_output_ = run.out;
    return passed(fmt::format("{} runs lxc-* as root without a password (sudo -n lxc-ls --version)", user_));
  }
  SudoRefusalFilter filter;
  filter.feed(run.err);
  const auto verdict = filter.finish(run.exit_code);
  const RemoteRun where = remote("command -v lxc-ls");
  const std::string path = first_line(where.out);
  const std::string dir = path.rfind('/') == std::string::npos ? "" : path.substr(0, path.rfind('/'));
  const std::string said = first_line(run.err);
  if (run.exit_code == 127 && !verdict.refusal)
    return failed(fmt::format("sudo is not installed on the host ({})", said),
                  fmt::format("on the host: apt-get install sudo, or set sudo = false in [hosts.{}]", host().name));
  // A command sudo does not find matches no NOPASSWD rule, so sudo -n says "a password is
  // required" for it: `sudo -l` tells the two apart.
  const RemoteRun listed = remote("sudo -n -l lxc-ls 2>&1");
  const bool sudo_finds_none = listed.finished && listed.out.find("command not found") != std::string::npos;
  if (path.empty() && (sudo_finds_none || !verdict.refusal))
    return failed(fmt::format("lxc-ls is not installed on the host ({})", said), "on the host: apt-get install lxc");
  if (sudo_finds_none)
    return failed(fmt::format("sudo finds no lxc-ls: {} is not in its secure_path ({})", dir, said),
                  doctor::fix_secure_path(dir));
  return failed(fmt::format("{} cannot run lxc-* as root without a password: {}", user_, said),
                fmt::format("on the host, add `{}` with `visudo -f /etc/sudoers.d/lxhost`",
                            doctor::sudoers_line(user_, dir)));
}

Outcome Doctor::check_lxc() {
  std::string version_output = version_output_;
  if (!host().sudo.value) {
    const std::vector<std::string> argv = {"lxc-ls", "--version"};
    const RemoteRun run = remote(tool_line(argv, remote_context()));
    if (!run.finished) return failed(not_finished("lxc-ls --version"), "check the host's load");
    version_output = run.out;
  }
  const auto version = doctor::parse_lxc_version(version_output);
  if (version) lxc_major_ = doctor::lxc_major(*version);
  if (!version)
    return failed(fmt::format("lxc-ls --version printed '{}', not a version", first_line(version_output)),
                  "on the host: apt-get install lxc");
  std::vector<std::string> wanted;
  for (const Verb& verb : verb_table())
    if (!verb.legacy) wanted.emplace_back(verb.tool);
  const std::vector<std::string> required = doctor::required_tools(lxc_major_);
  const RemoteRun run = remote(doctor::tool_scan_script(wanted, required, host().sudo.value));
  if (!run.finished) return failed(not_finished("looking for the lxc-* tools"), "check the host's load");
  const doctor::ToolScan scan = doctor::scan_tools(run.out, wanted);
  std::vector<std::string> missing_required;
  for (const std::string& tool : required)
    if (std::find(scan.missing.begin(), scan.missing.end(), tool) != scan.missing.end())
      missing_required.push_back(tool);
  const std::string detail = fmt::format(
      "LXC {}, {} of {} tools in {}{}{}{}", *version, scan.found.size(), wanted.size(),
      scan.dir.empty() ? "PATH" : scan.dir, host().sudo.value ? " (as sudo -n finds them)" : "",
      scan.missing.empty() ? "" : "; missing: ", fmt::join(scan.missing, ", "));
  if (missing_required.empty()) return passed(detail);
  const std::string needs = fmt::format("{} (lxhost needs {})", detail, fmt::join(missing_required, ", "));
  if (!scan.elsewhere.empty())
    return failed(fmt::format("{}; {} has them, sudo's secure_path does not", needs, scan.elsewhere),
                  doctor::fix_secure_path(scan.elsewhere));
  if (!scan.refused.empty())
    return failed(fmt::format("{}; sudo does not allow {}", needs, fmt::join(scan.refused, ", ")),
                  fmt::format("on the host, add `{}` with `visudo -f /etc/sudoers.d/lxhost`",
                              doctor::sudoers_line(user_, scan.dir)));
  return failed(needs, "on the host: apt-get install lxc");
}

Outcome Doctor::check_lxcpath() {
  std::string path = host().lxcpath.value;
  const bool host_default = path.empty();  // not configured: what LXC on the host uses
  const std::string source =
      host_default ? std::string("lxc-config lxc.lxcpath") : fmt::format("lxcpath of [hosts.{}]", host().name);
  if (host_default) {
    const std::vector<std::string> argv = {"lxc-config", "lxc.lxcpath"};
    const RemoteRun run = remote(tool_line(argv, remote_context()));
    if (!run.finished) return failed(not_finished("lxc-config lxc.lxcpath"), "check the host's load");
    path = first_line(run.out);
    if (run.exit_code != 0 || path.empty())
      return failed(fmt::format("lxc-config lxc.lxcpath gave exit {}: {}", run.exit_code, first_line(run.err)),
                    fmt::format("set lxcpath in [hosts.{}] to the host's lxcpath", host().name));
  }
  const std::vector<std::string> argv = {"lxc-ls", "-1"};
  const RemoteRun run = remote(tool_line(argv, remote_context(path)));
  if (!run.finished) return failed(not_finished("lxc-ls -1"), "check the host's load");
  if (run.exit_code != 0)
    return failed(fmt::format("lxc-ls -P {} -1 gave exit {}: {}", path, run.exit_code, first_line(run.err)),
                  fmt::format("on the host, check that root can read {} (ls -ld {})", path, path));
  const auto count = std::count(run.out.begin(), run.out.end(), '\n');
  // lxc-ls lists nothing, silently, for a path that does not exist; root's containers in it
  // prove it does (also when the user cannot see into it).
  if (count == 0) {
    const RemoteRun exists = remote(fmt::format("[ -d {} ]", quote_word(path)));
    if (!exists.finished) return failed(not_finished("test -d"), "check the host's load");
    if (exists.exit_code != 0)
      return failed(fmt::format("{} ({}) is not a directory on the host", path, source),
                    host_default
                        ? fmt::format("on the host, as root: mkdir -p {}", path)
                        : fmt::format("set lxcpath in [hosts.{}] to the host's lxcpath (`lxc-config lxc.lxcpath` "
                                      "on the host prints the default), or create {} there",
                                      host().name, path));
  }
  lxcpath_ = path;
  return passed(fmt::format("{} ({}): {} container{}", path, source, count, count == 1 ? "" : "s"));
}

// The filesystem of the lxcpath and the kernel's overlay, then a real snapshot clone of one of
// its containers (a stopped one if there is one), removed again at once.
Outcome Doctor::check_backing_store() {
  const std::string q = quote_word(lxcpath_);
  const RemoteRun run = remote(
      "printf 'fs=%s\\n' \"$(stat -f -c %T " + q +
      " 2>/dev/null)\"; if grep -qw overlay /proc/filesystems; then echo overlay=loaded; "
      "elif [ -d \"/lib/modules/$(uname -r)/kernel/fs/overlayfs\" ]; then echo overlay=module; else echo overlay=no; fi");
  if (!run.finished) return failed(not_finished("stat -f"), "check the host's load");
  std::string fs, overlay;
  for (std::string_view rest = run.out; !rest.empty();) {
    const std::string_view line = rest.substr(0, rest.find('\n'));
    if (line.substr(0, 3) == "fs=") fs = std::string(line.substr(3));
    if (line.substr(0, 8) == "overlay=") overlay = std::string(line.substr(8));
    rest.remove_prefix(std::min(rest.size(), line.size() + 1));
  }
  const doctor::BackingStore store = doctor::classify_backing_store(fs, overlay);
  const RemoteContext where = remote_context(lxcpath_);
  bool running = false;
  std::string source;
  for (const char* state : {"--stopped", "--running"}) {
    const std::vector<std::string> argv = {"lxc-ls", "-1", state};
    const RemoteRun list = remote(tool_line(argv, where));
    if (!list.finished) return failed(not_finished("lxc-ls -1"), "check the host's load");
    source = first_line(list.out);
    running = std::string_view(state) == "--running";
    if (!source.empty()) break;
  }
  if (source.empty() || lxc_major_ < 2) {
    const std::string detail =
        fmt::format("{} is {} ({})", lxcpath_, store.detail,
                    source.empty() ? "no container in it to try a snapshot clone of"
                                   : fmt::format("LXC {} has no lxc-copy: no snapshot clone tried", lxc_major_));
    return store.ok ? passed(detail) : failed(detail, doctor::fix_backing_store(fs, lxcpath_));
  }
  // A name nobody else uses; removed only when this clone made it.
  const std::string probe = fmt::format("lxhost-doctor-{:08x}", std::random_device{}());
  // --allowrunning only matters when the source runs (the clone shares its rootfs read-only).
  const std::vector<std::string> copy = {"lxc-copy", "-n",  source,      "-N",       probe,
                                         "-s",       "-o",  "/dev/null", "--allowrunning"};
  const std::vector<std::string> info = {"lxc-info", "-n", probe, "-c", "lxc.rootfs.path"};
  const std::vector<std::string> destroy = {"lxc-destroy", "-n", probe};
  const auto started = Clock::now();
  constexpr std::string_view kept = "lxhost-doctor: not destroyed";
  const RemoteRun clone =
      remote(fmt::format("{} || exit; {}; {} >/dev/null 2>&1 || echo '{}'", command_line(copy, where),
                         command_line(info, where), command_line(destroy, where), kept));
  if (!clone.finished) return failed(not_finished("lxc-copy -s"), "check the host's load");
  const std::string what = fmt::format("lxc-copy -s of {}{}", source, running ? " (running)" : "");
  if (clone.exit_code != 0) {
    const std::string detail = fmt::format("{} is {}; {} failed (exit {}): {}", lxcpath_, fs.empty() ? "?" : fs,
                                           what, clone.exit_code, doctor::lxc_error_text(clone.err));
    if (!store.ok) return failed(detail, doctor::fix_backing_store(fs, lxcpath_));
    return failed(detail, fmt::format("on the host, as root: lxc-copy -P {} -n {} -N t -s -o /dev/stderr gives lxc's "
                                      "whole account ({} must be writable, with room for a snapshot)",
                                      lxcpath_, source, lxcpath_));
  }
  if (clone.out.find(kept) != std::string::npos)
    return failed(fmt::format("{} made the snapshot {}, and lxc-destroy could not remove it", what, probe),
                  fmt::format("on the host, as root: lxc-destroy -P {} -n {}", lxcpath_, probe));
  return passed(fmt::format("{} is {}: {} made a snapshot ({}) in {} ms, removed again", lxcpath_,
                            fs.empty() ? "?" : fs, what, doctor::snapshot_kind(clone.out, fs), ms_since(started)));
}

}  // namespace lxhost::doctor
