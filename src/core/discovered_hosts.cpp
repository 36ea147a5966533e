#include "core/discovered_hosts.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>

#include <fmt/format.h>

namespace lxhost {
namespace {

bool clean(std::string_view field) { return !field.empty() && field.find_first_of("\t\r\n") == std::string_view::npos; }

bool forgotten(const DiscoveredHost& h, std::int64_t now) { return now - h.last_seen > kForgetDiscoveredAfter.count(); }

auto key(const DiscoveredHost& h) { return std::tie(h.host, h.address, h.port, h.type); }

template <class Number>
bool parse_number(std::string_view text, Number& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> fields;
  for (size_t start = 0;;) {
    const auto tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

}  // namespace

std::vector<DiscoveredHost> parse_discovered(std::string_view text) {
  std::vector<DiscoveredHost> hosts;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    const auto fields = fields_of(line);
    if (fields.size() != 5 || !clean(fields[0]) || !clean(fields[1]) || !clean(fields[3])) continue;
    DiscoveredHost h{std::string(fields[0]), std::string(fields[1]), 0, std::string(fields[3]), 0};
    if (!parse_number(fields[2], h.port) || !parse_number(fields[4], h.last_seen)) continue;
    if (h.port < 1 || h.port > 65535 || h.last_seen < 0) continue;  // and `now - last_seen` cannot overflow
    hosts.push_back(std::move(h));
  }
  return hosts;
}

std::string render_discovered(const std::vector<DiscoveredHost>& hosts) {
  std::string text;
  for (const DiscoveredHost& h : hosts)
    text += fmt::format("{}\t{}\t{}\t{}\t{}\n", h.host, h.address, h.port, h.type, h.last_seen);
  return text;
}

std::vector<DiscoveredHost> merge_discovered(const std::vector<DiscoveredHost>& remembered,
                                             const std::vector<DiscoveredHost>& seen, std::int64_t now) {
  std::vector<DiscoveredHost> all;
  for (DiscoveredHost h : seen) {
    h.last_seen = now;
    all.push_back(std::move(h));
  }
  all.insert(all.end(), remembered.begin(), remembered.end());
  std::erase_if(all, [&](const DiscoveredHost& h) {
    return forgotten(h, now) || !clean(h.host) || !clean(h.address) || !clean(h.type);
  });
  // The latest sighting of each first, so that unique() keeps it.
  std::stable_sort(all.begin(), all.end(), [](const DiscoveredHost& a, const DiscoveredHost& b) {
    return std::tuple_cat(key(a), std::tuple(-a.last_seen)) < std::tuple_cat(key(b), std::tuple(-b.last_seen));
  });
  all.erase(std::unique(all.begin(), all.end(), [](const DiscoveredHost& a, const DiscoveredHost& b) { return key(a) == key(b); }),
            all.end());
  return all;
}

std::vector<std::string> ssh_hosts(const std::vector<DiscoveredHost>& hosts, std::int64_t now) {
  std::vector<std::string> names;
  for (const DiscoveredHost& h : hosts)
    if (h.type == "_ssh._tcp" && !forgotten(h, now)) names.push_back(h.host);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace lxhost
