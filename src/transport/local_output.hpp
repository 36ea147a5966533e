// The local end of a remote command, with or without the mux: stdout and stderr written as bytes
// arrive, and what a signal during the command does.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/transport.hpp"

namespace lxhost {

// Writes to the local stdout (fd 1) and stderr (fd 2) as bytes arrive.
class LocalOutput : public OutputSink {
 public:
  bool out(std::string_view bytes) override;
  bool err(std::string_view bytes) override;
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

}  // namespace lxhost
