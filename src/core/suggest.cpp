#include "core/suggest.hpp"

#include <algorithm>

namespace lxhost {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows: the transposition case looks two rows back.
  const std::size_t n = b.size();
  std::vector<std::size_t> before_prev(n + 1), prev(n + 1), cur(n + 1);
  for (std::size_t j = 0; j <= n; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= n; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], before_prev[j - 2] + 1);
      }
    }
    std::swap(before_prev, prev);
    std::swap(prev, cur);
  }
  return prev[n];
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates) {
  // An empty word is a prefix of everything and close to every short name: suggest nothing.
  if (word.empty()) return std::nullopt;

  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const std::string& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (best == nullptr || d < best_distance) {
      best = &candidate;
      best_distance = d;
    }
  }
  if (best != nullptr && best_distance <= std::max<std::size_t>(1, word.size() / 3)) return *best;

  const std::string* prefixed = nullptr;
  for (const std::string& candidate : candidates) {
    if (candidate.starts_with(word)) {
      if (prefixed != nullptr && *prefixed != candidate) return std::nullopt;
      prefixed = &candidate;
    }
  }
  if (prefixed != nullptr) return *prefixed;
  return std::nullopt;
}

}  // namespace lxhost
