#include "core/cache.hpp"

#include <algorithm>
#include <cctype>

namespace lxhost {

std::string render_cache(const std::vector<ContainerRow>& rows) {
  std::string text(kCacheHeader);
  text += '\n';
  for (const ContainerRow& row : rows) {
    // LXC names cannot hold tabs or line breaks; a row that does is not written rather than
    // breaking the file's format.
    if (row.name.find_first_of("\t\r\n") != std::string::npos) continue;
    if (row.state.find_first_of("\t\r\n") != std::string::npos) continue;
    text.append(row.name).append(1, '\t').append(row.state).append(1, '\n');
  }
  return text;
}

std::optional<std::vector<CachedContainer>> parse_cache(std::string_view text) {
  const auto first_end = text.find('\n');
  if (first_end == std::string_view::npos || text.substr(0, first_end) != kCacheHeader) return std::nullopt;
  if (text.back() != '\n') return std::nullopt;  // truncated
  std::vector<CachedContainer> containers;
  size_t start = first_end + 1;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    const auto tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0 || line.find('\t', tab + 1) != std::string_view::npos)
      return std::nullopt;
    containers.push_back({std::string(line.substr(0, tab)), std::string(line.substr(tab + 1))});
  }
  return containers;
}

bool cache_fresh(std::chrono::system_clock::time_point written, std::chrono::system_clock::time_point now,
                 std::chrono::seconds ttl) {
  return now >= written && now - written < ttl;
}

bool cache_lists(const std::vector<CachedContainer>& containers, std::string_view name) {
  return std::any_of(containers.begin(), containers.end(),
                     [name](const CachedContainer& container) { return container.name == name; });
}

bool state_matches(std::string_view state, NameFilter filter) {
  switch (filter) {
    case NameFilter::running:
      return state == "RUNNING";
    case NameFilter::stopped:
      return state == "STOPPED";
    case NameFilter::frozen:
      return state == "FROZEN";
    case NameFilter::defined:
    case NameFilter::none:
      break;
  }
  return true;
}

}  // namespace lxhost
