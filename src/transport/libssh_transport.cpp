// The libssh transport: one session per host, one exec channel per command, driven by an
// ssh_event loop that also watches stdin and a signal self-pipe.
#include <fcntl.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "errors.hpp"
#include "signals.hpp"
#include "terminal.hpp"
#include "discovery/discovery.hpp"
#include "transport/host_keys.hpp"
#include "transport/tcp_connect.hpp"
#include "transport/transport.hpp"

namespace lxhost {
namespace {

using Clock = std::chrono::steady_clock;

long long elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

// How long an interrupted command may take to end after the signal was passed on.
constexpr auto kInterruptGrace = std::chrono::seconds(3);

struct SessionDeleter {
  void operator()(ssh_session session) const {
    ssh_disconnect(session);
    ssh_free(session);
  }
};
using SessionPtr = std::unique_ptr<ssh_session_struct, SessionDeleter>;

struct ChannelDeleter {
  void operator()(ssh_channel channel) const {
    if (!ssh_channel_is_closed(channel)) ssh_channel_close(channel);
    ssh_channel_free(channel);
  }
};
using ChannelPtr = std::unique_ptr<ssh_channel_struct, ChannelDeleter>;

int on_fd_ready(socket_t fd, int revents, void* userdata);

struct EventDeleter {
  void operator()(ssh_event event) const { ssh_event_free(event); }
};
using EventPtr = std::unique_ptr<ssh_event_struct, EventDeleter>;

// The fds added to an event; ssh_event_free does not free their poll handles, removal does.
class EventFds {
 public:
  explicit EventFds(ssh_event event) : event_(event) {}
  ~EventFds() {
    for (int fd : fds_) ssh_event_remove_fd(event_, fd);
  }
  EventFds(const EventFds&) = delete;
  EventFds& operator=(const EventFds&) = delete;

  void add(int fd, int* ready) {
    if (ssh_event_add_fd(event_, fd, POLLIN, on_fd_ready, ready) == SSH_OK) fds_.push_back(fd);
  }
  void remove(int fd) {
    const auto it = std::find(fds_.begin(), fds_.end(), fd);
    if (it == fds_.end()) return;
    ssh_event_remove_fd(event_, fd);
    fds_.erase(it);
  }

 private:
  ssh_event event_;
  std::vector<int> fds_;
};

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd, POLLOUT, 0};
        ::poll(&p, 1, -1);
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Collects output in memory, for capture().
class StringSink : public OutputSink {
 public:
  bool out(std::string_view bytes) override {
    out_.append(bytes);
    return true;
  }
  bool err(std::string_view bytes) override {
    err_.append(bytes);
    return true;
  }
  std::string out_, err_;
};

// Throws nothing: libssh calls these from C. They only record what happened.
struct ChannelState {
  OutputSink* sink = nullptr;
  std::optional<int> exit_status;
  std::optional<std::string> exit_signal;
  bool closed = false;
  bool local_output_gone = false;
  ssh_channel_callbacks_struct callbacks{};
};

int on_channel_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr, void* userdata) {
  auto* state = static_cast<ChannelState*>(userdata);
  const std::string_view bytes(static_cast<const char*>(data), len);
  if (!state->local_output_gone) {
    const bool ok = is_stderr ? state->sink->err(bytes) : state->sink->out(bytes);
    if (!ok && !is_stderr) state->local_output_gone = true;
  }
  return static_cast<int>(len);
}

void on_channel_close(ssh_session, ssh_channel, void* userdata) { static_cast<ChannelState*>(userdata)->closed = true; }

void on_exit_status(ssh_session, ssh_channel, int status, void* userdata) {
  static_cast<ChannelState*>(userdata)->exit_status = status;
}

void on_exit_signal(ssh_session, ssh_channel, const char* signal, int, const char*, const char*, void* userdata) {
  static_cast<ChannelState*>(userdata)->exit_signal = signal ? signal : "";
}

