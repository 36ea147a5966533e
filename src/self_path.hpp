// The running lxhost's own executable (for install-links). One file per platform.
#pragma once

#include <filesystem>

namespace lxhost {

// Throws Failure when the platform cannot say.
std::filesystem::path self_executable();

}  // namespace lxhost
