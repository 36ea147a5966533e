#include "core/discovered_hosts.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>

#include <fmt/format.h>

#include "core/tsv_lines.hpp"

namespace lxhost {
namespace {

bool forgotten(const DiscoveredHost& h, std::int64_t now) { return now - h.last_seen > kForgetDiscoveredAfter.count(); }

auto key(const DiscoveredHost& h) { return std::tie(h.host, h.address, h.port, h.type); }

template <class Number>
bool parse_number(std::string_view text, Number& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::vector<DiscoveredHost> parse_discovered(std::string_view text) {
  std::vector<DiscoveredHost> hosts;
  for_each_line(text, [&](std::string_view line) {
    const auto fields = tab_fields(line);
    if (fields.size() != 5 || !clean_field(fields[0]) || !clean_field(fields[1]) || !clean_field(fields[3])) return;
    DiscoveredHost h{std::string(fields[0]), std::string(fields[1]), 0, std::string(fields[3]), 0};
    if (!parse_number(fields[2], h.port) || !parse_number(fields[4], h.last_seen)) return;
    if (h.port < 1 || h.port > 65535 || h.last_seen < 0) return;  // and `now - last_seen` cannot overflow
    hosts.push_back(std::move(h));
  });
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
    return forgotten(h, now) || !clean_field(h.host) || !clean_field(h.address) || !clean_field(h.type);
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