void install_callbacks(ssh_channel channel, ChannelState& state) {
  state.callbacks = {};
  state.callbacks.userdata = &state;
  state.callbacks.channel_data_function = on_channel_data;
  state.callbacks.channel_close_function = on_channel_close;
  state.callbacks.channel_exit_status_function = on_exit_status;
  state.callbacks.channel_exit_signal_function = on_exit_signal;
  ssh_callbacks_init(&state.callbacks);
  ssh_set_channel_callbacks(channel, &state.callbacks);
}

bool is_local_name(std::string_view name) {
  if (name.ends_with('.')) name.remove_suffix(1);
  if (name.size() < 7) return false;
  std::string tail(name.substr(name.size() - 6));
  for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return tail == ".local";
}

WindowSize terminal_size() {
  if (auto size = window_size(STDOUT_FILENO)) return *size;
  return window_size(STDIN_FILENO).value_or(WindowSize{});
}

// fd callbacks of the event loop only note readiness; the loop acts after ssh_event_dopoll returns,
// so no libssh call is made from inside libssh's own polling.
int on_fd_ready(socket_t, int revents, void* userdata) {
  *static_cast<int*>(userdata) |= revents;
  return 0;
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
  write_all(tty, text);
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
  write_all(tty, "\n");
  ::close(tty);
  return ok ? 0 : -1;
}

class LibsshTransport : public Transport {
 public:
  LibsshTransport(HostConfig host, Paths paths, const Log& log, LocalResolver resolve_local)
      : host_(std::move(host)), paths_(std::move(paths)), log_(log), resolve_local_(std::move(resolve_local)) {}

  int run(const RemoteCommand& command, OutputSink& sink) override;
  Captured capture(const std::string& line) override;

 private:
  ssh_session session();
  void connect();
  void authenticate(ssh_session session);
  void connect_local_name(ssh_session session);
  std::string display() const { return fmt::format("{}:{}", host_.address.value, port_); }
  ChannelPtr open_exec(const std::string& line, ChannelState& state, bool pty);
  [[noreturn]] void lost(const char* during, ssh_session session = nullptr);

  HostConfig host_;
  Paths paths_;
  const Log& log_;
  LocalResolver resolve_local_;
  SessionPtr session_;
  ssh_callbacks_struct session_callbacks_{};
  unsigned port_ = 22;
  bool passphrase_wanted_ = false;
};

ssh_session LibsshTransport::session() {
  if (!session_) connect();
  return session_.get();
}

void LibsshTransport::lost(const char* during, ssh_session session) {
  if (!session) session = session_.get();
  const std::string why = session ? ssh_get_error(session) : "";
  throw ConnectError(fmt::format("connection to {} lost {}{}{}", display(), during, why.empty() ? "" : ": ", why));
}

