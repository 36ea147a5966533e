#include "core/text_table.hpp"

#include <algorithm>

#include "core/discovery.hpp"
#include "core/display_width.hpp"

namespace lxhost {

std::string render_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::vector<std::string>> shown;
  std::vector<size_t> width;
  for (const auto& row : rows) {
    auto& cells = shown.emplace_back();
    if (width.size() < row.size()) width.resize(row.size());
    for (size_t i = 0; i < row.size(); ++i) {
      cells.push_back(printable(row[i]));
      width[i] = std::max(width[i], display_width(cells.back()));
    }
  }
  std::string text;
  for (const auto& cells : shown) {
    for (size_t i = 0; i < cells.size(); ++i) {
      text += cells[i];
      if (i + 1 < cells.size()) text.append(width[i] - display_width(cells[i]) + 2, ' ');
    }
    text += '\n';
  }
  return text;
}

}  // namespace lxhost
