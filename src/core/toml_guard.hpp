// A guard in front of toml++ 3.3 (Debian 12's), which runs into __builtin_unreachable()
// (undefined behaviour) on some non-ASCII characters outside strings and comments: such text is
// refused with its line and column before toml++ reads it. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lxhost {

// "LINE:COL: message" for the first non-ASCII character of `text` that toml++ 3.3 would misread,
// or nullopt when toml++ may read the text.
std::optional<std::string> toml_misread(std::string_view text);

}  // namespace lxhost
