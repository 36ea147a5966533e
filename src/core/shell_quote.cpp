#include "core/shell_quote.hpp"

namespace lxhost {

namespace {

bool is_plain_byte(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '_': case '@': case '%': case '+': case '=': case ':': case ',': case '.': case '/':
    case '-':
      return true;
    default:
      return false;
  }
}

// A plain word survives any POSIX shell unquoted. A leading '=' is quoted anyway: zsh (a common
// login shell even where sh is assumed) expands `=cmd` to cmd's path.
bool is_plain_word(std::string_view word) {
  if (word.empty() || word.front() == '=') return false;
  for (char c : word) {
    if (!is_plain_byte(c)) return false;
  }
  return true;
}

void append_quoted(std::string& out, std::string_view word) {
  if (is_plain_word(word)) {
    out.append(word);
    return;
  }
  out.push_back('\'');
  for (char c : word) {
    if (c == '\'') {
      out.append("'\\''");
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\'');
}

}  // namespace

std::string quote_word(std::string_view word) {
  std::string out;
  out.reserve(word.size() + 2);
  append_quoted(out, word);
  return out;
}

std::string quote_words(std::span<const std::string> words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i != 0) out.push_back(' ');
    append_quoted(out, words[i]);
  }
  return out;
}

}  // namespace lxhost
