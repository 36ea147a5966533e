// The libssh transport: one exec channel per command on the host's session (libssh_session.cpp),
// driven by an ssh_event loop that also watches stdin and a signal self-pipe.
#include <fcntl.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/remote_line.hpp"
#include "core/signals.hpp"
#include "core/transport.hpp"
#include "terminal.hpp"
#include "transport/libssh_channel.hpp"
#include "transport/libssh_handles.hpp"
#include "transport/libssh_session.hpp"
#include "transport/libssh_transport.hpp"
#include "transport/local_output.hpp"

namespace lxhost {
namespace {

int on_fd_ready(socket_t fd, int revents, void* userdata);

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

// Copies stdin into a channel as fast as the channel's window allows, then passes EOF on. stdin is
// watched by the event loop only while the window is open, so a remote side that does not read
// never makes lxhost block in a write.
class StdinPump {
 public:
  StdinPump(EventFds& fds, ssh_channel channel, const SshSession& ssh) : fds_(fds), channel_(channel), ssh_(ssh) {
    if (::fcntl(STDIN_FILENO, F_GETFD) == -1) finish();  // no stdin at all: EOF at once
    else watch(true);
  }
  ~StdinPump() { watch(false); }
  StdinPump(const StdinPump&) = delete;
  StdinPump& operator=(const StdinPump&) = delete;

  // After each ssh_event_dopoll.
  void step() {
    if (ready_) {
      ready_ = 0;
      const uint32_t window = ssh_channel_window_size(channel_);
      if (window == 0) {
        watch(false);  // resumed below once the remote side reads again
      } else {
        const ssize_t n = ::read(STDIN_FILENO, buffer_.data(), std::min<size_t>(buffer_.size(), window));
        if (n > 0) {
          if (ssh_channel_write(channel_, buffer_.data(), static_cast<uint32_t>(n)) == SSH_ERROR)
            ssh_.lost("while sending input");
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
          finish();
        }
      }
    }
    if (open_ && !watched_ && ssh_channel_window_size(channel_) > 0) watch(true);
  }
  bool open() const { return open_; }

 private:
  void watch(bool on) {
    if (on == watched_) return;
    if (on) fds_.add(STDIN_FILENO, &ready_);
    else fds_.remove(STDIN_FILENO);
    watched_ = on;
  }
  void finish() {
    watch(false);
    open_ = false;
    ssh_channel_send_eof(channel_);
  }

  EventFds& fds_;
  ssh_channel channel_;
  const SshSession& ssh_;
  int ready_ = 0;
  bool open_ = true;
  bool watched_ = false;
  std::vector<char> buffer_ = std::vector<char>(std::size_t{64} * 1024);
};

// fd callbacks of the event loop only note readiness; the loop acts after ssh_event_dopoll returns,
// so no libssh call is made from inside libssh's own polling.
int on_fd_ready(socket_t, int revents, void* userdata) {
  *static_cast<int*>(userdata) |= revents;
  return 0;
}

class LibsshTransport : public Transport {
 public:
  LibsshTransport(HostConfig host, Paths paths, const Log& log, LocalResolver resolve_local)
      : host_(std::move(host)), paths_(std::move(paths)), log_(log), resolve_local_(std::move(resolve_local)) {}
  // Over a session that is already open, and stays its owner's.
  LibsshTransport(SshSession& session, HostConfig host, const Log& log)
      : host_(std::move(host)), log_(log), borrowed_(&session) {}

  int run(const RemoteCommand& command, OutputSink& sink) override;
  Captured capture(const std::string& line) override;
  int forward(const std::string& address, int port) override;
  void exchange(const std::string& socket, std::string_view request, const std::function<bool(std::string_view)>& take,
                std::chrono::milliseconds bound) override;

