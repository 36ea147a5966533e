#include "catch.hpp"

#include "core/discovered_hosts.hpp"

using namespace lxhost;

namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::int64_t kWeek = std::int64_t{7} * 24 * 3600;

DiscoveredHost seen(std::string host, std::string type = "_ssh._tcp", std::string address = "10.203.0.1") {
  return {std::move(host), std::move(address), 22, std::move(type), 0};
}

std::vector<std::string> hosts_of(const std::vector<DiscoveredHost>& hosts) {
  std::vector<std::string> names;
  names.reserve(hosts.size());
  for (const DiscoveredHost& h : hosts) names.push_back(h.host + "/" + h.type + "@" + std::to_string(h.last_seen));
  return names;
}

}  // namespace

TEST_CASE("discovered hosts: the format reads back what it wrote, and skips what it did not", "[discovered]") {
  const std::vector<DiscoveredHost> hosts = {{"containers.local", "10.203.0.1", 2222, "_ssh._tcp", kNow},
                                             {"web.local", "fd42:203::10", 22, "_workstation._tcp", kNow - 5}};
  const std::string text = render_discovered(hosts);
  CHECK(text == "containers.local\t10.203.0.1\t2222\t_ssh._tcp\t1800000000\n"
                "web.local\tfd42:203::10\t22\t_workstation._tcp\t1799999995\n");
  CHECK(render_discovered(parse_discovered(text)) == text);
  // An older lxhost's line (no time), garbage, a bad port, an empty host, a time before 1970: skipped.
  CHECK(parse_discovered("pub.local\t10.203.0.3\t22\t_ssh._tcp\n"
                         "garbage\n"
                         "a.local\t1.2.3.4\tport\t_ssh._tcp\t1\n"
                         "\t1.2.3.4\t22\t_ssh._tcp\t1\n"
                         "b.local\t1.2.3.4\t22\t_ssh._tcp\tsoon\n"
                         "c.local\t1.2.3.4\t0\t_ssh._tcp\t1\n"
                         "d.local\t1.2.3.4\t65536\t_ssh._tcp\t1\n"
                         "e.local\t1.2.3.4\t22\t_ssh._tcp\t-9223372036854775808\n"
                         "ok.local\t1.2.3.4\t22\t_ssh._tcp\t7")
            .size() == 1);
}

TEST_CASE("discovered hosts: merged across runs, each once, forgotten after a week unseen", "[discovered]") {
  const std::vector<DiscoveredHost> remembered = {
      {"containers.local", "10.203.0.1", 2222, "_ssh._tcp", kNow - 3600},
      {"old.local", "10.203.0.7", 22, "_ssh._tcp", kNow - kWeek - 1},
      {"week.local", "10.203.0.8", 22, "_ssh._tcp", kNow - kWeek},
  };
  SECTION("a browse of another type forgets nothing") {
    const auto merged = merge_discovered(remembered, {seen("pub.local", "_lxhost-hostile._tcp", "10.203.0.3")}, kNow);
    CHECK(hosts_of(merged) == std::vector<std::string>{"containers.local/_ssh._tcp@1799996400",
                                                       "pub.local/_lxhost-hostile._tcp@1800000000",
                                                       "week.local/_ssh._tcp@1799395200"});
  }
  SECTION("the same instance seen many times is one line with its latest time") {
    const auto merged = merge_discovered(remembered,
                                         {seen("pub.local"), seen("pub.local"), seen("pub.local"),
                                          {"containers.local", "10.203.0.1", 2222, "_ssh._tcp", 0}},
                                         kNow);
    CHECK(hosts_of(merged) == std::vector<std::string>{"containers.local/_ssh._tcp@1800000000",
                                                       "pub.local/_ssh._tcp@1800000000",
                                                       "week.local/_ssh._tcp@1799395200"});
  }
  SECTION("fields that would break the format are left out") {
    CHECK(merge_discovered({}, {seen("evil\nhost.local"), seen("tab\t.local"), seen("")}, kNow).empty());
  }
}

TEST_CASE("discovered hosts: -H offers those that announced SSH, sorted, each once", "[discovered]") {
  const std::vector<DiscoveredHost> hosts = {
      {"web.local", "10.203.0.10", 0, "_workstation._tcp", kNow},
      {"pub.local", "10.203.0.3", 22, "_ssh._tcp", kNow},
      {"containers.local", "10.203.0.1", 2222, "_ssh._tcp", kNow},
      {"containers.local", "fd42:203::1", 2222, "_ssh._tcp", kNow},
      {"gone.local", "10.203.0.9", 22, "_ssh._tcp", kNow - kWeek - 1},
  };
  CHECK(ssh_hosts(hosts, kNow) == std::vector<std::string>{"containers.local", "pub.local"});
}
