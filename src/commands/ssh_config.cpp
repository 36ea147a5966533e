// `ssh-config [--install | --uninstall]`: print, install or remove the ssh_config snippet that
// makes `ssh foo.local` work (rendered from the config; see sshconfig.* and sshconfig_install.*).
#include <fmt/format.h>

#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "core/sshconfig.hpp"
#include "self_path.hpp"
#include "sshconfig_install.hpp"

namespace lxhost {

int run_ssh_config(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("ssh-config", args);
  if (!parsed) return 0;
  const bool install = parsed->has("--install");
  const bool uninstall = parsed->has("--uninstall");

  const SshConfigFiles files = ssh_config_files(ctx.paths());
  if (uninstall) {
    for (const std::string& line : uninstall_ssh_config(files).done) fmt::print("{}\n", line);
    return 0;
  }
  SshConfigRender how;
  how.lxhost_path = self_executable().string();
  if (ctx.config_path_required()) how.config_file = ctx.config_path();
  const std::string snippet = render_ssh_config(ctx.config(), how);
  if (!install) {
    fmt::print("{}", snippet);
    return 0;
  }
  for (const std::string& line : install_ssh_config(files, snippet).done) fmt::print("{}\n", line);
  return 0;
}

}  // namespace lxhost