 private:
  // Connects on first use.
  SshSession& session() {
    if (borrowed_ != nullptr) return *borrowed_;
    if (!session_) session_ = SshSession::open(host_, paths_, log_, resolve_local_);
    return *session_;
  }
  // `term`: the PTY's terminal type, or nullptr for no PTY.
  ChannelPtr open_exec(const std::string& line, ChannelState& state, const std::string* term);

  HostConfig host_;
  Paths paths_;
  const Log& log_;
  LocalResolver resolve_local_;
  std::unique_ptr<SshSession> session_;
  SshSession* borrowed_ = nullptr;
};

ChannelPtr LibsshTransport::open_exec(const std::string& line, ChannelState& state, const std::string* term) {
  if (term == nullptr) return open_exec_channel(session(), line, state, nullptr);
  const WindowSize size = terminal_size();
  const PtyRequest request{*term, size.cols, size.rows};
  return open_exec_channel(session(), line, state, &request);
}

int LibsshTransport::run(const RemoteCommand& command, OutputSink& sink) {
  require_line_fits(command.line, "the remote command", {});
  SshSession& ssh = session();
  ssh_session s = ssh.get();
  SignalWatch signals{SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH};
  std::optional<RawMode> raw;
  if (command.pty && is_terminal(STDIN_FILENO)) raw.emplace(STDIN_FILENO);

  ChannelState state;
  state.sink = &sink;
  const auto started = Clock::now();
  ChannelPtr channel = open_exec(command.line, state, command.pty ? &command.term : nullptr);
  const ChannelRelease release(channel, state);
  log_.debug("command started in {} ms", elapsed_ms(started));

  EventPtr event(ssh_event_new());
  if (!event || ssh_event_add_session(event.get(), s) != SSH_OK) ssh.lost("while waiting");
  int signal_ready = 0;
  EventFds fds(event.get());
  fds.add(signals.fd(), &signal_ready);
  StdinPump input(fds, channel.get(), ssh);

  Interruption interruption;
  ChannelState side_state;
  StringSink side_sink;
  side_state.sink = &side_sink;
  ChannelPtr side_channel;
  const ChannelRelease release_side(side_channel, side_state);

  // After an interrupt, also wait (within the grace period) for the side command to finish.
  auto done = [&] {
    return state.local_output_gone || (state.closed && (!side_channel || side_state.closed));
  };
  while (!done()) {
    int timeout_ms = -1;
    if (const auto deadline = interruption.deadline()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) break;
      timeout_ms = static_cast<int>(left);
    }
    poll_session(ssh, event.get(), timeout_ms, "while the command ran");

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
        const auto passed_on = interruption.take(signo);
        if (!passed_on) continue;
        log_.debug("passing signal {} on to the remote command", signo);
        const std::string& name = *passed_on;
        ssh_channel_request_send_signal(channel.get(), name.c_str());
        if (!command.pty && command.on_interrupt) {
          side_channel = open_exec(command.on_interrupt(name), side_state, nullptr);
          ssh_channel_send_eof(side_channel.get());
        }
      }
    }

    input.step();
  }
  log_.debug("command ended after {} ms", elapsed_ms(started));

  if (const auto signo = interruption.signal()) return 128 + *signo;
  if (state.local_output_gone) return 128 + SIGPIPE;
  return mux::exit_code_of(channel_end(state, ssh.display()), ssh.display());
}

Captured LibsshTransport::capture(const std::string& line) {
  require_line_fits(line, "the remote command", {});
  SshSession& ssh = session();
  ssh_session s = ssh.get();
  StringSink sink;
  ChannelState state;
  state.sink = &sink;
  ChannelPtr channel = open_exec(line, state, nullptr);
  const ChannelRelease release(channel, state);
  ssh_channel_send_eof(channel.get());
  EventPtr event(ssh_event_new());
  if (!event || ssh_event_add_session(event.get(), s) != SSH_OK) ssh.lost("while waiting");
  while (!state.closed) poll_session(ssh, event.get(), -1, "while the command ran");
  return Captured{mux::exit_code_of(channel_end(state, ssh.display()), ssh.display()), std::move(sink.out_), std::move(sink.err_)};
}

