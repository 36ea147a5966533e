#include "core/lxc_output.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "core/errors.hpp"
#include "core/verbs.hpp"

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

LsLayout ls_layout(std::span<const std::string> args) {
  const Verb* ls = find_tool("lxc-ls");
  bool line = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (arg == "--fancy") return LsLayout::table;
    if (arg == "--line") line = true;
    if (arg.starts_with("--")) {
      if (arg.find('=') == std::string::npos && takes_value(*ls, arg)) ++i;
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-') continue;
    for (std::size_t j = 1; j < arg.size(); ++j) {
      if (arg[j] == 'f') return LsLayout::table;
      if (arg[j] == '1') line = true;
      if (takes_value(*ls, std::string{'-', arg[j]})) {
        if (j + 1 == arg.size()) ++i;
        break;
      }
    }
  }
  return line ? LsLayout::lines : LsLayout::names;
}

namespace {

// Each host's table into one: cells cut where the header's names start; the NAME column's cells
// (or a HOST column) say the host.
LsTable merge_tables(std::span<const HostLsOutput> outputs) {
  LsTable merged;
  for (const HostLsOutput& output : outputs) {
    const std::vector<std::string_view> lines = split_lines(output.text);
    std::size_t i = 0;
    while (i < lines.size() && trim(lines[i]).empty()) ++i;
    if (i == lines.size()) continue;  // no containers: lxc-ls prints no header either
    const std::string_view header = lines[i++];
    std::vector<std::size_t> starts;
    std::vector<std::string> names;
    for (std::size_t pos = header.find_first_not_of(blanks); pos != std::string_view::npos;
         pos = header.find_first_not_of(blanks, pos)) {
      const std::size_t end = std::min(header.find_first_of(blanks, pos), header.size());
      starts.push_back(pos);
      names.emplace_back(header.substr(pos, end - pos));
      pos = end;
    }
    const auto name_column = std::find(names.begin(), names.end(), "NAME");
    const bool has_name = name_column != names.end();
    const auto name_at = static_cast<std::size_t>(name_column - names.begin());
    if (!has_name) names.insert(names.begin(), "HOST");
    if (merged.header.empty()) merged.header = names;
    if (names != merged.header) unexpected(header);
    for (; i < lines.size(); ++i) {
      const std::string_view line = lines[i];
      if (trim(line).empty()) continue;
      std::vector<std::string> row;
      if (!has_name) row.push_back(output.host);
      for (std::size_t k = 0; k < starts.size(); ++k) {
        const std::size_t start = starts[k];
        const std::size_t end = k + 1 < starts.size() ? starts[k + 1] : line.size();
        const std::string_view cell = start < line.size() ? trim(line.substr(start, std::max(end, start) - start)) : "";
        row.emplace_back(has_name && k == name_at ? output.host + ":" + std::string(cell) : std::string(cell));
      }
      merged.rows.push_back(std::move(row));
    }
  }
  return merged;
}

}  // namespace

std::string render_ls_names(std::span<const std::string> names, std::size_t termwidth) {
  // lxc-ls's print_names: a line break when the next name would reach `termwidth`.
  std::size_t width = 4;
  for (const std::string& name : names) width = std::max(width, name.size());
  std::string out;
  std::size_t used = 0;
  for (const std::string& name : names) {
    out += name + std::string(width - name.size(), ' ');
    used += width;
    if (used + width >= termwidth) {
      out += '\n';
      used = 0;
    } else {
      out += ' ';
      ++used;
    }
  }
  if (used > 0) out += '\n';
  return out;
}

std::string render_ls_table(const LsTable& table) {
  if (table.header.empty()) return "";
  const auto holds_sizes = [&](std::size_t k) { return table.header[k] == "RAM" || table.header[k] == "SWAP"; };
  std::vector<std::size_t> widths(table.header.size(), 0);
  for (std::size_t k = 0; k < widths.size(); ++k) {
    widths[k] = std::max(table.header[k].size(), holds_sizes(k) ? std::string_view("0.00MB").size() : 0);
    for (const auto& row : table.rows) widths[k] = std::max(widths[k], row[k].size());
  }
  auto render = [&](const std::vector<std::string>& cells, bool header) {
    std::string line;
    for (std::size_t k = 0; k < cells.size(); ++k) {
      const std::string pad(widths[k] - cells[k].size(), ' ');
      line += !header && holds_sizes(k) && cells[k] != "-" ? pad + cells[k] : cells[k] + pad;
      line += ' ';
    }
    return line + '\n';
  };
  std::string out = render(table.header, true);
  for (const auto& row : table.rows) out += render(row, false);
  return out;
}

std::string merge_ls_outputs(LsLayout layout, std::span<const HostLsOutput> outputs, std::size_t termwidth) {
  if (layout == LsLayout::table) return render_ls_table(merge_tables(outputs));
  std::vector<std::string> names;
  for (const HostLsOutput& output : outputs) {
    for (std::string_view line : split_lines(output.text)) {
      for (std::size_t pos = line.find_first_not_of(blanks); pos != std::string_view::npos;
           pos = line.find_first_not_of(blanks, pos)) {
        const std::size_t end = std::min(line.find_first_of(blanks, pos), line.size());
        names.push_back(output.host + ":" + std::string(line.substr(pos, end - pos)));
        pos = end;
      }
    }
  }
  if (layout == LsLayout::names) return render_ls_names(names, termwidth);
  std::string out;
  for (const std::string& name : names) out += name + '\n';
  return out;
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
