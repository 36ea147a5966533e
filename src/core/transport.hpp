// Runs commands on one container host: the interface. The real ones are libssh's
// (transport/libssh_transport.hpp) and the mux client's (mux/client.hpp); unit tests of the
// commands fake it (tests/commands/fakes.hpp). End-to-end tests always use the real ones.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"

namespace lxhost {

struct RemoteCommand {
  std::string line;          // what the remote POSIX login shell runs
  bool pty = false;          // request a terminal (raw mode and window size when stdin is one)
  std::string term = "xterm";  // the PTY's terminal type (terminal_type() of the local $TERM)
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
  // One exchange with a unix socket on the host (a direct-streamlocal channel: LXD's API): the
  // request's bytes are sent, then what comes back is handed to `take` as it comes, until `take`
  // returns true (the answer is complete) or the far end closes. Throws ConnectError when the
  // host cannot open the socket, the session is lost, or no complete answer came within `bound`.
  virtual void exchange(const std::string& socket, std::string_view request,
                        const std::function<bool(std::string_view)>& take, std::chrono::milliseconds bound) = 0;
};

// A `.local` name's addresses, IPv4 first, and when there are none, why ("mDNS found no address
// in time", or what the system resolver said when there was no mDNS daemon to ask).
struct LocalAddresses {
  std::vector<std::string> addresses;
  std::string why_none;
  // Why no mDNS daemon could be asked, when none could: the addresses are the system resolver's.
  std::string mdns_unavailable;
};

// Resolves a `.local` name for a connection: by mDNS; when no mDNS daemon can be asked, by the
// system resolver (after one warning); each within its bound.
using LocalResolver = std::function<LocalAddresses(std::string_view name)>;

}  // namespace lxhost
