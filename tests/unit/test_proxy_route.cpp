// The next step of `proxy` for a cached container, once the host has answered: every pair of
// answers.
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
