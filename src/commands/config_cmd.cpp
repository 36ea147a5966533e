#include <fmt/format.h>
#include <unistd.h>

#include "atomic_file.hpp"
#include "commands/args.hpp"
#include "commands/commands.hpp"

namespace lxhost {

int run_config(Context& ctx, std::span<const std::string> args) {
  CLI::App app{"lxhost's own config (the remote tool is `lxhost lxc-config`).", "lxhost config"};
  app.require_subcommand(1);
  CLI::App* init = app.add_subcommand("init", "write the config file with every key commented out at its default");
  bool force = false;
  init->add_flag("--force", force, "replace an existing file");
  CLI::App* show = app.add_subcommand("show", "print every effective value and where it came from");
  CLI::App* path = app.add_subcommand("path", "print the config file lxhost reads");
  if (!parse_args(app, args)) return 0;

  if (path->parsed()) {
    fmt::print("{}\n", ctx.config_path());
    return 0;
  }
  if (show->parsed()) {
    fmt::print("{}", render_config_show(ctx.config(), ctx.host()));
    return 0;
  }
  if (init->parsed()) {
    const std::string target = ctx.config_path();
    if (!force && ::access(target.c_str(), F_OK) == 0)
      throw Failure(fmt::format("{}: already exists", target), "`lxhost config init --force` replaces it");
    write_file_atomically(target, config_template(), 0600, force ? Replace::yes : Replace::no);
    fmt::print("{}\n", target);
    return 0;
  }
  return 0;
}

}  // namespace lxhost
