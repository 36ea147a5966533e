#include <mach-o/dyld.h>

#include <cstdint>
#include <vector>

#include "core/errors.hpp"
#include "self_path.hpp"

namespace lxhost {

std::filesystem::path self_executable() {
  uint32_t size = 0;
  _NSGetExecutablePath(nullptr, &size);
  std::vector<char> buffer(size + 1, '\0');
  if (_NSGetExecutablePath(buffer.data(), &size) != 0) throw Failure("cannot find lxhost's own executable");
  std::error_code error;
  auto path = std::filesystem::canonical(buffer.data(), error);
  if (error) throw Failure("cannot find lxhost's own executable");
  return path;
}

}  // namespace lxhost
