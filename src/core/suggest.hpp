// "Did you mean ...?" for unknown verbs, config keys and host names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lxhost {

// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible typo
// (distance <= max(1, word.size() / 3), or `word` is a prefix of exactly one candidate).
// Ties go to the earlier candidate.
std::optional<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace lxhost
