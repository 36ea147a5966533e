#include <string>
#include <vector>

#include "catch.hpp"
#include "core/cli.hpp"
#include "core/errors.hpp"

using namespace lxhost;

namespace {

Invocation parse(std::vector<std::string> argv, const Environment& env = {}) { return parse_command_line(argv, env); }

Environment env_of(std::map<std::string, std::string, std::less<>> vars) { return Environment(std::move(vars)); }

}  // namespace

TEST_CASE("everything after the verb is kept verbatim", "[cli]") {
  const auto inv = parse({"lxhost", "attach", "-n", "web", "--", "-H", "--help", "", "a b", "-t"});
  CHECK(inv.verb == "attach");
  CHECK(inv.args == std::vector<std::string>{"-n", "web", "--", "-H", "--help", "", "a b", "-t"});
  CHECK(inv.options.tty == TtyMode::automatic);
  CHECK_FALSE(inv.options.host.has_value());
}

TEST_CASE("options before the verb are lxhost's", "[cli]") {
  const auto inv = parse({"lxhost", "-H", "lab", "-c", "/tmp/c.toml", "-t", "-v", "--no-mux", "ls", "-f"});
  REQUIRE(inv.options.host.has_value());
  CHECK(inv.options.host->value == "lab");
  CHECK(inv.options.host->origin.kind == Origin::Kind::flag);
  REQUIRE(inv.options.config_file.has_value());
  CHECK(inv.options.config_file->value == "/tmp/c.toml");
  CHECK(inv.options.tty == TtyMode::force);
  CHECK(inv.options.verbosity == 1);
  CHECK(inv.options.no_mux.has_value());
  CHECK(inv.verb == "ls");
  CHECK(inv.args == std::vector<std::string>{"-f"});
}

TEST_CASE("attached and long option forms", "[cli]") {
  const auto inv = parse({"lxhost", "-Hlab", "--config=/x", "-T", "-q", "info"});
  CHECK(inv.options.host->value == "lab");
  CHECK(inv.options.config_file->value == "/x");
  CHECK(inv.options.tty == TtyMode::never);
  CHECK(inv.options.verbosity == -1);
  CHECK(inv.verb == "info");
}

TEST_CASE("unknown options before the verb are usage errors", "[cli]") {
  REQUIRE_THROWS_AS(parse({"lxhost", "--bogus", "ls"}), UsageError);
  REQUIRE_THROWS_WITH(parse({"lxhost", "-x", "ls"}), Catch::Contains("unknown option '-x'"));
  REQUIRE_THROWS_WITH(parse({"lxhost", "-H"}), "-H needs a value (HOST)");
  REQUIRE_THROWS_WITH(parse({"lxhost", "-v", "--config"}), "--config needs a value (CONFIG)");
  REQUIRE_THROWS_WITH(parse({"lxhost", "-t", "-T", "ls"}), Catch::Contains("exclude"));
}

TEST_CASE("a lone -- before the verb is skipped", "[cli]") {
  const auto inv = parse({"lxhost", "--", "ls", "--"});
  CHECK(inv.verb == "ls");
  CHECK(inv.args == std::vector<std::string>{"--"});
}

TEST_CASE("help and version flags", "[cli]") {
  CHECK(parse({"lxhost", "--help"}).show_help);
  CHECK(parse({"lxhost", "-h"}).show_help);
  CHECK(parse({"lxhost", "--version"}).show_version);
  const auto bare = parse({"lxhost"});
  CHECK(bare.verb.empty());
  CHECK_FALSE(bare.show_help);
  // --help after the verb belongs to the remote tool.
  const auto remote = parse({"lxhost", "ls", "--help"});
  CHECK_FALSE(remote.show_help);
  CHECK(remote.args == std::vector<std::string>{"--help"});
}

TEST_CASE("called as lxc-VERB: verb from argv[0], options from the environment", "[cli]") {
  const auto env = env_of({{"LXHOST_HOST", "lab"}, {"LXHOST_TTY", "never"}, {"LXHOST_MUX", "0"},
                           {"LXHOST_CONFIG", "/etc/x.toml"}});
  const auto inv = parse({"/usr/local/bin/lxc-attach", "-H", "-n", "web"}, env);
  CHECK(inv.verb == "lxc-attach");
  CHECK(inv.args == std::vector<std::string>{"-H", "-n", "web"});
  CHECK(inv.options.host->value == "lab");
  CHECK(inv.options.host->origin.kind == Origin::Kind::env);
  CHECK(inv.options.tty == TtyMode::never);
  CHECK(inv.options.no_mux.has_value());
  CHECK(inv.options.config_file->value == "/etc/x.toml");
}

TEST_CASE("flags override the environment", "[cli]") {
  const auto env = env_of({{"LXHOST_HOST", "envhost"}, {"LXHOST_TTY", "never"}});
  const auto inv = parse({"lxhost", "-H", "flaghost", "-t", "ls"}, env);
  CHECK(inv.options.host->value == "flaghost");
  CHECK(inv.options.tty == TtyMode::force);
}

TEST_CASE("bad LXHOST_TTY and LXHOST_MUX values are usage errors", "[cli]") {
  REQUIRE_THROWS_WITH(parse({"lxhost", "ls"}, env_of({{"LXHOST_TTY", "sometimes"}})),
                      Catch::Contains("LXHOST_TTY must be auto, force or never"));
  REQUIRE_THROWS_AS(parse({"lxc-ls"}, env_of({{"LXHOST_MUX", "maybe"}})), UsageError);
  CHECK_FALSE(parse({"lxhost", "ls"}, env_of({{"LXHOST_MUX", "1"}})).options.no_mux.has_value());
}

TEST_CASE("usage text lists every verb and command", "[cli]") {
  const std::string text = usage_text();
  for (const char* word : {"ls", "attach", "lxc-config", "clone", "start-ephemeral", "list [--json]", "install-links",
                           "config init [--force]|show|path"})
    CHECK(text.find(word) != std::string::npos);
}