int LibsshTransport::forward(const std::string& address, int port) {
  SshSession& ssh = session();
  ssh_session s = ssh.get();
  LocalOutput local;
  ChannelState state;
  state.sink = &local;
  ChannelPtr channel = open_forward_channel(ssh, state, ForwardTarget{address, port, {}});
  const ChannelRelease release(channel, state);

  EventPtr event(ssh_event_new());
  if (!event || ssh_event_add_session(event.get(), s) != SSH_OK) ssh.lost("while waiting");
  EventFds fds(event.get());
  StdinPump input(fds, channel.get(), ssh);
  bool stdout_open = true;
  while (!state.closed && !state.local_output_gone && (stdout_open || input.open())) {
    poll_session(ssh, event.get(), -1, "while forwarding");
    if (state.eof && stdout_open) {
      ::close(STDOUT_FILENO);  // the reader (ssh) sees the remote side's EOF
      stdout_open = false;
    }
    input.step();
  }
  return 0;
}

// The far end's bytes to `take` until it says the answer is complete. It is called from libssh's
// callbacks (C): what `take` throws (an answer that is no HTTP) is kept, and rethrown after.
class TakeSink : public OutputSink {
 public:
  explicit TakeSink(const std::function<bool(std::string_view)>& take) : take_(take) {}
  bool out(std::string_view bytes) override {
    if (done_) return true;
    try {
      done_ = take_(bytes);
    } catch (...) {
      thrown_ = std::current_exception();
      done_ = true;
    }
    return true;
  }
  bool err(std::string_view /*bytes*/) override { return true; }  // a socket has no stderr
  // True once the answer is complete, or `take` threw: then this rethrows it.
  bool done() const {
    if (thrown_) std::rethrow_exception(thrown_);
    return done_;
  }

 private:
  const std::function<bool(std::string_view)>& take_;
  bool done_ = false;
  std::exception_ptr thrown_;
};

void LibsshTransport::exchange(const std::string& socket, std::string_view request,
                               const std::function<bool(std::string_view)>& take, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  SshSession& ssh = session();
  TakeSink sink(take);
  ChannelState state;
  state.sink = &sink;
  const ForwardTarget target{{}, 0, socket};
  ChannelPtr channel = open_forward_channel(ssh, state, target);
  const ChannelRelease release(channel, state);
  for (std::size_t sent = 0; sent < request.size();) {
    const std::size_t piece = std::min<std::size_t>(request.size() - sent, 32768);
    const int n = ssh_channel_write(channel.get(), request.data() + sent, static_cast<std::uint32_t>(piece));
    if (n <= 0) ssh.lost("while sending to the host's unix socket");
    sent += static_cast<std::size_t>(n);
  }
  EventPtr event(ssh_event_new());
  if (!event || ssh_event_add_session(event.get(), ssh.get()) != SSH_OK) ssh.lost("while waiting");
  while (!sink.done() && !state.eof && !state.closed) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      throw ConnectError(fmt::format("{}: no answer from {} within {} ms", ssh.display(), target.describe(), bound.count()));
    poll_session(ssh, event.get(), static_cast<int>(std::min<long long>(left.count(), 1000)), "while waiting for the host's unix socket");
  }
  (void)sink.done();  // what `take` threw with the last bytes
}

}  // namespace

std::unique_ptr<Transport> make_libssh_transport(const HostConfig& host, const Paths& paths, const Log& log,
                                                 LocalResolver resolve_local) {
  return std::make_unique<LibsshTransport>(host, paths, log, std::move(resolve_local));
}

std::unique_ptr<Transport> make_libssh_transport(SshSession& session, const HostConfig& host, const Log& log) {
  return std::make_unique<LibsshTransport>(session, host, log);
}

}  // namespace lxhost
