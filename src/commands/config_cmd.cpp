#include <fmt/format.h>
#include <unistd.h>

#include "atomic_file.hpp"
#include "commands/args.hpp"
#include "commands/commands.hpp"

namespace lxhost {

int run_config(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("config", args);
  if (!parsed) return 0;
  const std::string_view subcommand = parsed->subcommand()->name;

  if (subcommand == "path") {
    fmt::print("{}\n", ctx.config_path());
    return 0;
  }
  if (subcommand == "show") {
    fmt::print("{}", render_config_show(ctx.config(), ctx.host()));
    return 0;
  }
  if (subcommand == "init") {
    const bool force = parsed->has("--force");
    const std::string target = ctx.config_path();
    if (!force && ::access(target.c_str(), F_OK) == 0)
      throw Failure(fmt::format("{}: already exists", target), "`lxhost config init --force` replaces it");
    write_file_atomically(target, config_template(), 0600, force ? Replace::yes : Replace::no);
    fmt::print("wrote {}: every key, commented out at its default\n"
               "to set a key, remove the \"# \" before it and before its [table] line above it\n"
               "then `lxhost config show` prints every value lxhost uses and where it came from\n",
               target);
    return 0;
  }
  return 0;
}

}  // namespace lxhost
