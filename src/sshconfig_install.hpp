// Installing the ssh_config snippet without ever harming the user's ~/.ssh/config: the snippet in
// its own file, one Include line first in ~/.ssh/config (their bytes, line endings and mode kept,
// edited through a symlink), the original saved once, and an uninstall that gives their bytes back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/paths.hpp"

namespace lxhost {

struct SshConfigFiles {
  std::string ssh_dir;  // ~/.ssh
  std::string config;   // ~/.ssh/config (maybe a symlink)
  std::string snippet;  // ~/.ssh/config.d/lxhost.conf
  std::string backup;   // ~/.ssh/config.lxhost-backup
  // ~/.ssh/config.d/.lxhost-made-this-directory: written when the install made config.d, so the
  // uninstall knows it may remove the directory (when nothing else is in it).
  std::string made_marker;
};
SshConfigFiles ssh_config_files(const Paths& paths);

// What an install or uninstall did, one line each, for the user.
struct SshConfigReport {
  std::vector<std::string> done;
};

// Throws Failure naming the file and the reason; a failure leaves every file as it was or
// complete (each write is atomic).
SshConfigReport install_ssh_config(const SshConfigFiles& files, std::string_view snippet);
SshConfigReport uninstall_ssh_config(const SshConfigFiles& files);

}  // namespace lxhost