void LibsshTransport::connect() {
  SessionPtr session(ssh_new());
  if (!session) throw ConnectError("cannot create an SSH session (out of memory)");
  auto set = [&](ssh_options_e option, const void* value, const char* what) {
    if (ssh_options_set(session.get(), option, value) != SSH_OK)
      throw ConnectError(fmt::format("cannot set {} for {}: {}", what, host_.name, ssh_get_error(session.get())));
  };
  // DESIGN.md's order: HOST, then ~/.ssh/config, then only the TOML values the user set.
  set(SSH_OPTIONS_HOST, host_.address.value.c_str(), "the host");
  set(SSH_OPTIONS_SSH_DIR, paths_.ssh_dir.c_str(), "the ssh directory");
  if (ssh_options_parse_config(session.get(), nullptr) != SSH_OK)
    throw ConfigError(fmt::format("{}/config: cannot be parsed by libssh: {}", paths_.ssh_dir, ssh_get_error(session.get())));
  if (host_.port.user_set()) {
    const unsigned port = static_cast<unsigned>(host_.port.value);
    set(SSH_OPTIONS_PORT, &port, "the port");
  }
  if (host_.user.user_set() && !host_.user.value.empty()) set(SSH_OPTIONS_USER, host_.user.value.c_str(), "the user");
  if (host_.identity_file.user_set() && !host_.identity_file.value.empty()) {
    const std::string identity = expand_tilde(host_.identity_file.value, paths_.home);
    set(SSH_OPTIONS_ADD_IDENTITY, identity.c_str(), "the identity file");
  }
  if (host_.known_hosts.user_set() && !host_.known_hosts.value.empty()) {
    const std::string known_hosts = expand_tilde(host_.known_hosts.value, paths_.home);
    set(SSH_OPTIONS_KNOWNHOSTS, known_hosts.c_str(), "the known_hosts file");
  }
  // The connect bound is lxhost's promise: always applied.
  const long seconds = host_.connect_timeout_ms.value / 1000;
  const long micros = (host_.connect_timeout_ms.value % 1000) * 1000L;
  set(SSH_OPTIONS_TIMEOUT, &seconds, "the connect timeout");
  set(SSH_OPTIONS_TIMEOUT_USEC, &micros, "the connect timeout");
  const int nodelay = 1;
  set(SSH_OPTIONS_NODELAY, &nodelay, "TCP_NODELAY");

  ssh_options_get_port(session.get(), &port_);
  const auto started = Clock::now();
  connect_local_name(session.get());
  if (ssh_connect(session.get()) != SSH_OK)
    throw ConnectError(fmt::format("cannot connect to {}: {}", display(), ssh_get_error(session.get())),
                       "check that the host is up and sshd listens on that port (lxhost -v shows more)");
  log_.debug("connected to {} in {} ms", display(), elapsed_ms(started));

  char* known_hosts_raw = nullptr;
  std::string known_hosts = expand_tilde(host_.known_hosts.value, paths_.home);
  if (ssh_options_get(session.get(), SSH_OPTIONS_KNOWNHOSTS, &known_hosts_raw) == SSH_OK && known_hosts_raw) {
    known_hosts = known_hosts_raw;
    ssh_string_free_char(known_hosts_raw);
  }
  verify_host_key(session.get(), host_.host_key.value, known_hosts, display(), log_);

  session_callbacks_ = {};
  session_callbacks_.auth_function = ask_passphrase;
  session_callbacks_.userdata = &passphrase_wanted_;
  ssh_callbacks_init(&session_callbacks_);
  ssh_set_callbacks(session.get(), &session_callbacks_);
  authenticate(session.get());
  log_.debug("authenticated to {} after {} ms", display(), elapsed_ms(started));
  session_ = std::move(session);
}

// A `.local` name is resolved by mDNS here, IPv4 first, and the socket handed to libssh, which
// keeps the name for known_hosts: system resolvers stall on `.local` names (macOS waits ~5 s for
// an AAAA that never comes). Not when ~/.ssh/config redirects the host.
void LibsshTransport::connect_local_name(ssh_session session) {
  const std::string& name = host_.address.value;
  if (!is_local_name(name) || !resolve_local_) return;
  char* value = nullptr;
  if (ssh_options_get(session, SSH_OPTIONS_HOST, &value) == SSH_OK && value) {
    const bool renamed = name != value;  // ~/.ssh/config's HostName replaced it
    ssh_string_free_char(value);
    if (renamed) return;
  }
  value = nullptr;
  if (ssh_options_get(session, SSH_OPTIONS_PROXYCOMMAND, &value) == SSH_OK && value) {
    ssh_string_free_char(value);  // ProxyCommand, or ProxyJump (which libssh 0.10 turns into one)
    return;
  }
  std::vector<std::string> addresses;
  std::string tried;
  try {
    addresses = resolve_local_(name);
    tried = "mDNS found no address in time";
  } catch (const MdnsUnavailable& e) {
    log_.warn("{}; asking the system resolver for {}", e.what(), name);
    addresses = system_addresses(name);
    tried = "mDNS is not available and the system resolver found no address";
  }
  if (addresses.empty())
    throw ConnectError(fmt::format("cannot resolve {}: {}", name, tried),
                       "is the host up and announcing its name? `lxhost resolve NAME` and `lxhost discover` show "
                       "what mDNS sees");
  log_.debug("{} is {}", name, fmt::join(addresses, ", "));
  int fd = connect_first(addresses, port_, std::chrono::milliseconds(host_.connect_timeout_ms.value), name);
  if (ssh_options_set(session, SSH_OPTIONS_FD, &fd) != SSH_OK) {
    ::close(fd);
    throw ConnectError(fmt::format("cannot hand the connection to {} to libssh: {}", name, ssh_get_error(session)));
  }
}

