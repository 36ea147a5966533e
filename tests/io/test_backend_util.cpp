// What the two mDNS backends share (src/discovery/backend_util.hpp): it asks the system for
// interface names, so it is tested here, beside the other tests that touch the system.
#include <chrono>
#include <string>

#include "catch.hpp"
#include "discovery/backend_util.hpp"

TEST_CASE("backend helpers: addresses, DNS names, waits") {
  using namespace lxhost::mdns;
  using namespace std::string_literals;
  SECTION("address text; a link-local IPv6 address keeps its zone, or is dropped") {
    const unsigned char v4[4] = {10, 203, 0, 1};
    CHECK(address_text(AF_INET, v4, 0) == "10.203.0.1");
    unsigned char v6[16] = {0xfd, 0x42, 0x02, 0x03};
    v6[15] = 1;
    CHECK(address_text(AF_INET6, v6, 0) == "fd42:203::1");
    unsigned char link_local[16] = {0xfe, 0x80};
    link_local[15] = 1;
    CHECK(address_text(AF_INET6, link_local, 1) == "fe80::1%" + interface_name(1));
    CHECK(address_text(AF_INET6, link_local, 0).empty());
  }
  SECTION("interface names fall back to the index") {
    CHECK(interface_name(0).empty());
    CHECK(interface_name(1) == "lo");  // the loopback is index 1 in every network namespace
    CHECK(interface_name(999999) == "999999");
  }
  SECTION("reverse names") {
    CHECK(reverse_name("10.203.0.1") == "1.0.203.10.in-addr.arpa.");
    // fd42:0203:0000:0000:0000:0000:0000:0010, nibble by nibble from the end
    std::string twenty_zeros;
    for (int i = 0; i < 20; ++i) twenty_zeros += "0.";
    CHECK(reverse_name("fd42:203::10") == "0.1.0.0." + twenty_zeros + "3.0.2.0.2.4.d.f.ip6.arpa.");
    CHECK(reverse_name("web.local").empty());
    CHECK(reverse_name("").empty());
  }
  SECTION("names in wire format") {
    const auto name = [](const std::string& wire) {
      return wire_name(reinterpret_cast<const unsigned char*>(wire.data()), wire.size());
    };
    CHECK(name("\x03web\x05local\x00"s) == "web.local");
    CHECK(name("\x04w\nb\xff\x05local\x00"s) == "w\nb\xff.local");  // bytes kept
    CHECK(name("\x03web\x05local"s).empty());                       // no root label
    CHECK(name("\x09web\x00"s).empty());                            // longer than the data
    CHECK(name("\xc0\x0c"s).empty());                               // a compression pointer
    CHECK(name("").empty());
  }
  SECTION("fully qualified names lose the final dot") {
    CHECK(without_trailing_dot("containers.local.") == "containers.local");
    CHECK(without_trailing_dot("containers.local") == "containers.local");
    CHECK(without_trailing_dot(".") == ".");
  }
  SECTION("waits round up and never go negative") {
    const auto now = Clock::now();
    CHECK(wait_ms(now - std::chrono::seconds(1), now) == 0);
    CHECK(wait_ms(now, now) == 0);
    CHECK(wait_ms(now + std::chrono::microseconds(1), now) == 1);
    CHECK(wait_ms(now + std::chrono::milliseconds(250), now) == 250);
    CHECK(wait_ms(Clock::time_point::max(), now) > 0);
  }
}
