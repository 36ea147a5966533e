// libFuzzer target: the reader of discovered.tsv (host names and addresses that came from the
// network) over any bytes. What it accepts has clean fields and sane numbers, is written back to
// the same entries, and merging and offering keep their promises (sorted, each once, nothing
// forgotten kept). abort() otherwise.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/discovered_hosts.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool clean(const std::string& field) { return !field.empty() && field.find_first_of("\t\r\n") == std::string::npos; }

bool same(const std::vector<lxhost::DiscoveredHost>& a, const std::vector<lxhost::DiscoveredHost>& b) {
  auto fields = [](const lxhost::DiscoveredHost& h) { return std::tie(h.host, h.address, h.port, h.type, h.last_seen); };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [&](const auto& x, const auto& y) { return fields(x) == fields(y); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::vector<lxhost::DiscoveredHost> parsed = lxhost::parse_discovered(text);
  std::int64_t now = 0;
  for (const lxhost::DiscoveredHost& h : parsed) {
    check(clean(h.host) && clean(h.address) && clean(h.type));
    check(h.port >= 1 && h.port <= 65535 && h.last_seen >= 0);
    now = std::max(now, h.last_seen);
  }
  check(same(lxhost::parse_discovered(lxhost::render_discovered(parsed)), parsed));

  const std::vector<lxhost::DiscoveredHost> merged = lxhost::merge_discovered(parsed, {}, now);
  check(merged.size() <= parsed.size());
  check(same(lxhost::parse_discovered(lxhost::render_discovered(merged)), merged));
  for (const lxhost::DiscoveredHost& h : merged)
    check(now - h.last_seen <= std::chrono::duration_cast<std::chrono::seconds>(lxhost::kForgetDiscoveredAfter).count());
  // Merging what was merged changes nothing.
  check(same(lxhost::merge_discovered(merged, {}, now), merged));

  const std::vector<std::string> offered = lxhost::ssh_hosts(parsed, now);
  check(std::is_sorted(offered.begin(), offered.end()));
  check(std::adjacent_find(offered.begin(), offered.end()) == offered.end());
  return 0;
}
