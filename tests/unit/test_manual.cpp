#include "catch.hpp"

#include <string>

#include "core/command_table.hpp"
#include "core/config.hpp"
#include "core/config_keys.hpp"
#include "core/manual.hpp"
#include "core/verbs.hpp"

using namespace lxhost;

namespace {

std::string page(std::string_view name) {
  const auto text = render_man_page(name);
  REQUIRE(text.has_value());
  return *text;
}

// roff back to text, for the few escapes roff_escape makes.
std::string unescape(std::string text) {
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"\\-", "-"}, {"\\e", "\\"}, {"\\&", ""}}) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

TEST_CASE("roff_escape: backslashes, hyphens, control lines", "[manual]") {
  CHECK(roff_escape("a-b") == "a\\-b");
  CHECK(roff_escape("C:\\x") == "C:\\ex");
  CHECK(roff_escape(".TH x\n'quote\nok.") == "\\&.TH x\n\\&'quote\nok.");
  CHECK(render_man_page("lxhost.7") == std::nullopt);
}

TEST_CASE("lxhost(1) has every option, verb, command, variable and exit status", "[manual]") {
  const std::string man = page("lxhost.1");
  CHECK(man.starts_with(".TH LXHOST 1 "));
  for (const GlobalOption& option : global_options())
    CHECK_THAT(man, Catch::Contains(roff_escape(option.long_name.empty() ? option.short_name : option.long_name)));
  for (const Verb& verb : verb_table())
    CHECK_THAT(man, Catch::Contains(".TP\n\\fB" + roff_escape(verb.name == "config" ? verb.tool : verb.name) + "\\fR\n"));
  for (const CommandSpec& command : native_commands()) {
    CAPTURE(command.name);
    if (command.hidden) {
      CHECK_THAT(man, !Catch::Contains(std::string(command.name)));
      continue;
    }
    CHECK_THAT(man, Catch::Contains(".SS \"" + roff_escape(synopsis(command)) + "\""));
    for (const OptionSpec& option : command.options) CHECK_THAT(man, Catch::Contains(roff_escape(option.help)));
  }
  for (const EnvironmentVariable& variable : environment_variables())
    CHECK_THAT(man, Catch::Contains(".TP\n\\fB" + roff_escape(variable.name) + "\\fR\n"));
  for (const ExitStatus& status : exit_statuses())
    CHECK_THAT(man, Catch::Contains(".TP\n\\fB" + roff_escape(status.code) + "\\fR\n"));
}

TEST_CASE("lxhost.toml(5) has every key with its default, and an example that parses", "[manual]") {
  const std::string man = page("lxhost.toml.5");
  for (const ConfigKey& key : config_keys()) {
    CAPTURE(key.table, key.key);
    if (key.is_table()) continue;
    CHECK_THAT(man, Catch::Contains("\\fB" + roff_escape(key.key) + "\\fR = " + roff_escape(key.default_value)));
  }
  const auto begin = man.find(".nf\n.RS\n");
  const auto end = man.find(".RE\n.fi\n");
  REQUIRE(begin != std::string::npos);
  REQUIRE(end != std::string::npos);
  const Config config = parse_config(unescape(man.substr(begin + 8, end - begin - 8)), "lxhost.toml.5");
  CHECK(config.default_host.value == "lab");
  CHECK(config.host_names() == std::vector<std::string>{"lab", "build"});
}