void LibsshTransport::authenticate(ssh_session session) {
  char* user_raw = nullptr;
  std::string user = "?";
  if (ssh_options_get(session, SSH_OPTIONS_USER, &user_raw) == SSH_OK && user_raw) {
    user = user_raw;
    ssh_string_free_char(user_raw);
  }
  // Agent first, then the identity files (the configured one, ~/.ssh/config's, libssh's defaults).
  const int rc = ssh_userauth_publickey_auto(session, nullptr, nullptr);
  if (rc == SSH_AUTH_SUCCESS) return;
  if (rc == SSH_AUTH_ERROR) lost("while authenticating", session);
  if (passphrase_wanted_ && !is_terminal(STDIN_FILENO))
    throw ConnectError(fmt::format("{}@{}: a key needs its passphrase and there is no terminal to ask on", user,
                                   display()),
                       "add the key to your ssh-agent (ssh-add), or run lxhost on a terminal");
  throw ConnectError(
      fmt::format("{}@{} refused every key offered (agent{}{})", user, display(),
                  host_.identity_file.user_set() ? ", " : ", default identity files",
                  host_.identity_file.user_set() ? host_.identity_file.value : ""),
      fmt::format("add your public key to ~{}/.ssh/authorized_keys on the host, or set identity_file", user));
}

ChannelPtr LibsshTransport::open_exec(const std::string& line, ChannelState& state, bool pty) {
  ssh_session s = session();
  ChannelPtr channel(ssh_channel_new(s));
  if (!channel || ssh_channel_open_session(channel.get()) != SSH_OK) lost("while opening a channel");
  install_callbacks(channel.get(), state);
  if (pty) {
    const WindowSize size = terminal_size();
    const char* term = std::getenv("TERM");
    if (ssh_channel_request_pty_size(channel.get(), term && *term ? term : "xterm", size.cols, size.rows) != SSH_OK)
      lost("while asking for a terminal");
  }
  if (ssh_channel_request_exec(channel.get(), line.c_str()) != SSH_OK) lost("while starting the command");
  return channel;
}

// Exit code of a finished channel, per DESIGN.md.
int exit_code_of(const ChannelState& state, const std::string& display) {
  if (state.exit_status) return *state.exit_status;
  if (state.exit_signal) {
    if (auto number = signal_number(*state.exit_signal)) return 128 + *number;
    throw ConnectError(fmt::format("the command on {} died of an unknown signal '{}'", display, *state.exit_signal));
  }
  throw ConnectError(fmt::format("the channel to {} closed without an exit status", display));
}

