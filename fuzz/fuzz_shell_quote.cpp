// libFuzzer target: quote_words and quote_word. The input, split at NUL bytes (which no word can
// hold), is a command line's words; the quoted line must hold nothing a shell treats specially
// outside quotes, and a POSIX sh reading of it must give back exactly the words. abort() otherwise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/shell_quote.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// Bytes that no POSIX shell, bash or zsh treats specially anywhere in an unquoted word (a leading
// '=' aside: zsh's =cmd, checked below). Written out here rather than taken from shell_quote.cpp.
bool is_inert(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
}

// The words sh reads from `line`, for the part of sh's syntax that quoting needs: words split at
// spaces, '...' (anything but ' inside), \c outside quotes, and inert bytes. nullopt for anything
// else outside quotes (a metacharacter, an expansion, a glob, a comment, a tab or line break, a
// leading '=' or '~', an unterminated quote), which a quoted line must never hold.
std::optional<std::vector<std::string>> sh_words(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      const std::size_t close = line.find('\'', i + 1);
      if (close == std::string_view::npos) return std::nullopt;
      word.append(line.substr(i + 1, close - i - 1));
      in_word = true;
      i = close;
    } else if (c == '\\') {
      if (i + 1 == line.size() || line[i + 1] == '\n') return std::nullopt;
      word.push_back(line[++i]);
      in_word = true;
    } else {
      if (!is_inert(c) || (!in_word && c == '=')) return std::nullopt;
      word.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> words;
  while (true) {
    const std::size_t nul = input.find('\0');
    words.emplace_back(input.substr(0, nul));
    if (nul == std::string_view::npos) break;
    input.remove_prefix(nul + 1);
  }

  const std::string line = lxhost::quote_words(words);
  const std::optional<std::vector<std::string>> read = sh_words(line);
  check(read.has_value());
  check(*read == words);

  // quote_word is quote_words for one word, and reads back alone too.
  for (const std::string& word : words) {
    const std::string quoted = lxhost::quote_word(word);
    check(line.find(quoted) != std::string::npos);
    const auto one = sh_words(quoted);
    check(one.has_value() && one->size() == 1 && one->front() == word);
  }
  return 0;
}
