// The error types every part throws. app.cpp is the one place that catches them, prints
// `lxhost: error: WHAT: WHY` (+ an optional hint line) and maps them to exit codes (exit_code below).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace lxhost {

namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int failure = 1;      // resolve found nothing, sudo refused, a file not written...
inline constexpr int usage = 2;        // usage or config error
inline constexpr int interrupted = 130;
inline constexpr int connect = 255;    // could not connect, or the connection was lost
}  // namespace exit_code

class Error : public std::runtime_error {
 public:
  // `message` by reference: runtime_error copies it either way (it has no constructor from string&&).
  Error(int code, const std::string& message, std::string hint = {})
      : std::runtime_error(message), code_(code), hint_(std::move(hint)) {}
  int code() const noexcept { return code_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  int code_;
  std::string hint_;
};

// Bad command line. Exit 2.
struct UsageError : Error {
  explicit UsageError(const std::string& message, std::string hint = {})
      : Error(exit_code::usage, message, std::move(hint)) {}
};

// Bad config; the message starts with FILE:LINE:COL. Exit 2.
struct ConfigError : Error {
  explicit ConfigError(const std::string& message, std::string hint = {})
      : Error(exit_code::usage, message, std::move(hint)) {}
};

// Could not reach, trust or log in to the host, or lost it. Exit 255.
struct ConnectError : Error {
  explicit ConnectError(const std::string& message, std::string hint = {})
      : Error(exit_code::connect, message, std::move(hint)) {}
};

// Authentication needs a terminal that this process does not have (a key's passphrase). Exit 255;
// a mux master reports it so that the client can connect by itself, on its terminal.
struct NeedsTerminal : ConnectError {
  explicit NeedsTerminal(const std::string& message, std::string hint = {})
      : ConnectError(message, std::move(hint)) {}
};

// A remote tool failed and lxhost can say why in one line. Exits with the tool's own status.
struct ToolFailure : Error {
  ToolFailure(int code, const std::string& message, std::string hint = {}) : Error(code, message, std::move(hint)) {}
};

// Anything else that stops a command. Exit 1.
struct Failure : Error {
  explicit Failure(const std::string& message, std::string hint = {})
      : Error(exit_code::failure, message, std::move(hint)) {}
};

// A library's reason for a failure (libssh's ssh_get_error), or `fallback` when it gives none:
// no message may end in an empty reason, so the fallback says what was tried.
inline std::string reason_or(const char* reason, std::string_view fallback) {
  if (reason != nullptr && *reason != '\0') return reason;
  return std::string(fallback);
}

}  // namespace lxhost
