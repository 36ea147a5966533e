// list's remembered mDNS misses (see mdns_misses.hpp).
#include "core/mdns_misses.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/tsv_lines.hpp"

namespace lxhost {
namespace {

bool remembered(const MdnsMiss& miss, std::int64_t now) {
  return miss.since <= now && now - miss.since < kRememberMissesFor.count();
}

}  // namespace

std::vector<MdnsMiss> parse_misses(std::string_view text) {
  std::vector<MdnsMiss> misses;
  for_each_line(text, [&](std::string_view line) {
    const auto tab = line.find('\t');
    if (tab == std::string_view::npos) return;
    const std::string_view address = line.substr(0, tab);
    const std::string_view since = line.substr(tab + 1);
    MdnsMiss miss{std::string(address), 0};
    const auto [end, error] = std::from_chars(since.data(), since.data() + since.size(), miss.since);
    if (!clean_field(address) || since.empty() || error != std::errc() || end != since.data() + since.size() ||
        miss.since < 0)
      return;
    misses.push_back(std::move(miss));
  });
  return misses;
}

std::vector<std::string> parse_listed_addresses(std::string_view text) {
  std::vector<std::string> addresses;
  for_each_line(text, [&](std::string_view line) {
    const bool address_like = !line.empty() && line.size() <= 64 &&
                              std::all_of(line.begin(), line.end(), [](char c) { return c > ' ' && c < 0x7f; });
    if (address_like && std::find(addresses.begin(), addresses.end(), line) == addresses.end())
      addresses.emplace_back(line);
  });
  return addresses;
}

std::string render_listed_addresses(const std::vector<std::string>& addresses) {
  std::string text;
  for (const std::string& address : addresses) text += address + "\n";
  return text;
}

std::string render_misses(const std::vector<MdnsMiss>& misses) {
  std::string text;
  for (const MdnsMiss& miss : misses) text += fmt::format("{}\t{}\n", miss.address, miss.since);
  return text;
}

std::vector<std::string> remembered_misses(const std::vector<MdnsMiss>& misses, std::int64_t now) {
  std::vector<std::string> addresses;
  for (const MdnsMiss& miss : misses)
    if (remembered(miss, now)) addresses.push_back(miss.address);
  return addresses;
}

std::vector<MdnsMiss> update_misses(const std::vector<MdnsMiss>& misses, const std::vector<std::string>& asked,
                                    const std::vector<std::string>& names, std::int64_t now) {
  std::vector<MdnsMiss> kept;
  for (const MdnsMiss& miss : misses) {
    const auto it = std::find(asked.begin(), asked.end(), miss.address);
    const bool answered = it != asked.end() && static_cast<std::size_t>(it - asked.begin()) < names.size() &&
                          !names[static_cast<std::size_t>(it - asked.begin())].empty();
    if (remembered(miss, now) && !answered && clean_field(miss.address)) kept.push_back(miss);
  }
  for (std::size_t i = 0; i < asked.size(); ++i) {
    const bool missed = i >= names.size() || names[i].empty();
    const bool known = std::any_of(kept.begin(), kept.end(), [&](const MdnsMiss& m) { return m.address == asked[i]; });
    if (missed && !known && clean_field(asked[i])) kept.push_back({asked[i], now});
  }
  std::sort(kept.begin(), kept.end(), [](const MdnsMiss& a, const MdnsMiss& b) { return a.address < b.address; });
  kept.erase(std::unique(kept.begin(), kept.end(), [](const MdnsMiss& a, const MdnsMiss& b) { return a.address == b.address; }),
             kept.end());
  return kept;
}

}  // namespace lxhost
