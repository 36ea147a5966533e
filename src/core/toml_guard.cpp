#include "core/toml_guard.hpp"

#include <algorithm>
#include <cstddef>

#include <fmt/format.h>

namespace lxhost {
namespace {

// toml++ 3.3 (Debian 12's) runs into __builtin_unreachable() (undefined behaviour) when it asks
// whether some non-ASCII characters are whitespace (a toml++ bug, fixed after 3.3; found by
// fuzz/fuzz_config): wherever it looks between tokens ("café = 1"), in the token of a number, date
// or time, which it reads up to a blank, ']', '}', ',' or '#' even through quotes (`a = 7'é'`),
// and right after a backslash (and blanks or line breaks) in a basic string. TOML allows non-ASCII
// only in strings and comments, so such a character is refused here, before toml++ reads the text.
// Valid TOML is refused only after a line-ending backslash, and in a key that starts with a digit
// or a sign and goes on with a quoted part (`1."é" = 2`).
struct NonAscii {
  std::size_t at;        // byte offset
  bool after_backslash;  // in a basic string, after a backslash (and blanks or line breaks)
};

std::optional<NonAscii> misread_non_ascii(std::string_view text) {
  const auto non_ascii = [](char c) { return static_cast<unsigned char>(c) >= 0x80; };
  const auto at = [&](std::size_t i) { return i < text.size() ? text[i] : '\0'; };
  const auto bare = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  };
  constexpr std::string_view terminators = " \t\n\v\f\r]},#";  // toml++'s is_value_terminator
  bool number = false;  // in what toml++ may read as a number, date or time
  std::size_t i = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // toml++ skips a UTF-8 BOM
  while (i < text.size()) {
    const char c = text[i];
    if (number && terminators.find(c) != std::string_view::npos) number = false;
    if (number) {
      if (non_ascii(c)) return NonAscii{i, false};
      ++i;
    } else if (c == '#') {  // a comment, to the end of the line
      i = std::min(text.find('\n', i), text.size());
    } else if (c == '"' || c == '\'') {
      const bool multi = at(i + 1) == c && at(i + 2) == c;
      i += multi ? 3 : 1;
      while (i < text.size()) {
        const char d = text[i];
        if (d == c && (!multi || (at(i + 1) == c && at(i + 2) == c))) {
          ++i;
          while (multi && at(i) == c) ++i;  // """ closes; up to two more quotes are the string's
          break;
        }
        if (d == '\n' && !multi) break;  // unterminated: toml++'s error
        if (d == '\\' && c == '"') {
          std::size_t end = i + 1;
          while (at(end) == ' ' || at(end) == '\t' || (multi && (at(end) == '\r' || at(end) == '\n'))) ++end;
          if (non_ascii(at(end))) return NonAscii{end, true};
          i = std::max(end, i + 2);
          continue;
        }
        ++i;
      }
    } else if (non_ascii(c)) {
      return NonAscii{i, false};
    } else {
      const bool token_start = i == 0 || !(bare(text[i - 1]) || text[i - 1] == '.');
      number = token_start && ((c >= '0' && c <= '9') || c == '+' || c == '-');
      ++i;
    }
  }
  return std::nullopt;
}

// "LINE:COL" of a byte offset, columns in code points as toml++ counts them.
std::string line_col(std::string_view text, std::size_t at) {
  const std::string_view before = text.substr(0, at);
  const std::size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  const auto continuation = [](char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; };
  const auto columns = std::count_if(before.begin() + static_cast<std::ptrdiff_t>(line_start), before.end(),
                                     [&](char c) { return !continuation(c); });
  return fmt::format("{}:{}", std::count(before.begin(), before.end(), '\n') + 1, columns + 1);
}

}  // namespace

std::optional<std::string> toml_misread(std::string_view text) {
  const std::optional<NonAscii> bad = misread_non_ascii(text);
  if (!bad) return std::nullopt;
  return fmt::format("{}: {}", line_col(text, bad->at),
                     bad->after_backslash
                         ? "a non-ASCII character right after a backslash (and blanks or a line break), which toml++ "
                           "3.3 misreads: write it as \\uXXXX"
                         : "invalid TOML: a non-ASCII character outside a string or comment");
}

}  // namespace lxhost
