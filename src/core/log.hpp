// Diagnostics on stderr: warnings (silenced by -q) and debug lines (shown with -v).
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <string_view>

namespace lxhost {

class Log {
 public:
  explicit Log(int verbosity = 0) : verbosity_(verbosity) {}

  template <class... Args>
  void warn(fmt::format_string<Args...> format, Args&&... args) const {
    if (verbosity_ >= 0) line("warning", fmt::format(format, std::forward<Args>(args)...));
  }
  // A line that goes with a failure (as an error's hint does): never silenced.
  template <class... Args>
  void hint(fmt::format_string<Args...> format, Args&&... args) const {
    line("hint", fmt::format(format, std::forward<Args>(args)...));
  }
  template <class... Args>
  void debug(fmt::format_string<Args...> format, Args&&... args) const {
    if (verbosity_ > 0) line("debug", fmt::format(format, std::forward<Args>(args)...));
  }
  bool debugging() const { return verbosity_ > 0; }

 private:
  static void line(std::string_view kind, std::string_view text) {
    fmt::print(stderr, "lxhost: {}: {}\n", kind, text);
    (void)std::fflush(stderr);  // a failed write to stderr has nowhere to be reported
  }
  int verbosity_;
};

}  // namespace lxhost
