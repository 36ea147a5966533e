// A native command's arguments, parsed by CLI11 against the command's row of the command table,
// and the help text rendered from that row.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/command_table.hpp"

namespace lxhost {

class CommandArgs {
 public:
  // The subcommand given (`config init`), or nullptr for a command without subcommands.
  const CommandSpec* subcommand() const { return subcommand_; }
  // Non-empty when -h/--help was given: print it, do nothing else.
  const std::string& help() const { return help_; }

  // `name` is any spelling of an option ("-H" or "--host") or a positional's placeholder ("DIR").
  bool has(std::string_view name) const;
  std::optional<std::string> value(std::string_view name) const;  // the last one given
  std::vector<std::string> values(std::string_view name) const;   // all, in order
  std::optional<int> integer(std::string_view name) const;        // checked against the range by parse

 private:
  friend CommandArgs parse_command_args(const CommandSpec&, std::span<const std::string>);
  const std::vector<std::string>* find(std::string_view name) const;

  const CommandSpec* subcommand_ = nullptr;
  std::string help_;
  std::vector<std::pair<const OptionSpec*, std::vector<std::string>>> given_;
};

// Throws UsageError ("lxhost list: ...") for anything the command's row does not allow.
CommandArgs parse_command_args(const CommandSpec& command, std::span<const std::string> args);

// Every option spelling the parser of `command` accepts ("--json", "-h", "--help"), or of its
// subcommand `sub`: what completion must offer (tests hold it to that).
std::vector<std::string> parser_option_names(const CommandSpec& command, const CommandSpec* sub = nullptr);

// `lxhost help NAME` and `lxhost NAME --help`: usage, description, options, subcommands.
std::string command_help(const CommandSpec& command);

// Words wrapped at `width` columns, every line starting with `indent`.
std::string wrap(std::string_view text, std::size_t width, std::string_view indent = {});

}  // namespace lxhost
