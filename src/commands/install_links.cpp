// `install-links DIR`: an lxc-VERB link to lxhost for every verb, never over a file that is not
// already a link to lxhost. Nothing is written unless every name is free or ours.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>
#include <vector>

#include "commands/args.hpp"
#include "commands/commands.hpp"
#include "self_path.hpp"

namespace fs = std::filesystem;

namespace lxhost {
namespace {

// A link is ours when it resolves to the same file as the running lxhost.
bool links_to(const fs::path& link, const fs::path& self) {
  std::error_code error;
  if (!fs::is_symlink(fs::symlink_status(link, error))) return false;
  return fs::equivalent(link, self, error);
}

}  // namespace

int run_install_links(Context& ctx, std::span<const std::string> args) {
  const auto parsed = parse_args("install-links", args);
  if (!parsed) return 0;
  const std::string dir_arg = parsed->value("DIR").value_or("");

  const fs::path dir(dir_arg);
  std::error_code error;
  if (!fs::is_directory(dir, error)) throw Failure(fmt::format("{}: not a directory", dir_arg));
  const fs::path self = self_executable();
  // Next to lxhost itself (cmake --install, DESTDIR too) the link is relative: "lxhost".
  const fs::path target = fs::equivalent(dir, self.parent_path(), error) ? self.filename() : self;

  std::vector<fs::path> wanted, conflicts;
  for (const Verb& verb : verb_table()) wanted.push_back(dir / verb.tool);
  for (const fs::path& link : wanted) {
    const auto status = fs::symlink_status(link, error);
    if (fs::exists(status) || fs::is_symlink(status))
      if (!links_to(link, self)) conflicts.push_back(link);
  }
  if (!conflicts.empty())
    throw Failure(fmt::format("{} exists and is not a link to lxhost{}: no links made", conflicts.front().string(),
                              conflicts.size() > 1 ? fmt::format(" (and {} more)", conflicts.size() - 1) : ""),
                  "remove or rename those files, or choose another directory");

  for (const fs::path& link : wanted) {
    // Make the link under a temporary name, then rename over: never a moment without a link.
    const fs::path temp = link.string() + ".lxhost-tmp";
    fs::remove(temp, error);
    fs::create_symlink(target, temp, error);
    if (!error) fs::rename(temp, link, error);
    if (error) {
      fs::remove(temp, error);
      throw Failure(fmt::format("{}: cannot create the link: {}", link.string(), error.message()));
    }
  }
  ctx.log().debug("linked {} tools in {} to {}", wanted.size(), dir.string(), target.string());
  fmt::print("{} lxc-* links in {} point to {}\n", wanted.size(), dir.string(), target.string());
  return 0;
}

}  // namespace lxhost
