// The small tab-separated state files lxhost keeps (mdns-misses.tsv, discovered.tsv,
// listed-addresses-HOST.txt): their lines, a line's fields, and whether a field can be written
// back without breaking the file. Pure.
#pragma once

#include <string_view>
#include <vector>

namespace lxhost {

// Calls fn(line) for each line of text, without its '\n'; the last line may lack one.
template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    const auto newline = text.find('\n');
    fn(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
  }
}

// The line's tab-separated fields: "" is one empty field, "a\t" two.
inline std::vector<std::string_view> tab_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const auto tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

// A field that is not empty and holds no tab or line break.
inline bool clean_field(std::string_view field) {
  return !field.empty() && field.find_first_of("\t\r\n") == std::string_view::npos;
}

}  // namespace lxhost
