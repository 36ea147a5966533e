// The local side of a running command: stdout and stderr written as bytes arrive, and what a
// Ctrl-C means (both transports, direct and through the mux, use these).
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "core/signals.hpp"
#include "core/transport.hpp"
#include "transport/local_output.hpp"

namespace lxhost {

std::optional<std::string> Interruption::take(int signo) {
  if (signal_) {  // a second Ctrl-C: stop waiting for the remote side
    deadline_ = std::chrono::steady_clock::now();
    return std::nullopt;
  }
  signal_ = signo;
  deadline_ = std::chrono::steady_clock::now() + kGrace;
  return std::string(signal_name(signo).value_or("INT"));
}

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

bool LocalOutput::out(std::string_view bytes) { return write_all(STDOUT_FILENO, bytes); }
bool LocalOutput::err(std::string_view bytes) { return write_all(STDERR_FILENO, bytes); }

}  // namespace lxhost
