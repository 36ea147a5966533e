#include "catch.hpp"

#include "core/mdns_misses.hpp"

using namespace lxhost;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;

std::vector<std::string> described(const std::vector<MdnsMiss>& misses) {
  std::vector<std::string> lines;
  lines.reserve(misses.size());
  for (const MdnsMiss& miss : misses) lines.push_back(miss.address + "@" + std::to_string(miss.since - kNow));
  return lines;
}

}  // namespace

TEST_CASE("mdns misses: the format reads back what it wrote, and skips what it did not", "[mdns_misses]") {
  const std::vector<MdnsMiss> misses = {{"10.0.3.5", kNow}, {"fd42::5", kNow - 3}};
  const std::string text = render_misses(misses);
  CHECK(text == "10.0.3.5\t1800000000\nfd42::5\t1799999997\n");
  CHECK(render_misses(parse_misses(text)) == text);
  CHECK(parse_misses("garbage\n\t5\n10.0.3.6\tsoon\n10.0.3.7\t-1\n10.0.3.8\t1\tx\n10.0.3.9\t\n").empty());
  CHECK(parse_misses("10.0.3.5\t7").size() == 1);  // no final newline
}

TEST_CASE("mdns misses: remembered for kRememberMissesFor, then waited for again", "[mdns_misses]") {
  const std::vector<MdnsMiss> misses = {{"10.0.3.5", kNow - 59}, {"10.0.3.6", kNow - 60}, {"10.0.3.7", kNow + 5}};
  CHECK(kRememberMissesFor == std::chrono::seconds(60));
  // A time ahead of the clock (it was set back) is not trusted.
  CHECK(remembered_misses(misses, kNow) == std::vector<std::string>{"10.0.3.5"});
}

TEST_CASE("mdns misses: answered ones are forgotten, new misses stamped, old ones keep their first miss",
          "[mdns_misses]") {
  const std::vector<MdnsMiss> before = {
      {"10.0.3.5", kNow - 30},  // misses again: keeps its time, so it expires and is asked again
      {"10.0.3.6", kNow - 10},  // answers now (its name was announced): forgotten
      {"10.0.3.9", kNow - 20},  // another host's: kept
      {"10.0.3.1", kNow - 60},  // expired: dropped
  };
  const std::vector<std::string> asked = {"10.0.3.6", "10.0.3.5", "10.0.3.7", "10.0.3.8"};
  const std::vector<std::string> names = {"web.local", "", "", "db.local"};
  CHECK(described(update_misses(before, asked, names, kNow)) ==
        std::vector<std::string>{"10.0.3.5@-30", "10.0.3.7@0", "10.0.3.9@-20"});
  // Missing names (a shorter answer) count as misses; an address with a tab is never written.
  CHECK(described(update_misses({}, {"10.0.3.5", "bad\taddress"}, {}, kNow)) == std::vector<std::string>{"10.0.3.5@0"});
}

TEST_CASE("listed addresses: the format reads back what it wrote, and skips what cannot be an address",
          "[mdns_misses]") {
  const std::vector<std::string> addresses = {"10.0.3.5", "fd42::5", "fe80::1%eth0"};
  CHECK(render_listed_addresses(addresses) == "10.0.3.5\nfd42::5\nfe80::1%eth0\n");
  CHECK(parse_listed_addresses(render_listed_addresses(addresses)) == addresses);
  CHECK(parse_listed_addresses("").empty());
  CHECK(parse_listed_addresses("\n\n10.0.3.5") == std::vector<std::string>{"10.0.3.5"});
  CHECK(parse_listed_addresses("10.0.3.5\n10.0.3.5\n") == std::vector<std::string>{"10.0.3.5"});
  CHECK(parse_listed_addresses("a b\n10.0.3.5\tx\n\x1b[2J\n" + std::string(65, '1') + "\n10.0.3.6\n") ==
        std::vector<std::string>{"10.0.3.6"});
}
