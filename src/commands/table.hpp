// Aligned text tables for humans (`list`, `discover`): columns separated by two spaces, the last
// column unpadded. Widths count UTF-8 code points, so `printable()` text lines up.
#pragma once

#include <string>
#include <vector>

namespace lxhost {

std::string render_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace lxhost
