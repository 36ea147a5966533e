#include "core/command_args.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>

#include "core/errors.hpp"
#include "core/suggest.hpp"

namespace lxhost {
namespace {

struct Bound {
  const OptionSpec* spec;
  CLI::Option* option;
};

// CLI::Range says "Value x not in range 1 to 600000" of a word that is no number at all.
CLI::Validator whole_number(int min, int max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        int value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error == std::errc() && end == text.data() + text.size() && value >= min && value <= max) return "";
        return fmt::format("'{}' is not a whole number from {} to {}", text, min, max);
      },
      fmt::format("INT in [{} - {}]", min, max));
}

// The option a CLI11 error names ("--type: 1 required T missing" names --type), as the user typed
// it (the last of its names in `args`), with what it takes.
std::optional<std::string> missing_value(const CLI::ParseError& e, const std::vector<Bound>& bound,
                                         std::span<const std::string> args) {
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) == nullptr) return std::nullopt;
  const std::string what = e.what();
  const std::string name = what.substr(0, what.find(':'));
  for (const Bound& b : bound) {
    const auto names = option_names(*b.spec);
    if (std::ranges::count(names, name) == 0) continue;
    std::string typed = name;
    for (const std::string& arg : args)
      if (std::ranges::count(names, arg) > 0) typed = arg;
    return fmt::format("{} needs a value ({})", typed, b.spec->value);
  }
  return std::nullopt;
}

void add_options(CLI::App& app, std::span<const OptionSpec> specs, std::vector<Bound>& bound) {
  const std::size_t first = bound.size();
  for (const OptionSpec& spec : specs) {
    const std::string names(spec.names);
    const std::string help(spec.help);
    CLI::Option* option = spec.kind == OptionSpec::Kind::flag
                              ? app.add_flag(names, help)
                              : app.add_option(names, CLI::callback_t{}, help, false);
    if (spec.kind != OptionSpec::Kind::flag) {
      option->expected(1);
      if (!spec.value.empty()) option->type_name(std::string(spec.value));
    }
    if (spec.required) option->required();
    if (spec.repeatable) option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    if (spec.kind == OptionSpec::Kind::integer) option->check(whole_number(spec.min, spec.max));
    if (!spec.choices.empty())
      option->check(CLI::IsMember(std::vector<std::string>(spec.choices.begin(), spec.choices.end())));
    bound.push_back({&spec, option});
  }
  for (std::size_t i = first; i < bound.size(); ++i) {
    const OptionSpec& spec = *bound[i].spec;
    if (spec.excludes.empty()) continue;
    for (const std::string_view excluded : comma_list(spec.excludes))
      for (std::size_t j = first; j < bound.size(); ++j)
        if (j != i && std::ranges::count(option_names(*bound[j].spec), excluded) > 0)
          bound[i].option->excludes(bound[j].option);
  }
}

std::string program_name(const CommandSpec& command) { return fmt::format("lxhost {}", command.name); }

// "init, show or path"
std::string subcommand_list(const CommandSpec& command) {
  std::string text;
  for (std::size_t i = 0; i < command.subcommands.size(); ++i) {
    const bool last = i + 1 == command.subcommands.size();
    text += fmt::format("{}{}", i == 0 ? "" : (last ? " or " : ", "), command.subcommands[i].name);
  }
  return text;
}

// CLI11 says "A subcommand is required" both when none was given and when the word given is no
// subcommand: the word is named here, before CLI11 sees it. (Help flags are left to CLI11.)
void check_subcommand(const CommandSpec& command, std::span<const std::string> args) {
  if (command.subcommands.empty()) return;
  const auto word = std::find_if(args.begin(), args.end(), [](const std::string& a) { return !a.starts_with("-"); });
  const bool help = std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "-h" || a == "--help"; });
  const std::string hint = fmt::format("run `{} --help`", program_name(command));
  if (word == args.end()) {
    if (help) return;
    throw UsageError(fmt::format("{}: a subcommand is needed: {}", program_name(command), subcommand_list(command)),
                     hint);
  }
  if (find_subcommand(command, *word) != nullptr) return;
  std::vector<std::string> names;
  for (const CommandSpec& sub : command.subcommands) names.emplace_back(sub.name);
  const auto suggestion = closest(*word, names);
  throw UsageError(fmt::format("{}: unknown subcommand '{}'{}; it takes {}", program_name(command), *word,
                               suggestion ? fmt::format(" (did you mean '{}'?)", *suggestion) : "",
                               subcommand_list(command)),
                   hint);
}

