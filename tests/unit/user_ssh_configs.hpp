// Generated ~/.ssh/config texts for the property tests of the Include edits and the installer:
// what users really have (LF, CRLF and mixed line endings, no final newline, Host and Match blocks,
// comments, blank lines, their own Include lines, tabs, leading spaces, UTF-8) plus random bytes,
// never holding lxhost's exact Include line.
#pragma once

#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/sshconfig.hpp"

namespace lxhost::testing {

// Whether a line of `text` (split at LF, one trailing CR dropped) is exactly kIncludeLine: the
// generator's own check, written apart from has_include so that it can catch it.
inline bool holds_our_line(std::string_view text) {
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == kIncludeLine) return true;
    start = end + 1;
  }
  return false;
}

class UserSshConfigs {
 public:
  explicit UserSshConfigs(std::mt19937::result_type seed) : random_(seed) {}

  std::string next() {
    for (;;) {
      std::string text = generate();
      if (!holds_our_line(text)) return text;
    }
  }

 private:
  std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_); }
  bool one_in(std::size_t n) { return below(n) == 0; }

  std::string random_bytes() {
    std::string bytes(below(40), '\0');
    for (char& c : bytes) c = static_cast<char>(below(256));
    return bytes;
  }

  std::string line() {
    static const std::vector<std::string> lines = {
        "Host foo.example bar",
        "Host *.local",
        "  HostName 10.0.0.7",
        "\tUser alice",
        "    IdentityFile ~/.ssh/id_rsa",
        "\t  Port 2222",
        "Match host *.corp exec \"test -f /tmp/vpn\"",
        "Match all",
        "Match originalhost build user bob",
        "Include ~/.ssh/other.conf",
        "Include config.d/*",
        "Include ~/.ssh/config.d/lxhost.conf.bak",
        "Include ~/.ssh/config.d/lxhost.conf # mine",
        "Include  ~/.ssh/config.d/lxhost.conf",
        " Include ~/.ssh/config.d/lxhost.conf",
        "include ~/.ssh/config.d/lxhost.conf",
        "#Include ~/.ssh/config.d/lxhost.conf",
        "Include ~/.ssh/config.d/lxhost.con",
        "Include ~/.ssh/config.d/lxhost.conf\t",
        "# a comment",
        "#",
        "",
        "   ",
        "\t",
        "# caf\xC3\xA9 \xE2\x80\x94 na\xC3\xAFve \xE2\x9C\x93 \xE6\x97\xA5\xE6\x9C\xAC",
        "Host \xC3\xBCn\xC3\xAF.example",
        "\xEF\xBB\xBFHost bom.example",
    };
    if (one_in(8)) return random_bytes();
    return lines[below(lines.size())];
  }

  std::string generate() {
    if (one_in(50)) return "";
    if (one_in(50)) return random_bytes();
    enum { lf, crlf, mixed } style = one_in(5) ? mixed : one_in(2) ? lf : crlf;
    std::string text;
    const std::size_t count = 1 + below(12);
    for (std::size_t i = 0; i < count; ++i) {
      text += line();
      const bool last = i + 1 == count;
      if (last && one_in(2)) break;  // no final newline
      const bool use_crlf = style == crlf || (style == mixed && one_in(2));
      text += use_crlf ? "\r\n" : "\n";
    }
    return text;
  }

  std::mt19937 random_;
};

}  // namespace lxhost::testing
