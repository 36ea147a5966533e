// Aligned text tables for humans (`list`, `discover`, `mux status`): columns separated by two
// spaces, the last column unpadded. Each cell is shown through printable() (control characters
// escaped) and padded by its display width, so wide, combining and escaped text lines up.
#pragma once

#include <string>
#include <vector>

namespace lxhost {

// `rows` hold raw text: render_table escapes it (callers must not, or a backslash doubles).
std::string render_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace lxhost
