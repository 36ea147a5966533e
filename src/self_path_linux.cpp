#include <fmt/format.h>

#include <system_error>

#include "core/errors.hpp"
#include "self_path.hpp"

namespace lxhost {

std::filesystem::path self_executable() {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw Failure(fmt::format("cannot find lxhost's own executable (/proc/self/exe): {}", error.message()));
  return path;
}

}  // namespace lxhost
