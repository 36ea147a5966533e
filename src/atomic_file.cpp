#include "atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <fmt/format.h>
#include <sstream>
#include <vector>

#include "core/errors.hpp"

namespace lxhost {
namespace {

[[noreturn]] void fail(const std::string& path, std::string_view what, int error) {
  throw Failure(fmt::format("{}: cannot {}: {}", path, what, std::strerror(error)));
}

void make_parents(const std::filesystem::path& dir, mode_t dir_mode) {
  if (dir.empty() || std::filesystem::exists(dir)) return;
  make_parents(dir.parent_path(), dir_mode);
  if (::mkdir(dir.c_str(), dir_mode) != 0 && errno != EEXIST) fail(dir.string(), "create the directory", errno);
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content, mode_t mode, Replace replace,
                           mode_t dir_mode) {
  const std::filesystem::path target(path);
  make_parents(target.parent_path(), dir_mode);
  std::string pattern = path + ".tmp.XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) fail(path, "create a temporary file next to it", errno);
  const std::string temp(name.data());
  auto give_up = [&](std::string_view what) {
    const int error = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    fail(path, what, error);
  };
  std::string_view rest = content;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) give_up("write");
    rest.remove_prefix(static_cast<size_t>(n));
  }
  if (::fchmod(fd, mode) != 0) give_up("set the mode of");
  if (::fsync(fd) != 0) give_up("flush");
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    fail(path, "write", error);
  }
  if (replace == Replace::yes) {
    if (::rename(temp.c_str(), path.c_str()) != 0) {
      const int error = errno;
      ::unlink(temp.c_str());
      fail(path, "replace", error);
    }
    return;
  }
  // link() fails with EEXIST instead of replacing: no window where an existing file is lost.
  const int linked = ::link(temp.c_str(), path.c_str());
  const int error = errno;
  ::unlink(temp.c_str());
  if (linked != 0) {
    if (error == EEXIST) throw Failure(fmt::format("{}: already exists", path));
    fail(path, "create", error);
  }
}

std::string read_cache_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace lxhost
