#include "sshconfig_install.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "atomic_file.hpp"
#include "core/errors.hpp"
#include "core/sshconfig.hpp"

namespace fs = std::filesystem;

namespace lxhost {
namespace {

struct ExistingFile {
  std::string path;  // the real file (through a symlink)
  std::optional<std::string> text;  // nullopt: it does not exist
  mode_t mode = 0600;
};

// The file `path` names, followed through symlinks, with its text and mode.
ExistingFile read_through_links(const std::string& path) {
  ExistingFile file;
  file.path = path;
  std::error_code error;
  if (fs::is_symlink(fs::symlink_status(path, error))) {
    // canonical, not weakly_canonical: a dangling link must fail here, not be replaced by a file.
    const fs::path target = fs::canonical(path, error);
    if (error) throw Failure(fmt::format("{}: cannot follow the symlink: {}", path, error.message()));
    file.path = target.string();
  }
  struct stat st {};
  if (::stat(file.path.c_str(), &st) != 0) {
    if (errno == ENOENT) return file;
    throw Failure(fmt::format("{}: {}", file.path, std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) throw Failure(fmt::format("{}: not a regular file", file.path));
  std::ifstream in(file.path, std::ios::binary);
  if (!in) throw Failure(fmt::format("{}: cannot be read: {}", file.path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  file.text = text.str();
  file.mode = st.st_mode & 07777;
  return file;
}

// Whether it made the directory.
bool make_private_dir(const std::string& dir, SshConfigReport& report) {
  std::error_code error;
  if (fs::exists(dir, error)) return false;
  if (::mkdir(dir.c_str(), 0700) != 0) {
    if (errno == EEXIST) return false;
    throw Failure(fmt::format("{}: cannot create the directory: {}", dir, std::strerror(errno)));
  }
  report.done.push_back(fmt::format("created {} (0700)", dir));
  return true;
}

}  // namespace

SshConfigFiles ssh_config_files(const Paths& paths) {
  return {paths.ssh_dir, paths.ssh_dir + "/config", paths.ssh_dir + "/config.d/lxhost.conf",
          paths.ssh_dir + "/config.lxhost-backup", paths.ssh_dir + "/config.d/.lxhost-made-this-directory"};
}

SshConfigReport install_ssh_config(const SshConfigFiles& files, std::string_view snippet) {
  SshConfigReport report;
  // Read first: a config that cannot be edited (a dangling link, a directory) leaves nothing written.
  const ExistingFile config = read_through_links(files.config);
  const std::string before = config.text.value_or("");
  make_private_dir(files.ssh_dir, report);
  if (make_private_dir(fs::path(files.snippet).parent_path().string(), report))
    write_file_atomically(files.made_marker, "lxhost ssh-config --install made this directory; --uninstall removes it when "
                          "nothing else is in it.\n", 0600);
  write_file_atomically(files.snippet, snippet, 0600);
  report.done.push_back(fmt::format("wrote {}", files.snippet));

  if (has_include(before)) {
    report.done.push_back(fmt::format("{} already includes it", files.config));
    return report;
  }
  if (config.text && ::access(files.backup.c_str(), F_OK) != 0) {
    write_file_atomically(files.backup, before, config.mode, Replace::no);
    report.done.push_back(fmt::format("saved the original as {}", files.backup));
  }
  write_file_atomically(config.path, with_include(before), config.mode);
  report.done.push_back(fmt::format("{} {} with `{}` first", config.text ? "edited" : "created", files.config, kIncludeLine));
  return report;
}

SshConfigReport uninstall_ssh_config(const SshConfigFiles& files) {
  SshConfigReport report;
  const ExistingFile config = read_through_links(files.config);
  if (config.text) {
    const std::string after = without_include(*config.text);
    if (after != *config.text) {
      // Created by the install (no original was saved) and now empty: it goes, as it came.
      if (after.empty() && ::access(files.backup.c_str(), F_OK) != 0) {
        if (::unlink(config.path.c_str()) != 0)
          throw Failure(fmt::format("{}: cannot remove: {}", config.path, std::strerror(errno)));
        report.done.push_back(fmt::format("removed {} (lxhost had created it)", files.config));
      } else {
        write_file_atomically(config.path, after, config.mode);
        report.done.push_back(fmt::format("removed `{}` from {}", kIncludeLine, files.config));
      }
    } else if (has_include(*config.text)) {
      // Not first any more (moved, or something put above it): the user's edit; left as it is.
      report.done.push_back(fmt::format("left `{}` in {}: it is not the first line, so it is yours now (ssh "
                                        "ignores it once the snippet is gone)",
                                        kIncludeLine, files.config));
    }
  }
  if (::unlink(files.snippet.c_str()) == 0) report.done.push_back(fmt::format("removed {}", files.snippet));
  else if (errno != ENOENT) throw Failure(fmt::format("{}: cannot remove: {}", files.snippet, std::strerror(errno)));
  // The directory the install made goes too, unless something else lives in it now.
  if (::unlink(files.made_marker.c_str()) == 0) {
    const std::string dir = fs::path(files.made_marker).parent_path().string();
    if (::rmdir(dir.c_str()) == 0) report.done.push_back(fmt::format("removed {} (lxhost had created it)", dir));
    else report.done.push_back(fmt::format("left {}: other files are in it", dir));
  }
  if (report.done.empty()) report.done.push_back("nothing to remove");
  return report;
}

}  // namespace lxhost