void option_lines(std::string& text, std::span<const OptionSpec> options, std::string_view indent) {
  std::size_t width = 0;
  for (const OptionSpec& option : options) width = std::max(width, option_usage(option).size());
  for (const OptionSpec& option : options)
    text += fmt::format("{}{:<{}}  {}\n", indent, option_usage(option), width, option_help(option));
}

// The CLI11 parser of a command's row: its options, and each subcommand with its options.
struct Parser {
  explicit Parser(const CommandSpec& command) : app{std::string(command.description), program_name(command)} {
    add_options(app, command.options, bound);
    for (const CommandSpec& sub : command.subcommands) {
      CLI::App* sub_app = app.add_subcommand(std::string(sub.name), std::string(sub.summary));
      add_options(*sub_app, sub.options, bound);
      subs.emplace_back(&sub, sub_app);
    }
    if (!subs.empty()) app.require_subcommand(1);
  }

  CLI::App app;
  std::vector<Bound> bound;
  std::vector<std::pair<const CommandSpec*, CLI::App*>> subs;
};

}  // namespace

const std::vector<std::string>* CommandArgs::find(std::string_view name) const {
  for (const auto& [spec, values] : given_)
    if (std::ranges::count(option_names(*spec), name) > 0) return &values;
  return nullptr;
}

bool CommandArgs::has(std::string_view name) const { return find(name) != nullptr; }

std::optional<std::string> CommandArgs::value(std::string_view name) const {
  const auto* values = find(name);
  if (values == nullptr || values->empty()) return std::nullopt;
  return values->back();
}

std::vector<std::string> CommandArgs::values(std::string_view name) const {
  const auto* values = find(name);
  return values == nullptr ? std::vector<std::string>{} : *values;
}

std::optional<int> CommandArgs::integer(std::string_view name) const {
  const auto text = value(name);
  if (!text) return std::nullopt;
  return std::stoi(*text);  // CLI::Range has accepted it: an integer within the row's range
}

std::vector<std::string> parser_option_names(const CommandSpec& command, const CommandSpec* sub) {
  const Parser parser(command);
  const CLI::App* app = &parser.app;
  for (const auto& [spec, sub_app] : parser.subs)
    if (spec == sub) app = sub_app;
  std::vector<std::string> names;
  for (const CLI::Option* option : app->get_options()) {
    if (!option->nonpositional()) continue;
    for (const std::string& name : option->get_snames()) names.push_back("-" + name);
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
  }
  return names;
}

CommandArgs parse_command_args(const CommandSpec& command, std::span<const std::string> args) {
  Parser parser(command);
  check_subcommand(command, args);
  CommandArgs parsed;
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11's order
  try {
    parser.app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    parsed.help_ = command_help(command);
    return parsed;
  } catch (const CLI::ParseError& e) {
    const std::string what = missing_value(e, parser.bound, args).value_or(e.what());
    throw UsageError(fmt::format("{}: {}", program_name(command), what),
                     fmt::format("run `{} --help`", program_name(command)));
  }
  for (const auto& [spec, sub_app] : parser.subs)
    if (sub_app->parsed()) parsed.subcommand_ = spec;
  for (const Bound& b : parser.bound)
    if (b.option->count() > 0) parsed.given_.emplace_back(b.spec, b.option->results());
  return parsed;
}

std::string wrap(std::string_view text, std::size_t width, std::string_view indent) {
  std::string out, line(indent);
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find(' ', start), text.size());
    const std::string_view word = text.substr(start, end - start);
    if (line.size() > indent.size() && line.size() + 1 + word.size() > width) {
      out += line + '\n';
      line = indent;
    }
    if (line.size() > indent.size()) line += ' ';
    line += word;
    start = end + 1;
  }
  if (line.size() > indent.size()) out += line + '\n';
  return out;
}

std::string command_help(const CommandSpec& command) {
  std::string text = fmt::format("Usage: lxhost {}\n\n{}", synopsis(command), wrap(command.description, 80));
  if (!command.options.empty()) {
    text += "\nOptions:\n";
    option_lines(text, command.options, "  ");
  }
  if (!command.subcommands.empty()) {
    text += "\nSubcommands:\n";
    std::size_t width = 0;
    for (const CommandSpec& sub : command.subcommands) width = std::max(width, sub.name.size());
    for (const CommandSpec& sub : command.subcommands) {
      text += fmt::format("  {:<{}}  {}\n", sub.name, width, sub.summary);
      option_lines(text, sub.options, std::string(width + 6, ' '));
    }
  }
  return text;
}

}  // namespace lxhost
