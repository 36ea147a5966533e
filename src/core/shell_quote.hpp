// POSIX sh quoting: the remote login shell re-parses the exec line, so every word is quoted.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace lxhost {

// One word that a POSIX shell reads back as exactly `word`, byte for byte (any bytes but NUL).
// Words made only of [A-Za-z0-9_@%+=:,./-] (not empty, not starting with `=`, which zsh expands)
// stay as they are; anything else is single-quoted, with each ' written as '\''.
std::string quote_word(std::string_view word);

// The words quoted and joined by single spaces.
std::string quote_words(std::span<const std::string> words);

}  // namespace lxhost
