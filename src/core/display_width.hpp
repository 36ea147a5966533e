// How many terminal columns text takes, for aligned tables: a wide (East Asian, emoji) character
// counts 2, a combining one 0. Pure, and the same on every machine (no locale, no wcwidth()).
#pragma once

#include <cstddef>
#include <string_view>

namespace lxhost {

// `shown` is text as it will be printed (printable()'s output: no control characters); an
// invalid UTF-8 byte counts as one column.
std::size_t display_width(std::string_view shown);

}  // namespace lxhost