int LibsshTransport::run(const RemoteCommand& command, OutputSink& sink) {
  ssh_session s = session();
  SignalWatch signals{SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH};
  std::optional<RawMode> raw;
  if (command.pty && is_terminal(STDIN_FILENO)) raw.emplace(STDIN_FILENO);

  ChannelState state;
  state.sink = &sink;
  const auto started = Clock::now();
  ChannelPtr channel = open_exec(command.line, state, command.pty);
  log_.debug("command started in {} ms", elapsed_ms(started));

  EventPtr event(ssh_event_new());
  if (!event || ssh_event_add_session(event.get(), s) != SSH_OK) lost("while waiting");
  int stdin_ready = 0, signal_ready = 0;
  bool stdin_open = ::fcntl(STDIN_FILENO, F_GETFD) != -1;
  bool stdin_watched = false;
  EventFds fds(event.get());
  auto watch_stdin = [&](bool on) {
    if (on == stdin_watched) return;
    if (on) fds.add(STDIN_FILENO, &stdin_ready);
    else fds.remove(STDIN_FILENO);
    stdin_watched = on;
  };
  fds.add(signals.fd(), &signal_ready);
  if (stdin_open) watch_stdin(true);
  else ssh_channel_send_eof(channel.get());

  std::optional<int> interrupted;
  std::optional<Clock::time_point> deadline;
  ChannelState side_state;
  StringSink side_sink;
  side_state.sink = &side_sink;
  ChannelPtr side_channel;
  std::vector<char> buffer(64 * 1024);

  // After an interrupt, also wait (within the grace period) for the side command to finish.
  auto done = [&] {
    return state.local_output_gone || (state.closed && (!side_channel || side_state.closed));
  };
  while (!done()) {
    int timeout_ms = -1;
    if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) break;
      timeout_ms = static_cast<int>(left);
    }
    const int rc = ssh_event_dopoll(event.get(), timeout_ms);
    if (rc == SSH_ERROR && errno != EINTR && !ssh_is_connected(s)) lost("while the command ran");
    if (!ssh_is_connected(s)) lost("while the command ran");

    if (signal_ready) {
      signal_ready = 0;
      for (int signo : signals.take()) {
        if (signo == SIGWINCH) {
          if (command.pty) {
            const WindowSize size = terminal_size();
            ssh_channel_change_pty_size(channel.get(), size.cols, size.rows);
          }
          continue;
        }
        if (interrupted) {  // a second Ctrl-C: stop waiting for the remote side
          deadline = Clock::now();
          continue;
        }
        interrupted = signo;
        deadline = Clock::now() + kInterruptGrace;
        log_.debug("passing signal {} on to the remote command", signo);
        const std::string name(signal_name(signo).value_or("INT"));
        ssh_channel_request_send_signal(channel.get(), name.c_str());
        if (!command.pty && command.on_interrupt) {
          side_channel = open_exec(command.on_interrupt(name), side_state, false);
          ssh_channel_send_eof(side_channel.get());
        }
      }
    }

    if (stdin_ready) {
      stdin_ready = 0;
      const uint32_t window = ssh_channel_window_size(channel.get());
      if (window == 0) {
        watch_stdin(false);  // resumed below once the remote side reads again
      } else {
        const size_t want = std::min<size_t>(buffer.size(), window);
        const ssize_t n = ::read(STDIN_FILENO, buffer.data(), want);
        if (n > 0) {
          if (ssh_channel_write(channel.get(), buffer.data(), static_cast<uint32_t>(n)) == SSH_ERROR)
            lost("while sending input");
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
          watch_stdin(false);
          stdin_open = false;
          ssh_channel_send_eof(channel.get());
        }
      }
    }
    if (stdin_open && !stdin_watched && ssh_channel_window_size(channel.get()) > 0) watch_stdin(true);
  }
  watch_stdin(false);
  log_.debug("command ended after {} ms", elapsed_ms(started));

  if (interrupted) return 128 + *interrupted;
  if (state.local_output_gone) return 128 + SIGPIPE;
  return exit_code_of(state, display());
}

Captured LibsshTransport::capture(const std::string& line) {
  ssh_session s = session();
  StringSink sink;
  ChannelState state;
  state.sink = &sink;
  ChannelPtr channel = open_exec(line, state, false);
  ssh_channel_send_eof(channel.get());
  EventPtr event(ssh_event_new());
  if (!event || ssh_event_add_session(event.get(), s) != SSH_OK) lost("while waiting");
  while (!state.closed) {
    const int rc = ssh_event_dopoll(event.get(), -1);
    if ((rc == SSH_ERROR && errno != EINTR) || !ssh_is_connected(s)) lost("while the command ran");
  }
  return Captured{exit_code_of(state, display()), std::move(sink.out_), std::move(sink.err_)};
}

}  // namespace

bool LocalOutput::out(std::string_view bytes) { return write_all(STDOUT_FILENO, bytes); }
bool LocalOutput::err(std::string_view bytes) { return write_all(STDERR_FILENO, bytes); }

std::unique_ptr<Transport> make_libssh_transport(const HostConfig& host, const Paths& paths, const Log& log,
                                                 LocalResolver resolve_local) {
  return std::make_unique<LibsshTransport>(host, paths, log, std::move(resolve_local));
}

}  // namespace lxhost
