#include "transport/libssh_channel.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/signals.hpp"

namespace lxhost {

using Clock = std::chrono::steady_clock;

namespace {

int on_channel_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr, void* userdata) {
  auto* state = static_cast<ChannelState*>(userdata);
  if (state->hold) return 0;  // libssh keeps it
  const std::string_view bytes(static_cast<const char*>(data), len);
  if (!state->local_output_gone) {
    const bool ok = is_stderr ? state->sink->err(bytes) : state->sink->out(bytes);
    if (!ok && !is_stderr) state->local_output_gone = true;
  }
  return static_cast<int>(len);
}

void on_channel_close(ssh_session, ssh_channel, void* userdata) { static_cast<ChannelState*>(userdata)->closed = true; }

void on_channel_eof(ssh_session, ssh_channel, void* userdata) { static_cast<ChannelState*>(userdata)->eof = true; }

void on_exit_status(ssh_session, ssh_channel, int status, void* userdata) {
  static_cast<ChannelState*>(userdata)->exit_status = status;
}

void on_exit_signal(ssh_session, ssh_channel, const char* signal, int, const char*, const char*, void* userdata) {
  static_cast<ChannelState*>(userdata)->exit_signal = signal ? signal : "";
}

}  // namespace

void install_callbacks(ssh_channel channel, ChannelState& state) {
  state.callbacks = {};
  state.callbacks.userdata = &state;
  state.callbacks.channel_data_function = on_channel_data;
  state.callbacks.channel_close_function = on_channel_close;
  state.callbacks.channel_eof_function = on_channel_eof;
  state.callbacks.channel_exit_status_function = on_exit_status;
  state.callbacks.channel_exit_signal_function = on_exit_signal;
  ssh_callbacks_init(&state.callbacks);
  ssh_set_channel_callbacks(channel, &state.callbacks);
}


void quick_ack(ssh_session session) {
#ifdef TCP_QUICKACK
  if (const int fd = ssh_get_fd(session); fd >= 0) {
    int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof(on));
  }
#else
  (void)session;
#endif
}

namespace {

// Opens a session channel without waiting in a delayed ACK. After a login, sshd sends messages
// that want no reply (hostkeys-00@openssh.com); our kernel delays their ACK (we just sent, so it
// expects to answer with data), and Nagle in sshd holds the channel's confirmation until that ACK
// comes: ~40 ms on every first command. Quick-ACK mode, set after our request went out, avoids it.
// Bounded by `bound` (a dead link would otherwise hold it, and a Ctrl-C with it, for over an hour).
bool open_session_quickly(ssh_session session, ssh_channel channel, std::chrono::milliseconds bound) {
  const int fd = ssh_get_fd(session);
  const auto deadline = Clock::now() + bound;
  ssh_set_blocking(session, 0);
  int rc = ssh_channel_open_session(channel);
  while (rc == SSH_AGAIN && Clock::now() < deadline) {
    quick_ack(session);
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 50);
    rc = ssh_channel_open_session(channel);
  }
  ssh_set_blocking(session, 1);
  return rc == SSH_OK;
}

}  // namespace

void release_held_output(ssh_channel channel, ChannelState& state) {
  char buffer[32 * 1024];
  for (int is_stderr = 0; is_stderr < 2; ++is_stderr) {
    // poll: what the buffer holds (it reads the socket only when that is nothing; data that
    // arrives then goes through the callback, after everything held before it).
    for (int available; !state.hold && (available = ssh_channel_poll(channel, is_stderr)) > 0;) {
      const auto wanted = static_cast<uint32_t>(std::min<int>(available, static_cast<int>(sizeof(buffer))));
      const int n = ssh_channel_read_nonblocking(channel, buffer, wanted, is_stderr);
      if (n <= 0) break;
      on_channel_data(nullptr, channel, buffer, static_cast<uint32_t>(n), is_stderr, &state);
    }
  }
}

void release_channel(ChannelPtr& channel, ChannelState& state) {
  if (!channel) return;
  ssh_remove_channel_callbacks(channel.get(), &state.callbacks);
  channel.reset();
}

