#include "transport/libssh_session.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/discovery.hpp"
#include "core/errors.hpp"
#include "core/host_spec.hpp"
#include "terminal.hpp"
#include "transport/host_keys.hpp"
#include "transport/tcp_connect.hpp"

namespace lxhost {
namespace {

void write_tty(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<size_t>(n));
  }
}

// Asks for a key passphrase on the terminal only; never echoed, never logged.
int ask_passphrase(const char* prompt, char* buffer, size_t length, int /*echo*/, int /*verify*/, void* userdata) {
  // Noted for the error message when no key works: "needs a passphrase" is not "refused".
  *static_cast<bool*>(userdata) = true;
  if (length == 0 || !is_terminal(STDIN_FILENO)) return -1;
  const int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) return -1;
  termios saved{};
  const bool have_mode = ::tcgetattr(tty, &saved) == 0;
  if (have_mode) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  const std::string text = std::string("lxhost: ") + (prompt ? prompt : "Passphrase: ");
  write_tty(tty, text);
  size_t used = 0;
  char c = 0;
  bool ok = false;
  for (;;) {
    const ssize_t n = ::read(tty, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (c == '\n' || c == '\r') {
      ok = true;
      break;
    }
    if (used + 1 < length) buffer[used++] = c;
  }
  buffer[used] = '\0';
  if (have_mode) ::tcsetattr(tty, TCSAFLUSH, &saved);
  write_tty(tty, "\n");
  ::close(tty);
  return ok ? 0 : -1;
}

// A dead link (the laptop slept, the cable is out) is noticed by the kernel: keepalive probes
// while idle, and a bound on unacknowledged data. For every session, the mux master's and a
// direct one's: without it a --no-mux command on a cut link waits for ever.
void keep_alive(int fd) {
  if (fd < 0) return;
  int on = 1, idle = 15, interval = 5, count = 3;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
#ifdef TCP_KEEPIDLE
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
#endif
#ifdef TCP_USER_TIMEOUT
  unsigned timeout_ms = 30000;
  ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout_ms, sizeof(timeout_ms));
#endif
}

std::string option_text(ssh_session session, ssh_options_e option) {
  char* value = nullptr;
  if (ssh_options_get(session, option, &value) != SSH_OK || !value) return {};
  std::string text(value);
  ssh_string_free_char(value);
  return text;
}

}  // namespace

std::unique_ptr<SshSession> SshSession::open(const HostConfig& host, const Paths& paths, const Log& log,
                                             const LocalResolver& resolve_local) {
  std::unique_ptr<SshSession> self = prepare(host, paths);
  const auto started = Clock::now();
  self->connect(host, log, resolve_local);
  self->check_host_key(host, paths, log);
  self->authenticate(host);
  log.debug("authenticated to {} after {} ms", self->display_, elapsed_ms(started));
  return self;
}

std::unique_ptr<SshSession> SshSession::prepare(const HostConfig& host, const Paths& paths) {
  std::unique_ptr<SshSession> self(new SshSession());
  self->handle_.reset(ssh_new());
  if (!self->handle_) throw ConnectError("cannot create an SSH session (out of memory)");
  self->set_options(host, paths);
  return self;
}

void SshSession::connect(const HostConfig& host, const Log& log, const LocalResolver& resolve_local) {
  ssh_session session = get();
  const auto started = Clock::now();
  log.debug("connecting to {} as {} within {} ms", display_, reason_or(option_text(session, SSH_OPTIONS_USER).c_str(), "?"),
            host.connect_timeout_ms.value);
  connect_local_name(host, log, resolve_local);
  if (ssh_connect(session) != SSH_OK)
    throw ConnectError(fmt::format("cannot connect to {}: {}", display_,
                                   reason_or(ssh_get_error(session), "libssh gave no reason")),
                       "check that the host is up and sshd listens on that port");
  log.debug("connected to {} in {} ms", display_, elapsed_ms(started));
  keep_alive(ssh_get_fd(session));
}

void SshSession::use_socket(int fd) {
  if (ssh_options_set(get(), SSH_OPTIONS_FD, &fd) != SSH_OK) {
    ::close(fd);
    throw ConnectError(fmt::format("cannot hand the connection to {} (descriptor {}) to libssh: {}", display_, fd,
                                   reason_or(ssh_get_error(get()), "it gave no reason")));
  }
}

std::string SshSession::known_hosts_file(const HostConfig& host, const Paths& paths) const {
  std::string known_hosts = option_text(get(), SSH_OPTIONS_KNOWNHOSTS);
  if (known_hosts.empty()) known_hosts = expand_tilde(host.known_hosts.value, paths.home);
  return known_hosts;
}

std::string SshSession::option(ssh_options_e which) const { return option_text(get(), which); }

void SshSession::check_host_key(const HostConfig& host, const Paths& paths, const Log& log) {
  verify_host_key(get(), host.host_key.value, known_hosts_file(host, paths), display_, log);
}

void SshSession::lost(const char* during) const {
  const std::string why = ssh_get_error(handle_.get());
  throw ConnectError(fmt::format("connection to {} lost {}{}{}", display_, during, why.empty() ? "" : ": ", why));
}

