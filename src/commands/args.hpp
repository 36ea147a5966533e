// The native commands' own arguments (`list --json`, `config init --force`), parsed against
// their rows of the command table.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/command_args.hpp"

namespace lxhost {

// Parses `args` (everything after the command word) for the command table's `command`.
// Returns nullopt when --help was printed. Throws UsageError (exit 2) for anything the row rejects.
inline std::optional<CommandArgs> parse_args(std::string_view command, std::span<const std::string> args) {
  const CommandSpec* spec = find_command(command);
  CommandArgs parsed = parse_command_args(*spec, args);
  if (!parsed.help().empty()) {
    fmt::print("{}", parsed.help());
    return std::nullopt;
  }
  return parsed;
}

}  // namespace lxhost