ChannelPtr open_exec_channel(SshSession& ssh, const std::string& line, ChannelState& state, const PtyRequest* pty) {
  ChannelPtr channel(ssh_channel_new(ssh.get()));
  if (!channel || !open_session_quickly(ssh.get(), channel.get(), ssh.reply_bound()))
    ssh.lost("while opening a channel");
  install_callbacks(channel.get(), state);
  try {
    if (pty && ssh_channel_request_pty_size(channel.get(), pty->term.empty() ? "xterm" : pty->term.c_str(),
                                            pty->cols, pty->rows) != SSH_OK)
      ssh.lost("while asking for a terminal");
    if (ssh_channel_request_exec(channel.get(), line.c_str()) != SSH_OK) ssh.lost("while starting the command");
  } catch (...) {
    release_channel(channel, state);
    throw;
  }
  return channel;
}


bool wait_on_session(SshSession& ssh, ssh_event event, int timeout_ms) {
  quick_ack(ssh.get());
  const int rc = ssh_event_dopoll(event, timeout_ms);
  return !(rc == SSH_ERROR && errno != EINTR) && ssh_is_connected(ssh.get());
}

void poll_session(SshSession& ssh, ssh_event event, int timeout_ms, const char* during) {
  if (!wait_on_session(ssh, event, timeout_ms)) ssh.lost(during);
}

std::string ForwardTarget::describe() const {
  return socket.empty() ? fmt::format("{} port {}", address, port) : fmt::format("the unix socket {}", socket);
}

namespace {

int open_forward(ssh_channel channel, const ForwardTarget& target) {
  if (!target.socket.empty()) return ssh_channel_open_forward_unix(channel, target.socket.c_str(), "127.0.0.1", 0);
  return ssh_channel_open_forward(channel, target.address.c_str(), target.port, "127.0.0.1", 0);
}

[[noreturn]] void refused(SshSession& ssh, const ForwardTarget& target) {
  const std::string reason = reason_or(ssh_get_error(ssh.get()), "the host refused without a reason");
  if (!ssh_is_connected(ssh.get())) ssh.lost("while opening a channel");
  throw ConnectError(fmt::format("{} cannot open a connection to {}: {}", ssh.display(), target.describe(), reason));
}

// One nonblocking step of the open: SSH_OK, SSH_AGAIN (asked, not answered yet), or the refusal
// thrown. libssh goes on with a pending open when it is called again.
bool forward_step(SshSession& ssh, ssh_channel channel, const ForwardTarget& target) {
  ssh_set_blocking(ssh.get(), 0);
  const int rc = open_forward(channel, target);
  ssh_set_blocking(ssh.get(), 1);
  if (rc == SSH_OK) return true;
  if (rc == SSH_AGAIN) return false;
  refused(ssh, target);
}

}  // namespace

ChannelPtr open_forward_channel(SshSession& ssh, ChannelState& state, const ForwardTarget& target) {
  ChannelPtr channel(ssh_channel_new(ssh.get()));
  if (!channel) ssh.lost("while opening a channel");
  // Callbacks first: the far end (an sshd's banner) may speak as soon as the channel is open.
  install_callbacks(channel.get(), state);
  if (open_forward(channel.get(), target) != SSH_OK) {
    release_channel(channel, state);
    refused(ssh, target);
  }
  return channel;
}

ChannelPtr begin_forward_channel(SshSession& ssh, ChannelState& state, const ForwardTarget& target) {
  ChannelPtr channel(ssh_channel_new(ssh.get()));
  if (!channel) ssh.lost("while opening a channel");
  install_callbacks(channel.get(), state);  // the far end may speak as soon as the channel is open
  try {
    (void)forward_step(ssh, channel.get(), target);
  } catch (...) {
    release_channel(channel, state);
    throw;
  }
  return channel;
}

bool forward_channel_opened(SshSession& ssh, ssh_channel channel, const ForwardTarget& target) {
  return forward_step(ssh, channel, target);
}

mux::ExitReport channel_end(const ChannelState& state, std::string_view display) {
  return mux::channel_end(state.exit_status, state.exit_signal, display);
}

}  // namespace lxhost
