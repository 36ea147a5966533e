// The addresses `list` found no mDNS name for ($XDG_CACHE_HOME/lxhost/mdns-misses.tsv), each with
// when it first missed, remembered for kRememberMissesFor: the next list takes what the daemon
// has cached for them but does not wait for their answer (nobody announces a container's
// address unless it runs a responder). Pure: the caller reads and writes the file.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lxhost {

// A name announced after a miss lands in the daemon's cache with its announcement, and a
// remembered miss still takes what the cache has, so it shows at once; what this hides is only
// a responder too slow for list's short wait (or an answer the daemon no longer caches), and
// that is asked again within a minute. Running list over and over pays the wait once a minute.
inline constexpr std::chrono::seconds kRememberMissesFor{60};

struct MdnsMiss {
  std::string address;     // as lxc-ls printed it: "10.0.3.5", "fd42::5"
  std::int64_t since = 0;  // seconds since the epoch: when it first missed
};

// address<TAB>since lines; anything else (garbage, a field with a tab, a negative time) skipped.
std::vector<MdnsMiss> parse_misses(std::string_view text);
std::string render_misses(const std::vector<MdnsMiss>& misses);

// The addresses still remembered at `now` (missed less than kRememberMissesFor ago).
std::vector<std::string> remembered_misses(const std::vector<MdnsMiss>& misses, std::int64_t now);

// What to remember after a lookup of `asked` whose names are `names` (names[i] for asked[i],
// "" for none): an address that answered is forgotten; one that missed is remembered from its
// first miss (`now` when it was not remembered), so that it is waited for again once that
// expires; the rest of `misses` (other hosts' addresses) is kept until it expires. Sorted by
// address, each once.
std::vector<MdnsMiss> update_misses(const std::vector<MdnsMiss>& misses, const std::vector<std::string>& asked,
                                    const std::vector<std::string>& names, std::int64_t now);

// The addresses the last `list` of a host showed (listed-addresses-HOST.txt, one per line): the
// next list asks for their names while the host lists its containers, since an address answers
// with the same name whichever container holds it now. A line that cannot be an address (empty,
// over 64 bytes, a tab or control character) is skipped, and so is a repeat.
std::vector<std::string> parse_listed_addresses(std::string_view text);
std::string render_listed_addresses(const std::vector<std::string>& addresses);

}  // namespace lxhost
