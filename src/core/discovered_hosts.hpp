// The hosts `discover` has seen ($XDG_CACHE_HOME/lxhost/discovered.tsv), remembered across runs
// for `-H` completion: merged, one line per host, address, port and type, each with when it was
// last seen, and forgotten after a week unseen. Pure: the caller reads and writes the file.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lxhost {

struct DiscoveredHost {
  std::string host;  // "containers.local"
  std::string address;
  int port = 0;
  std::string type;  // "_ssh._tcp"
  std::int64_t last_seen = 0;  // seconds since the epoch
};

inline constexpr std::chrono::seconds kForgetDiscoveredAfter = std::chrono::hours(24 * 7);

// host<TAB>address<TAB>port<TAB>type<TAB>last_seen lines (port 1-65535, last_seen not negative);
// anything else (a line of an older lxhost without last_seen, garbage) is skipped.
std::vector<DiscoveredHost> parse_discovered(std::string_view text);
std::string render_discovered(const std::vector<DiscoveredHost>& hosts);

// What was remembered and what this run saw (stamped `now`): one entry per host, address, port
// and type with its latest time, those unseen for kForgetDiscoveredAfter dropped, sorted.
// Fields with a tab or a line break are left out (they cannot be host names anyway).
std::vector<DiscoveredHost> merge_discovered(const std::vector<DiscoveredHost>& remembered,
                                             const std::vector<DiscoveredHost>& seen, std::int64_t now);

// The host names to offer for -H: those that announced _ssh._tcp and are not forgotten, sorted,
// each once.
std::vector<std::string> ssh_hosts(const std::vector<DiscoveredHost>& hosts, std::int64_t now);

}  // namespace lxhost
