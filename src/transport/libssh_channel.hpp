// One exec channel's state as libssh's callbacks report it, shared by the direct transport and
// the mux master (which runs many such channels on one session).
#pragma once

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include <optional>
#include <string>

#include "core/mux/protocol.hpp"
#include "core/transport.hpp"
#include "transport/libssh_handles.hpp"
#include "transport/libssh_session.hpp"

namespace lxhost {

// Throws nothing: libssh calls these from C. They only record what happened.
struct ChannelState {
  OutputSink* sink = nullptr;
  std::optional<int> exit_status;
  std::optional<std::string> exit_signal;
  bool eof = false;  // the remote side sent EOF
  bool closed = false;
  bool local_output_gone = false;  // sink->out() returned false
  // Leave output in libssh's channel buffer (its window then stays shut: the remote command
  // waits) while the sink's reader is behind; release_held_output() passes it on later.
  bool hold = false;
  ssh_channel_callbacks_struct callbacks{};
};

// Points the channel's callbacks at `state` (which must outlive the channel's use).
void install_callbacks(ssh_channel channel, ChannelState& state);
// Takes `state`'s callbacks off `channel`, then closes and frees it. libssh keeps a channel whose
// far end has not closed yet and would call its callbacks when that close comes: into a state
// that is gone, in a process that goes on (the mux master).
void release_channel(ChannelPtr& channel, ChannelState& state);

// Passes what libssh kept while `state.hold` was set to the sink, in order (each stream on its
// own), and lets the window open again. For a state that no longer holds.
void release_held_output(ssh_channel channel, ChannelState& state);

// release_channel() when the scope ends, however it ends (a session may serve more channels).
class ChannelRelease {
 public:
  ChannelRelease(ChannelPtr& channel, ChannelState& state) : channel_(channel), state_(state) {}
  ~ChannelRelease() { release_channel(channel_, state_); }
  ChannelRelease(const ChannelRelease&) = delete;
  ChannelRelease& operator=(const ChannelRelease&) = delete;

 private:
  ChannelPtr& channel_;
  ChannelState& state_;
};

struct PtyRequest {
  std::string term;  // "" for xterm
  int cols = 80, rows = 24;
};

// sshd sends a command's output, then its exit status and close, without TCP_NODELAY (no PTY):
// Nagle holds the second until the first is ACKed, and a delayed ACK makes that ~40 ms. The
// kernel leaves quick-ACK mode by itself, so loops ask for it before each wait on the session.
void quick_ack(ssh_session session);

// A session channel running `line`, with a terminal when `pty` is given. Throws ConnectError.
ChannelPtr open_exec_channel(SshSession& ssh, const std::string& line, ChannelState& state, const PtyRequest* pty);

// Where a forward channel goes: ADDRESS:PORT as the host reaches it (a direct-tcpip channel), or,
// with `socket` set, a unix socket on the host (a direct-streamlocal channel: LXD's API socket;
// sshd allows it with AllowStreamLocalForwarding and AllowTcpForwarding).
struct ForwardTarget {
  std::string address;
  int port = 0;
  std::string socket;
  // "10.0.3.5 port 22", or "the unix socket /var/lib/lxd/unix.socket", for messages.
  std::string describe() const;
};

// A forward channel to `target`, its callbacks on `state`. Throws ConnectError: the host refused
// this connection (the session goes on), or the session is lost.
ChannelPtr open_forward_channel(SshSession& ssh, ChannelState& state, const ForwardTarget& target);

// The same without waiting for the host, for a loop that serves others meanwhile (the mux master:
// the host's sshd answers a direct-tcpip open only once its own connect is done, which for an
// address that drops packets takes minutes). begin_forward_channel sends the open; each
// forward_channel_opened call (after the session has read more) says whether the host has
// confirmed it. Both throw ConnectError as open_forward_channel does.
ChannelPtr begin_forward_channel(SshSession& ssh, ChannelState& state, const ForwardTarget& target);
bool forward_channel_opened(SshSession& ssh, ssh_channel channel, const ForwardTarget& target);

// One wait on the session's event (quick-ACK first), up to `timeout_ms` (-1: until something
// happens). False when the session is gone.
bool wait_on_session(SshSession& ssh, ssh_event event, int timeout_ms);
// The same, throwing ConnectError ("the connection to HOST was lost DURING") when it is gone.
void poll_session(SshSession& ssh, ssh_event event, int timeout_ms, const char* during);

// How the closed exec channel ended (core/mux/protocol.hpp): the direct transport exits with
// mux::exit_code_of() of it (the direct transport, doctor); the master sends it to its client.
mux::ExitReport channel_end(const ChannelState& state, std::string_view display);

}  // namespace lxhost
