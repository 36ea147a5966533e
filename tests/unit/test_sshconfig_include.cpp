// The Include line lxhost puts first in the user's ~/.ssh/config: with_include, without_include
// and has_include over hand-picked and generated user configs.
#include "catch.hpp"

#include "core/config.hpp"
#include "core/sshconfig.hpp"
#include "user_ssh_configs.hpp"

#include <cstddef>
#include <string>
#include <vector>

using namespace lxhost;

TEST_CASE("with_include puts the line first in the file's line-ending style, without_include takes it away",
          "[sshconfig]") {
  const std::string ours(kIncludeLine);
  CHECK(ours == "Include ~/.ssh/config.d/lxhost.conf");
  struct Case {
    std::string user;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"Host a\n  User b\n", ours + "\nHost a\n  User b\n"},
      {"Host a\r\n  User b\r\n", ours + "\r\nHost a\r\n  User b\r\n"},
      {"Host a", ours + "\nHost a"},
      {"Host a\r\n  User b", ours + "\r\nHost a\r\n  User b"},
      {"Host a\n  User b\r\n", ours + "\nHost a\n  User b\r\n"},  // the first line decides
      {"Host a\r", ours + "\nHost a\r"},
      {"", ours + "\n"},
      {"\n", ours + "\n\n"},
      {"\r\n", ours + "\r\n\r\n"},
      {"Match all\n\tUser x\n", ours + "\nMatch all\n\tUser x\n"},
      {"Include ~/.ssh/config.d/lxhost.conf.bak\n", ours + "\nInclude ~/.ssh/config.d/lxhost.conf.bak\n"},
      {"Include ~/.ssh/config.d/lxhost.conf.bak", ours + "\nInclude ~/.ssh/config.d/lxhost.conf.bak"},
      {"Include ~/.ssh/config.d/lxhost.conf ", ours + "\nInclude ~/.ssh/config.d/lxhost.conf "},
      {" Include ~/.ssh/config.d/lxhost.conf\n", ours + "\n Include ~/.ssh/config.d/lxhost.conf\n"},
  };
  for (const Case& c : cases) {
    INFO(toml_string(c.user));
    CHECK_FALSE(has_include(c.user));
    CHECK(without_include(c.user) == c.user);
    const std::string with = with_include(c.user);
    CHECK(with == c.expected);
    CHECK(has_include(with));
    CHECK(with_include(with) == with);
    CHECK(without_include(with) == c.user);
  }
}

TEST_CASE("a file that already has the line", "[sshconfig]") {
  const std::string ours(kIncludeLine);
  SECTION("first, with a line ending") {
    for (const std::string eol : {"\n", "\r\n"}) {
      const std::string text = ours + eol + "Host a" + eol;
      CHECK(has_include(text));
      CHECK(with_include(text) == text);
      CHECK(without_include(text) == "Host a" + eol);
    }
  }
  SECTION("first and only, without a line ending") {
    CHECK(has_include(ours));
    CHECK(with_include(ours) == ours);
    CHECK(without_include(ours).empty());
  }
  SECTION("elsewhere: with_include leaves it alone; without_include only takes the first line") {
    for (const std::string& text : {"Host a\n" + ours + "\n", "# mine\r\n" + ours + "\r\nHost b\r\n", "Host a\n" + ours}) {
      CHECK(has_include(text));
      CHECK(with_include(text) == text);
      CHECK(without_include(text) == text);
    }
  }
  SECTION("lines that start like it but go on are not it") {
    for (const std::string& text : std::vector<std::string>{ours + ".bak\n", ours + ".bak", ours + " \n", ours + "x", ours + "\r\rHost a\n",
                                   "#" + ours + "\n", "include ~/.ssh/config.d/lxhost.conf\n"}) {
      INFO(toml_string(text));
      CHECK_FALSE(has_include(text));
      CHECK(without_include(text) == text);
    }
  }
}

TEST_CASE("property: with_include / without_include over generated user configs", "[sshconfig][property]") {
  testing::UserSshConfigs generate(20240605);
  const std::string ours(kIncludeLine);
  std::size_t crlf_first = 0;
  std::size_t no_final_newline = 0;
  constexpr std::size_t kCases = 5000;
  for (std::size_t i = 0; i < kCases; ++i) {
    const std::string x = generate.next();
    INFO("case " << i << ": " << toml_string(x));
    REQUIRE_FALSE(has_include(x));
    REQUIRE(without_include(x) == x);
    const std::string y = with_include(x);
    const std::size_t newline = x.find('\n');
    const bool crlf = newline != std::string::npos && newline > 0 && x[newline - 1] == '\r';
    if (crlf) ++crlf_first;
    if (!x.empty() && !x.ends_with('\n')) ++no_final_newline;
    REQUIRE(y == ours + (crlf ? "\r\n" : "\n") + x);
    REQUIRE(has_include(y));
    REQUIRE(without_include(y) == x);
    REQUIRE(with_include(y) == y);
  }
  // The generator covers what it claims to.
  CHECK(crlf_first > kCases / 5);
  CHECK(no_final_newline > kCases / 5);
}
