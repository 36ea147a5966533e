// `doctor [-H HOST]`: every link from the config to a snapshot clone, checked in order and timed,
// each failure with one concrete fix. The remote checks share ONE libssh session of their own
// (never the mux master's), built stage by stage so each stage is timed on its own.
#include <arpa/inet.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cache.hpp"
#include "call_within.hpp"
#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "discovery/discovery.hpp"
#include "doctor_report.hpp"
#include "errors.hpp"
#include "host_spec.hpp"
#include "mux/socket.hpp"
#include "remote_line.hpp"
#include "shell_quote.hpp"
#include "state_files.hpp"
#include "sudo_refusal.hpp"
#include "transport/host_keys.hpp"
#include "transport/libssh_channel.hpp"
#include "transport/libssh_session.hpp"
#include "transport/tcp_connect.hpp"

namespace lxhost {
namespace {

using doctor::Check;
using doctor::Result;
using doctor::Status;
using std::chrono::milliseconds;

struct Outcome {
  Status status = Status::ok;
  std::string detail;
  std::string fix;
};
Outcome passed(std::string detail) { return {Status::ok, std::move(detail), {}}; }
Outcome failed(std::string detail, std::string fix) { return {Status::fail, std::move(detail), std::move(fix)}; }

std::string first_line(std::string_view text) {
  while (!text.empty() && text.front() == '\n') text.remove_prefix(1);
  return std::string(text.substr(0, text.find('\n')));
}

long long ms_since(Clock::time_point start) { return elapsed_ms(start); }

bool is_numeric_address(const std::string& name) {
  unsigned char buffer[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, name.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, name.c_str(), buffer) == 1;
}

// What a remote command did within its bound.
struct RemoteRun {
  bool finished = false;
  int exit_code = -1;
  std::string out, err;
};

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
      run.exit_code = exit_code_of(state, ssh.display());
    } catch (const ConnectError&) {
      run.exit_code = 128;  // a signal without a number here: still a death by signal
    }
  }
  release_channel(channel, state);
  run.out = std::move(sink.out_);
  run.err = std::move(sink.err_);
  return run;
}

// libssh's own account of the keys it offers, caught from its log while authenticating.
class OfferedKeys {
 public:
  OfferedKeys() : level_(ssh_get_log_level()), callback_(ssh_get_log_callback()), userdata_(ssh_get_log_userdata()) {
    ssh_set_log_callback(&OfferedKeys::collect);
    ssh_set_log_userdata(this);
    ssh_set_log_level(SSH_LOG_DEBUG);
  }
  ~OfferedKeys() {
    ssh_set_log_level(level_);
    ssh_set_log_callback(callback_);
    ssh_set_log_userdata(userdata_);
  }
  OfferedKeys(const OfferedKeys&) = delete;
  OfferedKeys& operator=(const OfferedKeys&) = delete;

  const std::vector<std::string>& tried() const { return tried_; }
  const std::string& accepted() const { return accepted_; }

 private:
  static void collect(int, const char*, const char* text, void* userdata) {
    auto* self = static_cast<OfferedKeys*>(userdata);
    const std::string_view line = text ? text : "";
    auto after = [&](std::string_view marker) -> std::optional<std::string> {
      const auto at = line.find(marker);
      if (at == std::string_view::npos) return std::nullopt;
      return std::string(line.substr(at + marker.size()));
    };
    if (auto file = after("Trying to authenticate with ")) self->tried_.push_back(*file);
    else if (auto agent_key = after("Trying identity ")) self->tried_.push_back("agent key " + *agent_key);
    else if (auto ok = after("Successfully authenticated using ")) self->accepted_ = *ok;
  }

  int level_;
  ssh_logging_callback callback_;
  void* userdata_;
  std::vector<std::string> tried_;
  std::string accepted_;
};

class Doctor {
 public:
  Doctor(Context& ctx, std::optional<Setting<std::string>> host_flag) : ctx_(ctx), host_flag_(std::move(host_flag)) {}
  ~Doctor() {
    if (socket_ >= 0) ::close(socket_);
  }
  Doctor(const Doctor&) = delete;
  Doctor& operator=(const Doctor&) = delete;

