// CLI11 for the native commands' own arguments (`list --json`, `config init --force`).
#pragma once

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <span>
#include <string>
#include <vector>

#include "errors.hpp"

namespace lxhost {

// Parses `args` (everything after the command word). Returns false when --help was printed.
// Throws UsageError (exit 2) for anything CLI11 rejects.
inline bool parse_args(CLI::App& app, std::span<const std::string> args) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    fmt::print("{}", app.help());
    return false;
  } catch (const CLI::ParseError& e) {
    throw UsageError(fmt::format("{}: {}", app.get_name(), e.what()),
                     fmt::format("run `{} --help`", app.get_name()));
  }
  return true;
}

}  // namespace lxhost
