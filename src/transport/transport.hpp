// Runs commands on one container host. The libssh implementation is the real one; unit tests of
// the commands can fake this interface. End-to-end tests always use the real one.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "log.hpp"
#include "paths.hpp"

namespace lxhost {

struct RemoteCommand {
  std::string line;          // what the remote POSIX login shell runs
  bool pty = false;          // request a terminal (raw mode and window size when stdin is one)
  // Without a PTY: the line to run on a second channel when lxhost is interrupted by a signal
  // (named as SSH names it, "INT"), after the signal request: lxc-attach does not forward
  // signals to the process it attached. Empty function: nothing more than the signal request.
  std::function<std::string(std::string_view signal)> on_interrupt;
};

// Where a remote command's output goes. Returning false means the local side is gone
// (stdout closed): the command is ended as a local process would be, by SIGPIPE.
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual bool out(std::string_view bytes) = 0;
  virtual bool err(std::string_view bytes) = 0;
};

// Writes to the local stdout (fd 1) and stderr (fd 2) as bytes arrive.
class LocalOutput : public OutputSink {
 public:
  bool out(std::string_view bytes) override;
  bool err(std::string_view bytes) override;
};

// Collects output in memory (capture()).
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

// Writes all of `bytes` to `fd`, waiting while it would block. False when the reader is gone
// (EPIPE: SIGPIPE is ignored) or another error.
bool write_all(int fd, std::string_view bytes);

// What lxhost does when interrupted during a remote command, with or without the mux: the first
// signal is passed on and the command gets a grace period to end; a second one ends the wait.
class Interruption {
 public:
  static constexpr auto kGrace = std::chrono::seconds(3);
  // The SSH name of the signal to pass on ("INT"), or nullopt when this is the second one.
  std::optional<std::string> take(int signo);
  std::optional<int> signal() const { return signal_; }
  // When to stop waiting for the remote side (nullopt: not interrupted).
  std::optional<std::chrono::steady_clock::time_point> deadline() const { return deadline_; }

 private:
  std::optional<int> signal_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
};

struct Captured {
  int exit_code = 0;
  std::string out;
  std::string err;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Streams stdin to the command and its stdout/stderr to `sink`, separately, as they come.
  // Returns the remote exit code; 128+N when it died of signal N; 128+N when lxhost was
  // interrupted by signal N (the signal is passed on first). Throws ConnectError (exit 255).
  virtual int run(const RemoteCommand& command, OutputSink& sink) = 0;
  // Runs `line` with no input and returns its output.
  virtual Captured capture(const std::string& line) = 0;
  // Joins stdin and stdout to ADDRESS:PORT as the container host reaches it (a direct-tcpip
  // channel), passing EOF on in both directions, until both are done or either side closes.
  // Returns 0. Throws ConnectError when the host cannot open the connection.
  virtual int forward(const std::string& address, int port) = 0;
};

// A `.local` name's addresses, IPv4 first, and when there are none, why ("mDNS found no address
// in time", or what the system resolver said when there was no mDNS daemon to ask).
struct LocalAddresses {
  std::vector<std::string> addresses;
  std::string why_none;
};

// Resolves a `.local` name for a connection: by mDNS; when no mDNS daemon can be asked, by the
// system resolver (after one warning); each within its bound.
using LocalResolver = std::function<LocalAddresses(std::string_view name)>;

// Connects on first use: ~/.ssh/config (from paths.ssh_dir) first, then the TOML values the user
// set; verifies the host key by host.host_key before authenticating (agent, then identity files).
// A `.local` address that ~/.ssh/config does not redirect (HostName, ProxyCommand, ProxyJump) is
// resolved with `resolve_local` and connected here; libssh gets the socket and keeps the name
// for known_hosts.
std::unique_ptr<Transport> make_libssh_transport(const HostConfig& host, const Paths& paths, const Log& log,
                                                 LocalResolver resolve_local);

}  // namespace lxhost
