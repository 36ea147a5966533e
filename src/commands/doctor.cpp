// `doctor [-H HOST | --all-hosts]`: every link from the config to a snapshot clone, checked in order and timed,
// each failure with one concrete fix. The remote checks share ONE libssh session of their own
// (never the mux master's), built stage by stage so each stage is timed on its own.
#include "commands/doctor_checks.hpp"

namespace lxhost {
namespace doctor {

int Doctor::run() {
  // The list is chosen again after each check: once config has found the host, an LXD host's
  // (the two lists begin alike).
  const auto list = [this] { return doctor::checks(host_ && host_->backend.value == Backend::lxd); };
  for (std::size_t i = 0; i < list().size(); ++i) {
    const doctor::CheckSpec& check = list()[i];
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

Outcome Doctor::run_check(Check id) {
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
    case Check::lxd_socket: return check_lxd_socket();
    case Check::lxd_server: return check_lxd_server();
    case Check::lxd_members: return check_lxd_members();
    case Check::lxd_storage: return check_lxd_storage();
    case Check::lxd_copy: return check_lxd_copy();
    case Check::cache: return check_cache();
    case Check::mux_dir: return check_mux_dir();
  }
  return failed("unknown check", "report this as a bug");
}

Outcome Doctor::check_config() {
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
  return passed(fmt::format("{}: host {} is {}, {}", source.empty() ? "built-in defaults" : source, host().name,
                            endpoint_text(user_, host().address.value, static_cast<int>(ssh_->port())),
                            host().backend.value == Backend::lxd ? "backend lxd (no sudo: LXD trusts the user)"
                                                                 : host().sudo.value ? "sudo -n" : "sudo off"));
}

Outcome Doctor::check_name() {
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
  // A .local name: resolved as a connection resolves it (Context::resolve_local: mDNS, the system
  // resolver only when there is no mDNS daemon to ask); the system resolver's answer is shown too.
  const auto started = Clock::now();
  const LocalAddresses local = ctx_.resolve_local(name);
  addresses_ = local.addresses;
  const bool mdns_missing = !local.mdns_unavailable.empty();
  std::string detail;
  if (mdns_missing) {
    detail = fmt::format("{}: mDNS: not available ({}); {}", name, local.mdns_unavailable,
                         addresses_.empty() ? local.why_none
                                            : fmt::format("system: {} ({} ms)", fmt::join(addresses_, ", "), ms_since(started)));
  } else {
    const std::string mdns_text =
        addresses_.empty() ? fmt::format("mDNS ({}): no answer within {} ms", ctx_.discovery().backend(), bound.count())
                           : fmt::format("mDNS ({}): {} ({} ms)", ctx_.discovery().backend(), fmt::join(addresses_, ", "),
                                         ms_since(started));
    system_answer(system_text);
    detail = fmt::format("{}: {}; {}", name, mdns_text, system_text);
  }
  if (!addresses_.empty())
    return passed(mdns_missing ? detail + " (lxhost uses the system resolver when mDNS is not available)" : detail);
  if (mdns_missing)
    return failed(detail, "start avahi-daemon on this machine (lxhost asks it for .local names), or put the "
                          "host's address in address = \"...\"");
  const std::string stem = name.substr(0, name.size() - std::string_view(".local").size());
  return failed(detail, fmt::format("on the host, set host-name={} in [server] and publish-addresses=yes in [publish] "
                                    "of /etc/avahi/avahi-daemon.conf and restart avahi-daemon (`lxhost discover` "
                                    "shows what answers here)",
                                    stem));
}

Outcome Doctor::check_tcp() {
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

// The directory nearest to `path` (itself or an ancestor) that exists.
std::string Doctor::nearest_existing(std::string path) {
  struct stat st {};
  while (!path.empty() && path != "/" && ::stat(path.c_str(), &st) != 0) {
    const auto slash = path.rfind('/');
    path = slash == 0 ? "/" : path.substr(0, slash == std::string::npos ? 0 : slash);
  }
  return path.empty() ? "/" : path;
}

Outcome Doctor::check_cache() {
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

Outcome Doctor::check_mux_dir() {
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

}  // namespace doctor

namespace {

// `doctor --all-hosts`: each configured host's checks in turn, under its name, as `doctor -H
// HOST` would run them; exit 1 when any check of any host failed.
int doctor_all_hosts(Context& ctx, const std::string& host) {
  ctx.refuse_one_host("doctor", host);
  std::vector<std::string> names;
  try {
    names = ctx.config().host_names();
  } catch (const ConfigError&) {
    return doctor::Doctor(ctx, std::nullopt).run();  // its config check says what is wrong, and the fix
  }
  int status = exit_code::ok;
  for (std::size_t i = 0; i < names.size(); ++i) {
    fmt::print("{}{}:\n", i == 0 ? "" : "\n", names[i]);
    doctor::Doctor doctor(ctx, Setting<std::string>{names[i], Origin{Origin::Kind::flag, "-H"}});
    if (doctor.run() != exit_code::ok) status = exit_code::failure;
  }
  return status;
}

}  // namespace

int run_doctor(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("doctor", args);
  if (!parsed) return 0;
  const std::string host = parsed->value("--host").value_or("");
  if (parsed->has("--all-hosts")) return doctor_all_hosts(ctx, host);
  std::optional<Setting<std::string>> host_flag;
  if (!host.empty()) host_flag = Setting<std::string>{host, Origin{Origin::Kind::flag, "-H"}};
  doctor::Doctor doctor(ctx, std::move(host_flag));
  return doctor.run();
}

}  // namespace lxhost
