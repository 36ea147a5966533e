// config_template(), the file `config init` writes: it parses to the built-in defaults as shipped,
// and each of its keys, uncommented, is valid and in effect.
#include "catch.hpp"

#include "core/config.hpp"
#include "core/host_spec.hpp"
#include "config_checks.hpp"

#include <fmt/format.h>

#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace lxhost;
using namespace lxhost::testing;

TEST_CASE("the example config parses to the built-in defaults, commented or not", "[config]") {
  const std::string_view example = config_template();
  REQUIRE(!example.empty());
  CHECK(example.find("~/.ssh/config") != std::string_view::npos);
  CHECK(example.find("User, Port, IdentityFile") != std::string_view::npos);

  SECTION("as shipped: every line commented, so built-in defaults") {
    const Config c = parse_config(example, "example.toml");
    check_same_values(c, default_config());
    for (bool set : user_set_flags(c)) CHECK(!set);
  }
  SECTION("uncommented: every key set, to the same values") {
    const std::regex value_line(R"(^# ([A-Za-z_][A-Za-z0-9_]* = .*|\[[A-Za-z_.]+\].*)$)");
    std::istringstream in{std::string{example}};
    std::string text;
    std::size_t uncommented = 0;
    for (std::string line; std::getline(in, line);) {
      if (std::regex_match(line, value_line)) {
        line.erase(0, 2);
        ++uncommented;
      }
      text += line + '\n';
    }
    // 31 keys and 9 table headers ([hosts.containers] ... [ssh_config.options]).
    CHECK(uncommented == 40);
    const Config c = parse_config(text, "example.toml");
    check_same_values(c, default_config());
    for (bool set : user_set_flags(c)) CHECK(set);
    CHECK(c.hosts_origin.user_set());
    // ...but for the verbs' suggested arguments, the old setup's defaults.
    REQUIRE(c.verbs.size() == 2);
    CHECK(c.verb_defaults("clone")->args.value == std::vector<std::string>{"-s"});
    CHECK(c.verb_defaults("start")->args.value == std::vector<std::string>{"-d"});
  }
}

TEST_CASE("config init's file: each key, uncommented with its table's header, is valid and set", "[config]") {
  const std::regex header(R"(^# \[[A-Za-z_.]+\]$)");
  const std::regex key_line(R"(^#\s*([A-Za-z_][A-Za-z0-9_]*) = .*$)");
  std::vector<std::string> lines;
  std::istringstream in{std::string{config_template()}};
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  const auto uncomment = [](const std::string& line) { return line.substr(line.find_first_not_of("# ")); };

  std::size_t keys = 0;
  std::optional<std::size_t> table;  // the header line above, if any
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (std::regex_match(lines[i], header)) table = i;
    std::smatch m;
    if (!std::regex_match(lines[i], m, key_line)) continue;
    ++keys;
    std::vector<std::string> edited = lines;
    edited[i] = uncomment(edited[i]);
    if (table) edited[*table] = uncomment(edited[*table]);
    std::string text;
    for (const std::string& line : edited) text += line + '\n';
    INFO("line " << i + 1 << ": " << lines[i]);
    const std::string error = error_of(text);
    CHECK(error.empty());
    if (!error.empty()) continue;
    // The key is in effect: config show names its line as its origin.
    const Config c = parse_config(text, "init.toml");
    const std::string show = render_config_show(c, select_host(c, std::nullopt));
    CHECK_THAT(show, Catch::Contains(fmt::format("# init.toml:{}:", i + 1)));
  }
  CHECK(keys >= 20);
}
