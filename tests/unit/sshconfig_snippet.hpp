// Rendering the ssh_config snippet from a config file's text, and reading what comes out: the
// rendered `Host *.local` block, or the refusal's message. Shared by test_sshconfig*.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "catch.hpp"
#include "core/config.hpp"
#include "core/errors.hpp"
#include "core/sshconfig.hpp"

namespace lxhost::testing {

// How the tests render: this path to the binary, no -c FILE.
inline const SshConfigRender kHow{"/usr/bin/lxhost", ""};

inline std::string render(std::string_view toml, const SshConfigRender& how = kHow) {
  return render_ssh_config(parse_config(toml, "cfg.toml"), how);
}

// The ConfigError message render_ssh_config throws for the file, or "<rendered>" when it renders.
inline std::string refusal(std::string_view toml) {
  const Config config = parse_config(toml, "cfg.toml");  // outside the try: the file itself is valid
  try {
    render_ssh_config(config, kHow);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<rendered>";
}

// `key = value` on line 2 of `[table]`, so the value sits at cfg.toml:2:(key + 4).
inline std::string one_value(std::string_view table, std::string_view key, std::string_view value) {
  return fmt::format("[{}]\n{} = {}\n", table, key, toml_string(value));
}
inline std::string where_one_value(std::string_view key) { return fmt::format("cfg.toml:2:{}", key.size() + 4); }

// Checks that the file is refused with a message holding every part.
inline void check_refused(std::string_view toml, const std::vector<std::string>& parts) {
  const std::string message = refusal(toml);
  INFO("message: " << message);
  for (const std::string& part : parts) {
    INFO("expected in it: " << part);
    CHECK(message.find(part) != std::string::npos);
  }
}

// The lines of the `Host *.local...` block (its Host line first).
inline std::vector<std::string> local_block(const std::string& text) {
  const std::size_t at = text.find("\nHost *.local");
  REQUIRE(at != std::string::npos);
  std::vector<std::string> lines;
  std::size_t start = at + 1;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    REQUIRE(end != std::string::npos);  // every line ends in LF
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace lxhost::testing
