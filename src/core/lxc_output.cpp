#include "core/lxc_output.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "core/errors.hpp"

namespace lxhost {

namespace {

constexpr std::string_view blanks = " \t\r\n\v\f";

std::string_view trim(std::string_view s) {
  const std::size_t first = s.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  const std::size_t last = s.find_last_not_of(blanks);
  return s.substr(first, last - first + 1);
}

// The lines of `text`, a final line without '\n' included, '\r' before '\n' dropped.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// A line quoted in an error message: at most 80 bytes, anything but printable ASCII as \xNN.
std::string shown(std::string_view line) {
  constexpr std::size_t max = 80;
  std::string out;
  for (char c : line.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out.push_back(c);
    } else {
      std::array<char, 5> hex{};
      (void)std::snprintf(hex.data(), hex.size(), "\\x%02x", static_cast<unsigned>(u));  // 4 chars: always fits
      out += hex.data();
    }
  }
  if (line.size() > max) out += "...";
  return out;
}

[[noreturn]] void unexpected(std::string_view line) {
  throw Failure("unexpected lxc-ls output: " + shown(line));
}

// "a, b" -> {a, b}; "-" -> {}.
std::vector<std::string> split_list(std::string_view value) {
  std::vector<std::string> items;
  if (value == "-") return items;
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    const std::string_view item = trim(value.substr(0, comma));
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return items;
}

}  // namespace

std::vector<ContainerRow> parse_lxc_ls_fancy(std::string_view text) {
  const std::vector<std::string_view> lines = split_lines(text);
  std::size_t i = 0;
  while (i < lines.size() && trim(lines[i]).empty()) ++i;
  if (i == lines.size()) return {};

  // The header: the four field names; each column starts where its name starts.
  const std::string_view header = lines[i++];
  constexpr std::array<std::string_view, 4> fields = {"NAME", "STATE", "IPV4", "IPV6"};
  std::array<std::size_t, fields.size()> starts{};
  std::size_t pos = 0;
  for (std::size_t k = 0; k < fields.size(); ++k) {
    const std::size_t start = header.find_first_not_of(blanks, pos);
    if (start == std::string_view::npos) unexpected(header);
    const std::size_t end = std::min(header.find_first_of(blanks, start), header.size());
    if (header.substr(start, end - start) != fields[k]) unexpected(header);
    starts[k] = start;
    pos = end;
  }
  if (!trim(header.substr(pos)).empty()) unexpected(header);

  std::vector<ContainerRow> rows;
  for (; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (trim(line).empty()) continue;
    std::array<std::string_view, fields.size()> values{};
    for (std::size_t k = 0; k < fields.size(); ++k) {
      const std::size_t start = starts[k];
      const std::size_t end = k + 1 < fields.size() ? starts[k + 1] : line.size();
      if (start < line.size()) values[k] = trim(line.substr(start, std::max(end, start) - start));
    }
    if (values[0].empty()) unexpected(line);
    ContainerRow row;
    row.name = values[0];
    row.state = values[1];
    row.ipv4 = split_list(values[2]);
    row.ipv6 = split_list(values[3]);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> parse_lxc_info_ips(std::string_view text) {
  std::vector<std::string> ips;
  for (std::string_view line : split_lines(text)) {
    const std::string_view ip = trim(line);
    if (!ip.empty()) ips.emplace_back(ip);
  }
  return ips;
}

}  // namespace lxhost
