#include "catch.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/cli.hpp"
#include "core/command_args.hpp"
#include "core/command_table.hpp"
#include "core/completion.hpp"
#include "core/errors.hpp"

using namespace lxhost;

namespace {

CommandArgs parse(std::string_view command, std::vector<std::string> args) {
  const CommandSpec* spec = find_command(command);
  REQUIRE(spec != nullptr);
  return parse_command_args(*spec, args);
}

std::string usage_error(std::string_view command, std::vector<std::string> args) {
  try {
    parse(command, std::move(args));
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

std::vector<std::string> offered_by(const CompletionPlan& plan) {
  std::vector<std::string> values;
  for (const Candidate& c : plan.fixed) values.push_back(c.value);
  return values;
}

std::vector<std::string> offered(std::vector<std::string> words) { return offered_by(plan_completion(words)); }

bool has(const std::vector<std::string>& values, std::string_view value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

TEST_CASE("synopses are derived from the options", "[command_table]") {
  CHECK(synopsis(*find_command("list")) == "list [--json] [--all-hosts] [--mdns-wait]");
  CHECK(synopsis(*find_command("discover")) == "discover [--json] [--timeout MS] [--type T]... [-6]");
  CHECK(synopsis(*find_command("resolve")) == "resolve NAME [-4|-6|--all] [--timeout MS]");
  CHECK(synopsis(*find_command("config")) == "config init [--force]|show|path");
  CHECK(synopsis(*find_command("mux")) == "mux status|stop [--all]");
  CHECK(synopsis(*find_command("proxy")) == "proxy HOST PORT [--via-host]");
  CHECK(synopsis(*find_command("help")) == "help [VERB]");
}

TEST_CASE("arguments are parsed against the command's row", "[command_table]") {
  const CommandArgs discover = parse("discover", {"--type", "_a._tcp", "-6", "--type", "_b._udp", "--timeout", "250"});
  CHECK(discover.values("--type") == std::vector<std::string>{"_a._tcp", "_b._udp"});
  CHECK(discover.has("-6"));
  CHECK_FALSE(discover.has("--json"));
  CHECK(discover.integer("--timeout") == 250);
  CHECK_FALSE(discover.value("--json").has_value());

  const CommandArgs doctor = parse("doctor", {"--host", "lab"});
  CHECK(doctor.value("-H") == "lab");  // any spelling finds the option

  const CommandArgs init = parse("config", {"init", "--force"});
  REQUIRE(init.subcommand() != nullptr);
  CHECK(init.subcommand()->name == "init");
  CHECK(init.has("--force"));

  CHECK(parse("proxy", {"web.local", "22"}).integer("PORT") == 22);
  CHECK(parse("shell-init", {"zsh"}).value("SHELL") == "zsh");
  CHECK_FALSE(parse("help", {}).value("VERB").has_value());
}

TEST_CASE("what a row does not allow is a usage error naming the command", "[command_table]") {
  CHECK_THAT(usage_error("resolve", {"-4", "-6", "x.local"}), Catch::Contains("lxhost resolve: -4 excludes -6"));
  CHECK_THAT(usage_error("resolve", {"--all", "-6", "x.local"}), Catch::Contains("-6 excludes --all"));
  CHECK_THAT(usage_error("resolve", {"-4", "--all", "x.local"}), Catch::Contains("excludes"));
  CHECK(parse("resolve", {"--all", "x.local"}).has("--all"));
  CHECK(parse("list", {"--mdns-wait"}).has("--mdns-wait"));
  CHECK_THAT(usage_error("resolve", {}), Catch::Contains("NAME is required"));
  CHECK_THAT(usage_error("proxy", {"h", "0"}), Catch::Contains("'0' is not a whole number from 1 to 65535"));
  CHECK_THAT(usage_error("discover", {"--timeout", "600001"}), Catch::Contains("'600001' is not a whole number"));
  CHECK_THAT(usage_error("discover", {"--timeout", "soon"}), Catch::Contains("--timeout"));
  CHECK_THAT(usage_error("shell-init", {"fish"}), Catch::Contains("fish not in {bash,zsh}"));
  CHECK_THAT(usage_error("ssh-config", {"--install", "--uninstall"}), Catch::Contains("excludes"));
  CHECK(usage_error("config", {}) == "lxhost config: a subcommand is needed: init, show or path");
  CHECK_THAT(usage_error("list", {"--jsn"}), Catch::Contains("--jsn"));
  CHECK_THAT(usage_error("help", {"a", "b"}), Catch::Contains("lxhost help:"));
}

TEST_CASE("a word that is no subcommand is named, never CLI11's stock message", "[command_table]") {
  CHECK(usage_error("config", {"bogus"}) == "lxhost config: unknown subcommand 'bogus'; it takes init, show or path");
  CHECK(usage_error("config", {"shwo"}) ==
        "lxhost config: unknown subcommand 'shwo' (did you mean 'show'?); it takes init, show or path");
  CHECK(usage_error("mux", {"stpo", "--all"}) ==
        "lxhost mux: unknown subcommand 'stpo' (did you mean 'stop'?); it takes status or stop");
  CHECK(usage_error("mux", {"--all"}) == "lxhost mux: a subcommand is needed: status or stop");
  for (const CommandSpec& command : native_commands())
    for (const CommandSpec& sub : command.subcommands) CHECK(usage_error(command.name, {std::string(sub.name)}).empty());
}

TEST_CASE("--help gives the command's help, from the same row", "[command_table]") {
  for (const CommandSpec& command : native_commands()) {
    if (command.hidden) continue;
    CAPTURE(command.name);
    const CommandArgs parsed = parse(command.name, {"--help"});
    CHECK(parsed.help() == command_help(command));
    CHECK_THAT(parsed.help(), Catch::Contains("Usage: lxhost " + synopsis(command)));
    for (const OptionSpec& option : command.options) CHECK_THAT(parsed.help(), Catch::Contains(option_usage(option)));
    for (const CommandSpec& sub : command.subcommands) {
      CHECK_THAT(parsed.help(), Catch::Contains(std::string(sub.summary)));
      for (const OptionSpec& option : sub.options) CHECK_THAT(parsed.help(), Catch::Contains(option_usage(option)));
    }
  }
  CHECK(parse("config", {"init", "--help"}).help() == command_help(*find_command("config")));
}

TEST_CASE("every row is complete, and completion offers each option it has", "[command_table]") {
  std::set<std::string_view> names;
  for (const CommandSpec& command : native_commands()) {
    CAPTURE(command.name);
    CHECK(names.insert(command.name).second);
    CHECK(!command.summary.empty());
    if (command.hidden) continue;
    CHECK(!command.description.empty());
    const auto check_options = [&](std::span<const OptionSpec> options, const std::vector<std::string>& words) {
      std::set<std::string_view> spellings;
      for (const OptionSpec& option : options) {
        CAPTURE(option.names);
        CHECK(!option.help.empty());
        CHECK((option.positional() || option.kind == OptionSpec::Kind::flag) == option.value.empty());
        if (option.kind == OptionSpec::Kind::integer) CHECK(option.min < option.max);
        for (std::string_view name : option_names(option)) CHECK(spellings.insert(name).second);
        if (option.positional()) continue;
        const std::vector<std::string> candidates = offered(words);
        for (std::string_view name : option_names(option)) CHECK(has(candidates, name));
      }
    };
    check_options(command.options, {"lxhost", std::string(command.name), "-"});
    for (const CommandSpec& sub : command.subcommands)
      check_options(sub.options, {"lxhost", std::string(command.name), std::string(sub.name), "-"});
    const std::vector<std::string> first = offered({"lxhost", std::string(command.name), ""});
    for (const CommandSpec& sub : command.subcommands) CHECK(has(first, sub.name));
  }
  CHECK(find_command("__complete")->hidden);
  CHECK_FALSE(has(offered({"lxhost", "__"}), "__complete"));
}

TEST_CASE("every global option is offered by completion and shown by usage", "[command_table]") {
  const std::vector<std::string> candidates = offered({"lxhost", "-"});
  const std::string usage = usage_text();
  for (const GlobalOption& option : global_options()) {
    CAPTURE(option.short_name, option.long_name);
    CHECK(!option.help.empty());
    if (!option.short_name.empty()) CHECK(has(candidates, option.short_name));
    if (!option.long_name.empty()) CHECK(has(candidates, option.long_name));
    CHECK_THAT(usage, Catch::Contains(std::string(option.help)));
  }
  for (const ExitStatus& status : exit_statuses()) CHECK_THAT(usage, Catch::Contains(std::string(status.code)));
}

TEST_CASE("completion offers every option the parser accepts", "[command_table]") {
  for (const CommandSpec& command : native_commands()) {
    if (command.hidden) continue;
    const auto check = [&](const CommandSpec* sub) {
      std::vector<std::string> words = {"lxhost", std::string(command.name)};
      if (sub != nullptr) words.emplace_back(sub->name);
      words.emplace_back("-");
      const std::vector<std::string> candidates = offered(words);
      for (const std::string& name : parser_option_names(command, sub)) {
        CAPTURE(words, name);
        if (name == "-h") continue;  // help is offered by its long name only
        CHECK(has(candidates, name));
      }
    };
    check(nullptr);
    for (const CommandSpec& sub : command.subcommands) check(&sub);
  }
}

TEST_CASE("completion reads what a row's value or positional completes", "[command_table]") {
  const auto check = [](const CompletionPlan& plan, Completes completes) {
    CHECK(plan.hosts == (completes == Completes::hosts));
    CHECK(plan.files == (completes == Completes::dirs    ? CompletionPlan::Files::dirs
                         : completes == Completes::files ? CompletionPlan::Files::files
                                                         : CompletionPlan::Files::none));
    if (completes == Completes::verbs_and_commands) {
      CHECK(has(offered_by(plan), "attach"));
      CHECK(has(offered_by(plan), "lxc-config"));
      CHECK(has(offered_by(plan), "list"));
    }
  };
  for (const CommandSpec& command : native_commands()) {
    if (command.hidden) continue;
    const auto check_options = [&](std::span<const OptionSpec> options, const std::vector<std::string>& words) {
      for (const OptionSpec& option : options) {
        CAPTURE(words, option.names);
        if (option.positional()) {
          // Earlier positionals given as "x"; an option's value completes only after the option.
          std::vector<std::string> line = words;
          for (const OptionSpec& before : options) {
            if (&before == &option) break;
            if (before.positional()) line.emplace_back("x");
          }
          line.emplace_back("");
          check(plan_completion(line), option.completes);
        } else if (option.kind != OptionSpec::Kind::flag) {
          for (std::string_view name : option_names(option)) {
            std::vector<std::string> line = words;
            line.emplace_back(name);
            line.emplace_back("");
            const CompletionPlan plan = plan_completion(line);
            check(plan, option.completes);
            if (option.completes != Completes::verbs_and_commands) CHECK(plan.fixed.empty());
          }
        }
      }
    };
    check_options(command.options, {"lxhost", std::string(command.name)});
    for (const CommandSpec& sub : command.subcommands)
      check_options(sub.options, {"lxhost", std::string(command.name), std::string(sub.name)});
  }
  for (const GlobalOption& option : global_options()) {
    if (option.value.empty()) continue;
    CAPTURE(option.short_name);
    check(plan_completion(std::vector<std::string>{"lxhost", std::string(option.short_name), ""}), option.completes);
  }
}

TEST_CASE("doctor -H completes hosts, a value option's value gets nothing else", "[command_table]") {
  CHECK(plan_completion(std::vector<std::string>{"lxhost", "doctor", "-H", ""}).hosts);
  CHECK(plan_completion(std::vector<std::string>{"lxhost", "discover", "--timeout", ""}).fixed.empty());
  CHECK(offered({"lxhost", "mux", "stop", "-"}) == std::vector<std::string>{"--all", "--help"});
}

TEST_CASE("a positional completes only while it is still to give", "[command_table]") {
  CHECK(plan_completion(std::vector<std::string>{"lxhost", "resolve", "-4", ""}).hosts);
  CHECK(plan_completion(std::vector<std::string>{"lxhost", "resolve", "--timeout", "9", ""}).hosts);
  CHECK_FALSE(plan_completion(std::vector<std::string>{"lxhost", "resolve", "web.local", ""}).hosts);
  CHECK(offered({"lxhost", "resolve", "web.local", ""}) == std::vector<std::string>{"-4", "-6", "--all", "--timeout", "--help"});
  CHECK(plan_completion(std::vector<std::string>{"lxhost", "install-links", "d", ""}).files ==
        CompletionPlan::Files::none);
  CHECK_FALSE(has(offered({"lxhost", "help", "attach", ""}), "attach"));
  CHECK(has(offered({"lxhost", "shell-init", "--force", ""}), "zsh"));
  CHECK_FALSE(has(offered({"lxhost", "shell-init", "zsh", ""}), "zsh"));
  CHECK(offered({"lxhost", "proxy", "web.local", ""}) == std::vector<std::string>{"--via-host", "--help"});
}

TEST_CASE("wrap: words to a width, with an indent", "[command_table]") {
  CHECK(wrap("a bb ccc dddd", 6) == "a bb\nccc\ndddd\n");
  CHECK(wrap("a bb ccc", 8, "  ") == "  a bb\n  ccc\n");
  CHECK(wrap("averyveryverylongword x", 5) == "averyveryverylongword\nx\n");
  CHECK(wrap("", 10).empty());
}

TEST_CASE("a parse error names the word typed, not CLI11's idea of it", "[command_table]") {
  CHECK(usage_error("resolve", {"--timeout", "x", "web"}) ==
        "lxhost resolve: --timeout: 'x' is not a whole number from 1 to 600000");
  CHECK(usage_error("resolve", {"--timeout", "0", "web"}) ==
        "lxhost resolve: --timeout: '0' is not a whole number from 1 to 600000");
  CHECK(usage_error("discover", {"--type"}) == "lxhost discover: --type needs a value (T)");
  CHECK(usage_error("resolve", {"web", "--timeout"}) == "lxhost resolve: --timeout needs a value (MS)");
  CHECK(usage_error("list", {"extra"}) == "lxhost list: The following argument was not expected: extra");
}