  int run() {
    for (const doctor::CheckSpec& check : doctor::checks()) {
      Result result{check.id, Status::ok, 0, {}, {}};
      if (const auto waits_for = doctor::blocked_by(check.id, results_)) {
        result.status = Status::skip;
        result.detail = std::string(doctor::spec(*waits_for).name);
      } else {
        const auto started = Clock::now();
        Outcome outcome;
        try {
          outcome = run_check(check.id);
        } catch (const Error& e) {
          outcome = failed(e.what(), e.hint().empty() ? "run `lxhost -v doctor` for libssh's account" : e.hint());
        }
        result.ms = ms_since(started);
        result.status = outcome.status;
        result.detail = std::move(outcome.detail);
        result.fix = std::move(outcome.fix);
      }
      fmt::print("{}", doctor::render(result));
      (void)std::fflush(stdout);  // each line as its check ends (fmt::print throws if stdout fails)
      results_.push_back(std::move(result));
    }
    fmt::print("{}\n", doctor::summary(results_));
    const bool all_ok =
        std::all_of(results_.begin(), results_.end(), [](const Result& r) { return r.status == Status::ok; });
    return all_ok ? exit_code::ok : exit_code::failure;
  }

 private:
  Outcome run_check(Check id) {
    switch (id) {
      case Check::config: return check_config();
      case Check::name: return check_name();
      case Check::tcp: return check_tcp();
      case Check::host_key: return check_host_key();
      case Check::auth: return check_auth();
      case Check::shell: return check_shell();
      case Check::sudo: return check_sudo();
      case Check::lxc: return check_lxc();
      case Check::lxcpath: return check_lxcpath();
      case Check::backing_store: return check_backing_store();
      case Check::cache: return check_cache();
      case Check::mux_dir: return check_mux_dir();
    }
    return failed("unknown check", "report this as a bug");
  }

  const HostConfig& host() const { return *host_; }
  milliseconds connect_bound() const { return milliseconds(host().connect_timeout_ms.value); }
  RemoteRun remote(const std::string& line) { return run_bounded(*ssh_, line, connect_bound()); }
  RemoteContext remote_context(std::string lxcpath = {}) const { return {host().sudo.value, std::move(lxcpath)}; }
  std::string not_finished(std::string_view what) const {
    return fmt::format("{} did not finish within {} ms (connect_timeout_ms)", what, connect_bound().count());
  }

  Outcome check_config() {
    try {
      const Config& config = ctx_.config();
      host_ = host_flag_ ? select_host(config, host_flag_) : ctx_.host();
      ssh_ = SshSession::prepare(*host_, ctx_.paths());  // ~/.ssh/config is parsed here
    } catch (const ConfigError& e) {
      return failed(e.what(), e.hint().empty() ? "correct the file at the line and column shown (`lxhost config show` "
                                                 "prints the values in effect)"
                                               : e.hint());
    }
    user_ = ssh_->option(SSH_OPTIONS_USER);
    const std::string& source = ctx_.config().source;
    return passed(fmt::format("{}: host {} is {}, sudo {}", source.empty() ? "built-in defaults" : source,
                              host().name, endpoint_text(user_, host().address.value, static_cast<int>(ssh_->port())),
                              host().sudo.value ? "-n" : "off"));
  }

