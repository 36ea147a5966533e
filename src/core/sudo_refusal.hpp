// Tells sudo's own refusals ("a password is required", "not allowed to execute") from the remote
// tool's output, without delaying that output: only a first stderr line that starts like one of
// sudo's messages is held back until it is complete.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lxhost {

enum class SudoRefusal { password_required, not_allowed };

class SudoRefusalFilter {
 public:
  // Feed stderr bytes as they arrive; returns the bytes to write to stderr now.
  std::string feed(std::string_view chunk);
  // Call once stdout produced bytes: sudo has run the tool, so nothing is held back any more.
  std::string saw_stdout();
  // At the end: with the exit code, whether sudo refused. When it did, the held-back line is
  // swallowed (the caller prints its own error); otherwise it is returned in `flush`.
  struct Verdict {
    std::optional<SudoRefusal> refusal;
    std::string flush;
  };
  Verdict finish(int exit_code);

 private:
  enum class State { first_line, passing };
  State state_ = State::first_line;
  std::string held_;
  std::optional<SudoRefusal> matched_;
};

}  // namespace lxhost