void SshSession::set_options(const HostConfig& host, const Paths& paths) {
  ssh_session session = get();
  // `shown`: the value as text, for the message (libssh often gives no reason of its own).
  auto set = [&](ssh_options_e option, const void* value, const char* what, const std::string& shown) {
    if (ssh_options_set(session, option, value) != SSH_OK)
      throw ConnectError(fmt::format("cannot set {} to '{}' for {}: {}", what, shown, host.name,
                                     reason_or(ssh_get_error(session), "libssh refused the value without a reason")));
  };
  // This order: HOST, then ~/.ssh/config, then only the TOML values the user set, so that
  // ~/.ssh/config keeps deciding what the user did not set in lxhost's config.
  // SSH_DIR first: libssh would otherwise take ~ from the passwd entry, not $HOME.
  set(SSH_OPTIONS_HOST, host.address.value.c_str(), "the host", host.address.value);
  set(SSH_OPTIONS_SSH_DIR, paths.ssh_dir.c_str(), "the ssh directory", paths.ssh_dir);
  if (ssh_options_parse_config(session, nullptr) != SSH_OK)
    throw ConfigError(fmt::format("{}/config: cannot be parsed by libssh: {}", paths.ssh_dir,
                                  reason_or(ssh_get_error(session), "it gave no reason")));
  if (host.port.user_set()) {
    const unsigned port = static_cast<unsigned>(host.port.value);
    set(SSH_OPTIONS_PORT, &port, "the port", std::to_string(port));
  }
  if (host.user.user_set() && !host.user.value.empty())
    set(SSH_OPTIONS_USER, host.user.value.c_str(), "the user", host.user.value);
  if (host.identity_file.user_set() && !host.identity_file.value.empty()) {
    const std::string identity = expand_tilde(host.identity_file.value, paths.home);
    set(SSH_OPTIONS_ADD_IDENTITY, identity.c_str(), "the identity file", identity);
  }
  if (host.known_hosts.user_set() && !host.known_hosts.value.empty()) {
    const std::string known_hosts = expand_tilde(host.known_hosts.value, paths.home);
    set(SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str(), "the known_hosts file", known_hosts);
  }
  // The connect bound is lxhost's promise: always applied.
  const long seconds = host.connect_timeout_ms.value / 1000;
  const long micros = (host.connect_timeout_ms.value % 1000) * 1000L;
  const std::string bound = fmt::format("{} ms", host.connect_timeout_ms.value);
  set(SSH_OPTIONS_TIMEOUT, &seconds, "the connect timeout", bound);
  set(SSH_OPTIONS_TIMEOUT_USEC, &micros, "the connect timeout", bound);
  reply_bound_ = std::chrono::milliseconds(host.connect_timeout_ms.value);
  const int nodelay = 1;
  set(SSH_OPTIONS_NODELAY, &nodelay, "TCP_NODELAY", "on");
  ssh_options_get_port(session, &port_);
  display_ = endpoint_text("", host.address.value, static_cast<int>(port_));
}

// A `.local` name is resolved by mDNS here, IPv4 first, and the socket handed to libssh, which
// keeps the name for known_hosts: system resolvers stall on `.local` names (macOS waits ~5 s for
// an AAAA that never comes). Not when ~/.ssh/config redirects the host.
void SshSession::connect_local_name(const HostConfig& host, const Log& log, const LocalResolver& resolve_local) {
  const std::string& name = host.address.value;
  ssh_session session = get();
  if (!is_local_name(name) || !resolve_local) return;
  if (option_text(session, SSH_OPTIONS_HOST) != name) return;  // ~/.ssh/config's HostName replaced it
  // ProxyCommand, or ProxyJump (which libssh 0.10 turns into a ProxyCommand).
  if (!option_text(session, SSH_OPTIONS_PROXYCOMMAND).empty()) return;
  const LocalAddresses found = resolve_local(name);
  const std::vector<std::string>& addresses = found.addresses;
  if (addresses.empty())
    throw ConnectError(fmt::format("cannot resolve {}: {}", name, found.why_none),
                       "is the host up and announcing its name? `lxhost resolve NAME` and `lxhost discover` show "
                       "what mDNS sees");
  log.debug("{} is {}", name, fmt::join(addresses, ", "));
  int fd = connect_first(addresses, port_, std::chrono::milliseconds(host.connect_timeout_ms.value), name);
  if (ssh_options_set(session, SSH_OPTIONS_FD, &fd) != SSH_OK) {
    ::close(fd);
    throw ConnectError(fmt::format("cannot hand the connection to {} (descriptor {}) to libssh: {}", name, fd,
                                   reason_or(ssh_get_error(session), "it gave no reason")));
  }
}

void SshSession::authenticate(const HostConfig& host) {
  ssh_session session = get();
  callbacks_.auth_function = ask_passphrase;
  callbacks_.userdata = &passphrase_wanted_;
  ssh_callbacks_init(&callbacks_);
  ssh_set_callbacks(session, &callbacks_);
  std::string user = option_text(session, SSH_OPTIONS_USER);
  if (user.empty()) user.push_back('?');  // not `= "?"`: GCC 12 -Wrestrict false positive
  // Agent first, then the identity files (the configured one, ~/.ssh/config's, libssh's defaults).
  const int rc = ssh_userauth_publickey_auto(session, nullptr, nullptr);
  if (rc == SSH_AUTH_SUCCESS) return;
  if (rc == SSH_AUTH_ERROR) lost("while authenticating");
  if (passphrase_wanted_ && !is_terminal(STDIN_FILENO))
    throw NeedsTerminal(fmt::format("{}@{}: a key needs its passphrase and there is no terminal to ask on", user,
                                   display_),
                       "add the key to your ssh-agent (ssh-add), or run lxhost on a terminal");
  const bool configured = host.identity_file.user_set() && !host.identity_file.value.empty();
  throw ConnectError(
      fmt::format("{}@{} refused every key offered (agent, {})", user, display_,
                  configured ? host.identity_file.value : "default identity files"),
      fmt::format("add your public key to ~{}/.ssh/authorized_keys on the host, or set identity_file", user));
}

}  // namespace lxhost