  Outcome check_name() {
    const std::string name = ssh_->option(SSH_OPTIONS_HOST);
    const std::string proxy = ssh_->option(SSH_OPTIONS_PROXYCOMMAND);
    if (!proxy.empty()) {
      proxied_ = true;
      return passed(fmt::format("{} is reached through ~/.ssh/config's ProxyCommand `{}`: not resolved here", name, proxy));
    }
    if (is_numeric_address(name)) {
      addresses_ = {name};
      return passed(fmt::format("{} is an address (no lookup)", name));
    }
    const milliseconds bound(ctx_.config().discovery.resolve_timeout_ms.value);
    auto system_answer = [&](std::string& text) {
      const auto started = Clock::now();
      const auto found = system_addresses_within(name, bound);
      if (!found) text = fmt::format("system: no answer within {} ms", bound.count());
      else if (found->empty()) text = fmt::format("system: no address ({} ms)", ms_since(started));
      else text = fmt::format("system: {} ({} ms)", fmt::join(*found, ", "), ms_since(started));
      return found.value_or(std::vector<std::string>{});
    };
    std::string system_text;
    if (!is_local_name(name) || name != host().address.value) {  // libssh asks the system resolver
      addresses_ = system_answer(system_text);
      if (!addresses_.empty()) return passed(fmt::format("{}: {}", name, system_text));
      return failed(fmt::format("{}: {}", name, system_text),
                    fmt::format("put the host's address in address = \"...\" of [hosts.{}], or add {} to /etc/hosts",
                                host().name, name));
    }
    // A .local name: lxhost asks mDNS itself; the system resolver only when there is no mDNS.
    std::string mdns_text;
    bool mdns_missing = false;
    const auto started = Clock::now();
    try {
      addresses_ = ctx_.discovery().resolve(name, IpFamily::any, bound);
      mdns_text = addresses_.empty()
                      ? fmt::format("mDNS ({}): no answer within {} ms", ctx_.discovery().backend(), bound.count())
                      : fmt::format("mDNS ({}): {} ({} ms)", ctx_.discovery().backend(), fmt::join(addresses_, ", "),
                                    ms_since(started));
    } catch (const MdnsUnavailable& e) {
      mdns_missing = true;
      mdns_text = fmt::format("mDNS: not available ({})", e.what());
    }
    const std::vector<std::string> system = system_answer(system_text);
    const std::string detail = fmt::format("{}: {}; {}", name, mdns_text, system_text);
    if (!addresses_.empty()) return passed(detail);
    if (mdns_missing && !system.empty()) {
      addresses_ = system;
      return passed(detail + " (lxhost uses the system resolver when mDNS is not available)");
    }
    if (mdns_missing)
      return failed(detail, "start avahi-daemon on this machine (lxhost asks it for .local names), or put the "
                            "host's address in address = \"...\"");
    const std::string stem = name.substr(0, name.size() - std::string_view(".local").size());
    return failed(detail, fmt::format("on the host, set host-name={} in [server] and publish-addresses=yes in [publish] "
                                      "of /etc/avahi/avahi-daemon.conf and restart avahi-daemon (`lxhost discover` "
                                      "shows what answers here)",
                                      stem));
  }

  Outcome check_tcp() {
    const unsigned port = ssh_->port();
    if (proxied_) return passed("not checked here: the ProxyCommand makes the connection");
    const auto deadline = Clock::now() + connect_bound();
    std::vector<std::string> tried;
    std::string last_why;
    for (const std::string& address : addresses_) {
      std::string why;
      const int fd = connect_address(address, port, deadline, why);
      const std::string where = address.find(':') == std::string::npos ? fmt::format("{}:{}", address, port)
                                                                       : fmt::format("[{}]:{}", address, port);
      if (fd >= 0) {
        socket_ = fd;
        return passed(fmt::format("{} accepted the connection", where));
      }
      last_why = why;
      tried.push_back(why == std::strerror(ETIMEDOUT)
                          ? fmt::format("{} did not answer within {} ms", where, connect_bound().count())
                          : fmt::format("{}: {}", where, why));
      if (Clock::now() >= deadline) break;
    }
    const std::string detail = fmt::format("{}", fmt::join(tried, "; "));
    if (last_why == std::strerror(ECONNREFUSED))
      return failed(detail, fmt::format("start sshd on the host, or set port in [hosts.{}] to the port it listens on "
                                        "(`ss -ltn` on the host lists them)",
                                        host().name));
    if (last_why == std::strerror(ETIMEDOUT))
      return failed(detail, fmt::format("check that the host is up and that no firewall drops port {} "
                                        "(connect_timeout_ms = {} bounds the wait)",
                                        port, connect_bound().count()));
    return failed(detail, fmt::format("check this machine's route to the host (`ip route get {}`)",
                                      addresses_.empty() ? host().address.value : addresses_.front()));
  }

