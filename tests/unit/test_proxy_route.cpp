// The next step of `proxy` for a cached container, once the host has answered: every pair of
// answers.
#include <string>
#include <vector>

#include "catch.hpp"
#include "core/proxy_route.hpp"

using namespace lxhost;

TEST_CASE("race_step: mDNS that answered first is tried directly, whatever the host said", "[proxy]") {
  CHECK(race_step(HostAnswer::address, MdnsAnswer::addresses) == ProxyStep::direct);
  CHECK(race_step(HostAnswer::none, MdnsAnswer::addresses) == ProxyStep::direct);
}

TEST_CASE("race_step: the host's address is used at once while mDNS is still asking, or found nothing", "[proxy]") {
  CHECK(race_step(HostAnswer::address, MdnsAnswer::pending) == ProxyStep::through_host);
  CHECK(race_step(HostAnswer::address, MdnsAnswer::none) == ProxyStep::through_host);
}

TEST_CASE("race_step: with no address from the host, mDNS is waited for, and nothing from both fails", "[proxy]") {
  CHECK(race_step(HostAnswer::none, MdnsAnswer::pending) == ProxyStep::wait_for_mdns);
  CHECK(race_step(HostAnswer::none, MdnsAnswer::none) == ProxyStep::unreachable);
}

TEST_CASE("split_hosted_name: HOST--NAME.local is NAME.local of the configured host HOST", "[proxy]") {
  const std::vector<std::string> hosts = {"lab", "builds", "my-vm"};
  using lxhost::split_hosted_name;
  auto hosted = split_hosted_name("builds--web.local", hosts);
  REQUIRE(hosted);
  CHECK(hosted->host == "builds");
  CHECK(hosted->name == "web.local");
  hosted = split_hosted_name("Builds--Web.LOCAL.", hosts);  // DNS names have no case; the root's dot
  REQUIRE(hosted);
  CHECK(hosted->host == "builds");
  CHECK(hosted->name == "Web.local");
  CHECK(split_hosted_name("my-vm--db--1.local", hosts)->name == "db--1.local");
  CHECK(!split_hosted_name("db--1--lab.local", hosts));  // "--" in a container's own name
  CHECK(!split_hosted_name("other--web.local", hosts));  // not a configured host
  CHECK(!split_hosted_name("builds--.local", hosts));
  CHECK(!split_hosted_name("builds--web.example.com", hosts));
  CHECK(!split_hosted_name("web.local", hosts));
}