  Outcome check_host_key() {
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

  Outcome check_auth() {
    const std::string who = fmt::format("{}@{}", user_, ssh_->display());
    const char* agent = std::getenv("SSH_AUTH_SOCK");
    const std::string agent_text = agent && *agent ? "agent at $SSH_AUTH_SOCK" : "no agent ($SSH_AUTH_SOCK unset)";
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

  Outcome check_shell() {
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

  Outcome check_sudo() {
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

  Outcome check_lxc() {
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

  Outcome check_lxcpath() {
    std::string path = host().lxcpath.value;
    std::string source = fmt::format("lxcpath of [hosts.{}]", host().name);
    if (path.empty()) {
      const std::vector<std::string> argv = {"lxc-config", "lxc.lxcpath"};
      const RemoteRun run = remote(tool_line(argv, remote_context()));
      if (!run.finished) return failed(not_finished("lxc-config lxc.lxcpath"), "check the host's load");
      path = first_line(run.out);
      source = "lxc-config lxc.lxcpath";
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
                      source == "lxc-config lxc.lxcpath"
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
  Outcome check_backing_store() {
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

  // The directory nearest to `path` (itself or an ancestor) that exists.
  static std::string nearest_existing(std::string path) {
    struct stat st {};
    while (!path.empty() && path != "/" && ::stat(path.c_str(), &st) != 0) {
      const auto slash = path.rfind('/');
      path = slash == 0 ? "/" : path.substr(0, slash == std::string::npos ? 0 : slash);
    }
    return path.empty() ? "/" : path;
  }

  Outcome check_cache() {
    const std::string& dir = ctx_.paths().cache_dir;
    auto cannot = [&](std::string_view what, int error) {
      const std::string in_the_way = nearest_existing(dir);
      struct stat st {};
      const bool not_a_directory = ::stat(in_the_way.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
      return failed(fmt::format("{}: {}: {}", dir, what, std::strerror(error)),
                    not_a_directory ? fmt::format("{} is not a directory: remove it, or set XDG_CACHE_HOME to a "
                                                  "directory of yours",
                                                  in_the_way)
                                    : fmt::format("chmod u+w {}, or set XDG_CACHE_HOME to a directory of yours",
                                                  in_the_way));
    };
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) return cannot("cannot be created", error.value());
    std::string probe = dir + "/.doctor-XXXXXX";
    const int fd = ::mkstemp(probe.data());
    if (fd < 0) return cannot("cannot write in it", errno);
    ::close(fd);
    ::unlink(probe.c_str());
    std::string about;
    if (host_) {
      const std::string file = container_cache_file(dir, host().name);
      struct stat st {};
      if (::stat(file.c_str(), &st) == 0) {
        const auto age = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now() - std::chrono::system_clock::from_time_t(st.st_mtime))
                             .count();
        about = fmt::format("; {} written {} s ago", file.substr(dir.size() + 1), age);
      }
    }
    return passed(fmt::format("{} is writable{}", dir, about));
  }

  Outcome check_mux_dir() {
    try {
      if (!ctx_.config().mux.enabled.value) return passed("not used (mux.enabled = false or --no-mux)");
    } catch (const Error&) {
      // A broken config is the config check's failure; the directory is still worth checking.
    }
    try {
      const std::string dir = mux::private_dir(ctx_.paths());
      return passed(fmt::format("{} is private (0700, this user's)", dir));
    } catch (const Failure& e) {
      const std::string& dir = ctx_.paths().runtime_dir;
      return failed(e.what(), e.hint().empty() ? fmt::format("remove {} (the mux makes it again, 0700) or set "
                                                             "XDG_RUNTIME_DIR to a directory of yours",
                                                             dir)
                                               : e.hint());
    }
  }

  Context& ctx_;
  std::optional<Setting<std::string>> host_flag_;
  std::optional<HostConfig> host_;
  std::unique_ptr<SshSession> ssh_;
  std::string user_;
  bool proxied_ = false;
  std::vector<std::string> addresses_;
  int socket_ = -1;  // the tcp check's connection, handed to libssh by the host key check
  std::string version_output_;
  int lxc_major_ = 0;
  std::string lxcpath_;
  std::vector<Result> results_;
};

}  // namespace

int run_doctor(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("doctor", args);
  if (!parsed) return 0;
  const std::string host = parsed->value("--host").value_or("");
  std::optional<Setting<std::string>> host_flag;
  if (!host.empty()) host_flag = Setting<std::string>{host, Origin{Origin::Kind::flag, "-H"}};
  Doctor doctor(ctx, std::move(host_flag));
  return doctor.run();
}

}  // namespace lxhost
